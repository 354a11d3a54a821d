package dev.patchbay.console.apikeys;

import atlantafx.base.theme.Styles;
import dev.patchbay.client.ApiKey;
import dev.patchbay.client.ApiKeyAdmin;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import java.time.Instant;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The API keys page: the server's keys (name, role, apps, status, created, expires) and a side form to create one;
 * revoke and rotate the selected key; a new secret shown once with Copy. Binds to {@link ApiKeysViewModel}.
 */
public final class ApiKeysPage implements Page {
    private final ApiKeysViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<ApiKey> table = new TableView<>();

    public ApiKeysPage(ApiKeysViewModel vm) {
        this.vm = vm;
        root.setId("api-keys-page");
        root.getStyleClass().add("page");
        root.setTop(toolbar());
        root.setCenter(table());
        root.setRight(form());
    }

    private Node toolbar() {
        Button create = Forms.button("api-key-new", "New key", Feather.PLUS, "Create an API key (Ctrl+N)");
        create.disableProperty().bind(vm.cannotModifyProperty());
        create.setOnAction(e -> newItem());
        Button rotate = Forms.button("api-key-rotate", "Rotate", Feather.REPEAT,
                "Give the selected key a new secret; the old one stops working at once");
        rotate.disableProperty().bind(vm.cannotModifySelectedProperty());
        rotate.setOnAction(e -> rotateSelected());
        Button revoke = Forms.button("api-key-revoke", "Revoke", Feather.SLASH,
                "Revoke the selected key: refused from the next request on (Delete)");
        revoke.disableProperty().bind(vm.cannotModifySelectedProperty());
        revoke.getStyleClass().add(Styles.DANGER);
        revoke.setOnAction(e -> deleteSelected());
        Button refresh = Forms.button("api-key-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again (F5)");
        refresh.setOnAction(e -> refresh());
        CheckBox all = new CheckBox("Show revoked and expired");
        all.setId("api-key-show-all");
        all.selectedProperty().bindBidirectional(vm.showAllProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label fetched = new Label();
        fetched.setId("api-keys-fetched-at");
        fetched.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        fetched.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null ? ""
                : "Fetched " + Times.format(vm.fetchedAtProperty().get()), vm.fetchedAtProperty()));
        HBox bar = new HBox(8, create, rotate, revoke, refresh, all, spacer, fetched);
        bar.getStyleClass().add("page-toolbar");
        Label title = new Label("API keys");
        title.getStyleClass().add(Styles.TITLE_3);
        Label readOnly = Forms.message("api-keys-read-only", Bindings.when(vm.connection().readOnlyProperty())
                .then(vm.connection().readOnlyReasonProperty()).otherwise(""), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Label problem = Forms.message("api-keys-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(8, title, bar, readOnly, problem, secretBox());
        top.getStyleClass().add("page-header");
        return top;
    }

    /** The secret of the key just created or rotated, with Copy; hidden when there is none. */
    private Node secretBox() {
        Label note = Forms.message("api-key-secret-note", vm.secretNoteProperty(), Styles.SUCCESS);
        TextField secret = new TextField();
        secret.setId("api-key-secret");
        secret.setEditable(false);
        secret.textProperty().bind(vm.secretProperty());
        HBox.setHgrow(secret, Priority.ALWAYS);
        Button copy = Forms.button("api-key-copy", "Copy", Feather.COPY, "Copy the secret to the clipboard");
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(vm.secretProperty().get());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
        });
        Button hide = Forms.button("api-key-hide", "Hide", Feather.EYE_OFF, "Forget the secret on screen");
        hide.setOnAction(e -> vm.hideSecret());
        HBox row = new HBox(8, secret, copy, hide);
        row.visibleProperty().bind(vm.secretProperty().isNotEmpty());
        row.managedProperty().bind(row.visibleProperty());
        return new VBox(4, note, row);
    }

    private Node table() {
        table.setId("api-keys-table");
        table.setItems(vm.keys());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null
                        ? (vm.messageProperty().get().isEmpty() ? "Loading…" : "")
                        : "No keys to show.",
                vm.fetchedAtProperty(), vm.messageProperty()));
        table.setPlaceholder(placeholder);
        table.getColumns().add(column("Name", 160, ApiKey::name));
        table.getColumns().add(column("Role", 110, ApiKey::role));
        table.getColumns().add(column("Apps", 200, k -> k.apps() == null ? "all" : String.join(", ", k.apps())));
        table.getColumns().add(column("Status", 80, ApiKey::status));
        table.getColumns().add(column("Created", 150, k -> Times.format(k.createdAt())
                + (k.createdBy() == null ? "" : " by " + k.createdBy())));
        table.getColumns().add(column("Expires", 150, k -> k.expiresAt() == null ? "never" : Times.format(k.expiresAt())));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> vm.selectedProperty().set(now));
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        BorderPane.setMargin(table, new javafx.geometry.Insets(0, 12, 12, 12));
        return table;
    }

    private static TableColumn<ApiKey, String> column(String title, double width,
                                                      java.util.function.Function<ApiKey, String> value) {
        TableColumn<ApiKey, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private Node form() {
        Label heading = new Label("New API key");
        heading.getStyleClass().add(Styles.TITLE_4);
        TextField name = new TextField();
        name.setId("api-key-name");
        name.setPromptText("ci-shop");
        name.textProperty().bindBidirectional(vm.formNameProperty());
        ChoiceBox<String> role = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList(ApiKeyAdmin.ROLES));
        role.setId("api-key-role");
        role.valueProperty().bindBidirectional(vm.formRoleProperty());
        TextField apps = new TextField();
        apps.setId("api-key-apps");
        apps.setPromptText("all apps (or com.example.shop, com.example.news)");
        apps.textProperty().bindBidirectional(vm.formAppsProperty());
        TextField expires = new TextField();
        expires.setId("api-key-expires");
        expires.setPromptText("never (or 90d, 12h, 2027-01-31T00:00:00Z)");
        expires.textProperty().bindBidirectional(vm.formExpiresProperty());
        Label roles = new Label("publisher: publish, channels, rollouts · viewer: read only · device-admin: device"
                + " channel overrides · admin: everything");
        roles.setWrapText(true);
        roles.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Button save = Forms.button("api-key-save", "Create", Feather.CHECK, "Create the key (Enter)");
        save.setDefaultButton(true);
        save.getStyleClass().add(Styles.ACCENT);
        save.disableProperty().bind(vm.cannotModifyProperty());
        save.setOnAction(e -> vm.submit());
        Button cancel = Forms.button("api-key-cancel", "Cancel", Feather.X, "Close the form (Esc)");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> vm.cancelForm());
        VBox box = new VBox(12, heading,
                Forms.field("Name (shown as the actor in the audit log)", name, vm.nameErrorProperty()),
                Forms.field("Role", role, vm.roleErrorProperty()), roles,
                Forms.field("Apps (comma-separated; empty: every app)", apps, vm.appsErrorProperty()),
                Forms.field("Expires", expires, vm.expiresErrorProperty()),
                Forms.message("api-key-form-error", vm.formErrorProperty(), Styles.DANGER),
                new HBox(8, save, cancel));
        box.setId("api-key-form");
        box.getStyleClass().add("side-form");
        box.setPrefWidth(320);
        box.visibleProperty().bind(vm.formModeProperty().isNotEqualTo(FormMode.CLOSED));
        box.managedProperty().bind(box.visibleProperty());
        vm.formModeProperty().addListener((obs, old, now) -> {
            if (now == FormMode.CREATE) {
                name.requestFocus();
            }
        });
        return box;
    }

    private void rotateSelected() {
        ApiKey k = vm.selectedProperty().get();
        if (k == null || vm.cannotModifySelectedProperty().get()) {
            return;
        }
        if (Dialogs.confirm(root.getScene().getWindow(), "Rotate key " + k.name() + "?",
                "The key gets a new secret and the current one stops working at once: whoever uses it (a CI job, this"
                        + " console's connection) needs the new one.", "Rotate key")) {
            vm.rotateSelected();
        }
    }

    @Override
    public String id() {
        return "api-keys";
    }

    @Override
    public String title() {
        return "API keys";
    }

    @Override
    public Ikon icon() {
        return Feather.LOCK;
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

    @Override
    public void shown() {
        vm.refresh();
    }

    /** Delete = revoke (after confirmation). */
    @Override
    public void deleteSelected() {
        ApiKey k = vm.selectedProperty().get();
        if (k == null || vm.cannotModifySelectedProperty().get()) {
            return;
        }
        if (Dialogs.confirm(root.getScene().getWindow(), "Revoke key " + k.name() + "?",
                "Every request with this key is refused from now on. It cannot be undone.", "Revoke key")) {
            vm.revokeSelected();
        }
    }
}
