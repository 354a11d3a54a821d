package dev.patchbay.console.connections;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.shell.Page;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The Connections page: the Local sandbox and saved servers. Binds to {@link ConnectionsViewModel}. */
public final class ConnectionsPage implements Page {
    private final ConnectionsViewModel vm;
    private final BorderPane root = new BorderPane();

    public ConnectionsPage(ConnectionsViewModel vm) {
        this.vm = vm;
        root.setId("connections-page");
        root.getStyleClass().add("page");
        root.setTop(toolbar());
        root.setCenter(list());
        root.setRight(form());
    }

    private Node toolbar() {
        Button use = Forms.button("connection-use", "Connect", Feather.LOG_IN, "Work with the selected connection");
        use.disableProperty().bind(vm.selectedProperty().isNull().or(vm.selectedIsActiveProperty()));
        use.setOnAction(e -> vm.useSelected());
        Button add = Forms.button("connection-add", "Add server", Feather.PLUS, "Save a remote Patchbay server (Ctrl+N)");
        add.setOnAction(e -> newItem());
        Button edit = Forms.button("connection-edit", "Edit", Feather.EDIT_2, "Edit the selected server");
        edit.disableProperty().bind(vm.selectedIsRemoteProperty().not());
        edit.setOnAction(e -> vm.startEdit());
        Button remove = Forms.button("connection-remove", "Remove", Feather.TRASH_2, "Forget the selected server and its API key (Delete)");
        remove.disableProperty().bind(vm.selectedIsRemoteProperty().not().or(vm.busyProperty()));
        remove.getStyleClass().add(Styles.DANGER);
        remove.setOnAction(e -> deleteSelected());
        HBox bar = new HBox(8, use, add, edit, remove);
        Label title = new Label("Connections");
        title.getStyleClass().add(Styles.TITLE_3);
        VBox top = new VBox(8, title, bar);
        top.getStyleClass().add("page-header");
        return top;
    }

    private Node list() {
        ListView<ConnectionItem> list = new ListView<>(vm.items());
        list.setId("connections-list");
        list.setCellFactory(l -> new ListCell<>() {
            {
                vm.activeIdProperty().addListener((obs, old, now) -> updateItem(getItem(), isEmpty()));
            }

            @Override
            protected void updateItem(ConnectionItem item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                boolean active = item.id().equals(vm.activeIdProperty().get());
                setText(item.name() + "  —  " + item.url() + (active ? "   (in use)" : ""));
                setGraphic(new FontIcon(item.sandbox() ? Feather.HOME : Feather.SERVER));
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> vm.selectedProperty().set(now));
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (list.getSelectionModel().getSelectedItem() != now) {
                list.getSelectionModel().select(now);
            }
        });
        list.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                vm.useSelected();
            }
        });
        BorderPane.setMargin(list, new Insets(0, 12, 12, 12));
        return list;
    }

    private Node form() {
        Label heading = new Label();
        heading.getStyleClass().add(Styles.TITLE_4);
        heading.textProperty().bind(Bindings.when(vm.formModeProperty().isEqualTo(FormMode.CREATE))
                .then("Add server").otherwise("Edit server"));
        TextField name = new TextField();
        name.setId("connection-name");
        name.setPromptText("Production");
        name.textProperty().bindBidirectional(vm.formNameProperty());
        TextField url = new TextField();
        url.setId("connection-url");
        url.setPromptText("https://updates.example.com");
        url.textProperty().bindBidirectional(vm.formUrlProperty());
        PasswordField key = new PasswordField();
        key.setId("connection-api-key");
        key.promptTextProperty().bind(Bindings.when(vm.formModeProperty().isEqualTo(FormMode.EDIT))
                .then("unchanged").otherwise(""));
        key.textProperty().bindBidirectional(vm.formApiKeyProperty());
        Label keyHint = new Label("Stored in secrets.json (owner-only), never in settings.json.");
        keyHint.setWrapText(true);
        keyHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        Button test = Forms.button("connection-test", "Test connection", Feather.ACTIVITY, "Ask the server with this URL and key");
        test.disableProperty().bind(vm.busyProperty());
        test.setOnAction(e -> vm.testConnection());
        Label result = Forms.message("connection-test-result", vm.testResultProperty(), Styles.TEXT_SMALL);
        Button save = Forms.button("connection-save", "Save", Feather.CHECK, "Save (Enter)");
        save.setDefaultButton(true);
        save.getStyleClass().add(Styles.ACCENT);
        save.disableProperty().bind(vm.busyProperty());
        save.setOnAction(e -> vm.save());
        Button cancel = Forms.button("connection-cancel", "Cancel", Feather.X, "Close the form (Esc)");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> vm.cancelForm());
        HBox buttons = new HBox(8, save, cancel);
        buttons.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(12, heading,
                Forms.field("Name", name, vm.nameErrorProperty()),
                Forms.field("Server URL", url, vm.urlErrorProperty()),
                Forms.field("API key", key, vm.apiKeyErrorProperty()), keyHint,
                test, result,
                Forms.message("connection-form-error", vm.formErrorProperty(), Styles.DANGER),
                buttons);
        box.setId("connection-form");
        box.getStyleClass().add("side-form");
        box.setPrefWidth(320);
        box.visibleProperty().bind(vm.formModeProperty().isNotEqualTo(FormMode.CLOSED));
        box.managedProperty().bind(box.visibleProperty());
        vm.formModeProperty().addListener((obs, old, now) -> {
            if (now != FormMode.CLOSED) {
                name.requestFocus();
            }
        });
        return box;
    }

    @Override
    public String id() {
        return "connections";
    }

    @Override
    public String title() {
        return "Connections";
    }

    @Override
    public Ikon icon() {
        return Feather.GLOBE;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void refresh() {
        vm.reconnect();
    }

    @Override
    public void newItem() {
        vm.startAdd();
    }

    @Override
    public void deleteSelected() {
        ConnectionItem item = vm.selectedProperty().get();
        if (item == null || item.sandbox()) {
            return;
        }
        if (Dialogs.confirm(root.getScene().getWindow(), "Remove " + item.name() + "?",
                "The console forgets " + item.url() + " and its API key. Cached data stays until it is reopened.",
                "Remove")) {
            vm.removeSelected();
        }
    }
}
