package dev.patchbay.console.apps;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import dev.patchbay.domain.App;
import java.time.Instant;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/** The Apps page: a table of apps and a side form to create or rename one. Binds to {@link AppsViewModel}. */
public final class AppsPage implements Page {
    private final AppsViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<App> table = new TableView<>();

    public AppsPage(AppsViewModel vm) {
        this.vm = vm;
        root.setId("apps-page");
        root.getStyleClass().add("page");
        root.setTop(toolbar());
        root.setCenter(table());
        root.setRight(form());
    }

    private Node toolbar() {
        Button create = Forms.button("app-new", "New app", Feather.PLUS, "Create an app (Ctrl+N)");
        create.disableProperty().bind(vm.cannotModifyProperty());
        create.setOnAction(e -> newItem());
        Button rename = Forms.button("app-rename", "Rename", Feather.EDIT_2, "Rename the selected app (Enter)");
        rename.disableProperty().bind(vm.cannotModifySelectedProperty());
        rename.setOnAction(e -> vm.startRename());
        Button delete = Forms.button("app-delete", "Delete", Feather.TRASH_2, "Delete the selected app and its channels (Delete)");
        delete.disableProperty().bind(vm.cannotModifySelectedProperty());
        delete.setOnAction(e -> deleteSelected());
        delete.getStyleClass().add(Styles.DANGER);
        Button refresh = Forms.button("app-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again (F5 or Ctrl+R)");
        refresh.setOnAction(e -> refresh());
        Button capgo = Forms.button("app-capgo", "Capgo compat", Feather.SHIELD_OFF,
                "Switch Capgo-compatible delivery of the selected app on or off (weaker guarantees)");
        capgo.disableProperty().bind(vm.cannotModifySelectedProperty());
        capgo.setOnAction(e -> toggleCapgo());

        Label readOnly = Forms.message("apps-read-only", Bindings.when(vm.connection().readOnlyProperty())
                .then(vm.connection().readOnlyReasonProperty()).otherwise(""), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label fetched = new Label();
        fetched.setId("apps-fetched-at");
        fetched.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        fetched.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null ? ""
                : "Fetched " + Times.format(vm.fetchedAtProperty().get()), vm.fetchedAtProperty()));
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 6, create, rename, delete, capgo, refresh, spacer, fetched);
        bar.getStyleClass().add("page-toolbar");
        Label title = new Label("Apps");
        title.getStyleClass().add(Styles.TITLE_3);
        Label problem = Forms.message("apps-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(8, title, bar, readOnly, problem);
        top.getStyleClass().add("page-header");
        return top;
    }

    private Node table() {
        table.setId("apps-table");
        table.setItems(vm.apps());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label placeholder = new Label();
        // Offline, New app is disabled: the text names no action the user cannot take.
        placeholder.textProperty().bind(Bindings.createStringBinding(() -> vm.connection().readOnlyProperty().get()
                        ? (vm.fetchedAtProperty().get() == null ? "Nothing cached for this connection yet."
                        : "No apps on this server when last connected. Apps can be created once it is reachable again.")
                        : vm.fetchedAtProperty().get() == null ? "Loading…"
                        : "No apps yet. Next step: New app (Ctrl+N); then its keys (Keys page), a channel, and a first bundle.",
                vm.fetchedAtProperty(), vm.connection().readOnlyProperty()));
        table.setPlaceholder(placeholder);
        TableColumn<App, String> id = new TableColumn<>("App id");
        id.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().id()));
        id.setPrefWidth(260);
        TableColumn<App, String> name = new TableColumn<>("Name");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name()));
        name.setPrefWidth(220);
        TableColumn<App, String> created = new TableColumn<>("Created");
        created.setCellValueFactory(c -> new ReadOnlyStringWrapper(Times.format(c.getValue().createdAt())));
        TableColumn<App, String> delivery = new TableColumn<>("Delivery");
        delivery.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().capgoCompat()
                ? "Patchbay + Capgo compat (weaker)" : "Patchbay"));
        delivery.setPrefWidth(200);
        table.getColumns().add(id);
        table.getColumns().add(name);
        table.getColumns().add(delivery);
        table.getColumns().add(created);
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> vm.selectedProperty().set(now));
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && !vm.cannotModifySelectedProperty().get()) {
                vm.startRename();
                e.consume();
            }
        });
        BorderPane.setMargin(table, new javafx.geometry.Insets(0, 12, 12, 12));
        return table;
    }

    private Node form() {
        Label heading = new Label();
        heading.getStyleClass().add(Styles.TITLE_4);
        heading.textProperty().bind(Bindings.when(vm.formModeProperty().isEqualTo(FormMode.CREATE))
                .then("New app").otherwise("Rename app"));
        TextField id = new TextField();
        id.setId("app-id");
        id.setPromptText("com.example.shop");
        id.textProperty().bindBidirectional(vm.formIdProperty());
        id.editableProperty().bind(vm.formModeProperty().isEqualTo(FormMode.CREATE));
        TextField name = new TextField();
        name.setId("app-name");
        name.setPromptText("Shop");
        name.textProperty().bindBidirectional(vm.formNameProperty());
        Button save = Forms.button("app-save", "Save", Feather.CHECK, "Save (Enter)");
        save.setDefaultButton(true);
        save.getStyleClass().add(Styles.ACCENT);
        save.disableProperty().bind(vm.cannotModifyProperty());
        save.setOnAction(e -> vm.submit());
        Button cancel = Forms.button("app-cancel", "Cancel", Feather.X, "Close the form (Esc)");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> vm.cancelForm());
        VBox box = new VBox(12, heading,
                Forms.field("App id (reverse-domain, as Capacitor's appId)", id, vm.idErrorProperty()),
                Forms.field("Display name", name, vm.nameErrorProperty()),
                Forms.message("app-form-error", vm.formErrorProperty(), Styles.DANGER),
                new HBox(8, save, cancel));
        box.setId("app-form");
        box.getStyleClass().add("side-form");
        box.visibleProperty().bind(vm.formModeProperty().isNotEqualTo(FormMode.CLOSED));
        box.managedProperty().bind(box.visibleProperty());
        vm.formModeProperty().addListener((obs, old, now) -> {
            if (now == FormMode.CREATE) {
                id.requestFocus();
            } else if (now == FormMode.EDIT) {
                name.requestFocus();
            }
        });
        return box;
    }

    @Override
    public String id() {
        return "apps";
    }

    @Override
    public String title() {
        return "Apps";
    }

    @Override
    public Ikon icon() {
        return Feather.PACKAGE;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public ReadOnlyObjectProperty<Instant> dataFetchedAtProperty() {
        return vm.fetchedAtProperty();
    }

    @Override
    public void newItem() {
        if (!vm.cannotModifyProperty().get()) {
            vm.startCreate();
        }
    }

    @Override
    public void refresh() {
        vm.refresh();
    }

    /** Coming back to the page shows what is cached and asks the server again in the background. */
    @Override
    public void shown() {
        vm.refresh();
    }

    /** Switching the mode on says what the plugin does not check (docs/capgo-compat.md §1) and asks first. */
    private void toggleCapgo() {
        App app = vm.selectedProperty().get();
        if (app == null || vm.cannotModifySelectedProperty().get()) {
            return;
        }
        boolean on = !app.capgoCompat();
        if (on ? Dialogs.confirm(root.getScene().getWindow(), "Serve " + app.id() + " to the reference plugin?",
                AppsViewModel.CAPGO_WARNING, "Switch on")
                : Dialogs.confirm(root.getScene().getWindow(), "Stop Capgo-compatible delivery of " + app.id() + "?",
                "Devices running the reference plugin get no more updates from this server until it is switched on"
                        + " again.", "Switch off")) {
            vm.setCapgoCompat(on);
        }
    }

    @Override
    public void deleteSelected() {
        App app = vm.selectedProperty().get();
        if (app == null || vm.cannotModifySelectedProperty().get()) {
            return;
        }
        if (Dialogs.confirm(root.getScene().getWindow(), "Delete app " + app.id() + "?",
                "This deletes the app \"" + app.name() + "\" and all its channels on the server. It cannot be undone.",
                "Delete app")) {
            vm.deleteSelected();
        }
    }
}
