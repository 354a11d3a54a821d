package dev.patchbay.console.channels;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.TableHeaders;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import dev.patchbay.console.common.AppSelector;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.UpdateGate;
import dev.patchbay.domain.Platform;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/** The Channels page: pick an app, see its channels, create, edit or delete one. Binds to {@link ChannelsViewModel}. */
public final class ChannelsPage implements Page {
    private final ChannelsViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<Channel> table = new TableView<>();
    private final RolloutPanel rollout;

    public ChannelsPage(ChannelsViewModel vm, RolloutViewModel rollouts) {
        this.vm = vm;
        this.rollout = new RolloutPanel(rollouts);
        root.setId("channels-page");
        root.getStyleClass().add("page");
        root.setTop(toolbar());
        Node list = table();
        javafx.scene.control.ScrollPane panel = new javafx.scene.control.ScrollPane(rollout.view());
        panel.setId("rollout-scroll");
        panel.setFitToWidth(true);
        javafx.scene.control.SplitPane split = new javafx.scene.control.SplitPane(list, panel);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.3);
        BorderPane.setMargin(split, new Insets(0, 12, 12, 12));
        root.setCenter(split);
        root.setRight(form());
        // Promote and roll back change the channel's bundle: read the list again when a rollout ends.
        rollouts.rolloutProperty().addListener((obs, old, now) -> {
            if (old != null && now != null && old.id().equals(now.id()) && old.active() && !now.active()) {
                vm.refresh();
            }
        });
    }

    private Node toolbar() {
        ComboBox<App> app = AppSelector.create("channel-app", vm.apps(), vm.appProperty());

        Button create = Forms.button("channel-new", "New channel", Feather.PLUS, "Create a channel for this app (Ctrl+N)");
        create.disableProperty().bind(vm.cannotModifyProperty());
        create.setOnAction(e -> newItem());
        Button edit = Forms.button("channel-edit", "Edit", Feather.EDIT_2, "Edit the selected channel (Enter or double-click)");
        edit.disableProperty().bind(vm.cannotModifySelectedProperty());
        edit.setOnAction(e -> vm.startEdit());
        Button delete = Forms.button("channel-delete", "Delete", Feather.TRASH_2, "Delete the selected channel (Delete)");
        delete.disableProperty().bind(vm.cannotModifySelectedProperty());
        delete.getStyleClass().add(Styles.DANGER);
        delete.setOnAction(e -> deleteSelected());
        Button refresh = Forms.button("channel-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again (F5 or Ctrl+R)");
        refresh.setOnAction(e -> refresh());

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label fetched = new Label();
        fetched.setId("channels-fetched-at");
        fetched.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        fetched.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null ? ""
                : "Fetched " + Times.format(vm.fetchedAtProperty().get()), vm.fetchedAtProperty()));
        Label appLabel = new Label("App");
        appLabel.setLabelFor(app);
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 6, appLabel, app, create, edit, delete, refresh, spacer, fetched);
        bar.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Channels & Rollouts");
        title.getStyleClass().add(Styles.TITLE_3);
        Label readOnly = Forms.message("channels-read-only", Bindings.when(vm.connection().readOnlyProperty())
                .then(vm.connection().readOnlyReasonProperty()).otherwise(""), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Label problem = Forms.message("channels-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(8, title, bar, readOnly, problem);
        top.getStyleClass().add("page-header");
        return top;
    }

    private Node table() {
        table.setId("channels-table");
        table.setItems(vm.channels());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.createStringBinding(() -> vm.appProperty().get() == null
                        ? AppSelector.noAppText(vm.connection().readOnlyProperty().get())
                        : vm.connection().readOnlyProperty().get() ? (vm.fetchedAtProperty().get() == null
                        ? "Nothing cached for this app yet."
                        : "No channels when last connected. Channels can be made once the server is reachable again.")
                        : vm.fetchedAtProperty().get() != null ? "No channels yet. Next step: New channel (Ctrl+N); the first one becomes the default for its platforms, so devices get it."
                        : "Loading…",
                vm.appProperty(), vm.fetchedAtProperty(), vm.connection().readOnlyProperty()));
        table.setPlaceholder(placeholder);
        table.getColumns().add(column("Name", 140, Channel::name));
        // Short titles (full name on hover) so the nine columns fit more often; see common/TableHeaders.
        table.getColumns().add(TableHeaders.shortTitle(column("Default for", 110, c -> platforms(c.defaultFor())),
                "Default", "Default channel for these platforms"));
        table.getColumns().add(column("Platforms", 110, c -> platforms(c.platforms())));
        table.getColumns().add(column("Self-assign", 100, c -> yesNo(c.allowDeviceSelfAssign())));
        table.getColumns().add(column("Devices", 95, c -> both(c.allowPhysicalDevices(), c.allowEmulators(),
                "physical only", "emulators only")));
        table.getColumns().add(column("Builds", 95, c -> both(c.allowProductionBuilds(), c.allowDevBuilds(),
                "production only", "dev only")));
        table.getColumns().add(TableHeaders.shortTitle(column("Update gate", 100, c -> c.updateGate().wireName()),
                "Gate", "Update gate"));
        table.getColumns().add(column("Bundle", 100, c -> c.bundle() == null ? "builtin" : c.bundle()));
        table.getColumns().add(column("Description", 200, Channel::description));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> vm.selectedProperty().set(now));
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        table.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && !vm.cannotModifySelectedProperty().get()) {
                vm.startEdit();
            }
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && !vm.cannotModifySelectedProperty().get()) {
                vm.startEdit();
                e.consume();
            }
        });
        return table;
    }

    private static TableColumn<Channel, String> column(String title, double width, Function<Channel, String> value) {
        TableColumn<Channel, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    static String platforms(Set<Platform> set) {
        return set.isEmpty() ? "–" : set.stream().sorted().map(p -> p == Platform.IOS ? "iOS" : "Android")
                .collect(Collectors.joining(", "));
    }

    /** A pair of switches in one cell: "all", "none", or which one is on. */
    static String both(boolean first, boolean second, String firstOnly, String secondOnly) {
        return first && second ? "all" : first ? firstOnly : second ? secondOnly : "none";
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private Node form() {
        Label heading = new Label();
        heading.getStyleClass().add(Styles.TITLE_4);
        heading.textProperty().bind(Bindings.when(vm.formModeProperty().isEqualTo(FormMode.CREATE))
                .then("New channel").otherwise("Edit channel"));
        TextField name = new TextField();
        name.setId("channel-name");
        name.setPromptText("production");
        name.textProperty().bindBidirectional(vm.formNameProperty());
        name.editableProperty().bind(vm.formModeProperty().isEqualTo(FormMode.CREATE));
        TextArea description = new TextArea();
        description.setId("channel-description");
        description.setPrefRowCount(3);
        description.setWrapText(true);
        description.textProperty().bindBidirectional(vm.formDescriptionProperty());

        HBox serves = new HBox(12, check("channel-platform-android", "Android", vm.servesAndroidProperty()),
                check("channel-platform-ios", "iOS", vm.servesIosProperty()));
        serves.setId("channel-platforms");
        HBox defaults = new HBox(12, check("channel-default-android", "Android", vm.defaultAndroidProperty()),
                check("channel-default-ios", "iOS", vm.defaultIosProperty()));
        defaults.setId("channel-default-for");
        Label defaultsHint = new Label();
        defaultsHint.setId("channel-default-hint");
        defaultsHint.textProperty().bind(vm.defaultsHintProperty());
        defaultsHint.setWrapText(true);
        defaultsHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        VBox flags = new VBox(6,
                check("channel-self-assign", "Devices may switch themselves to it (self-assign)", vm.selfAssignProperty()),
                check("channel-emulators", "Emulators receive updates", vm.emulatorsProperty()),
                check("channel-physical-devices", "Physical devices receive updates", vm.physicalDevicesProperty()),
                check("channel-dev-builds", "Development builds receive updates", vm.devBuildsProperty()),
                check("channel-production-builds", "Production builds receive updates", vm.productionBuildsProperty()));

        ChoiceBox<UpdateGate> gate = new ChoiceBox<>(vm.updateGateChoices());
        gate.setId("channel-update-gate");
        gate.setMaxWidth(Double.MAX_VALUE);
        gate.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(UpdateGate g) {
                return g == null ? "" : gateLabel(g);
            }

            @Override
            public UpdateGate fromString(String s) {
                return null;
            }
        });
        gate.valueProperty().bindBidirectional(vm.updateGateProperty());
        Label gateHint = new Label("Blocks bundles whose version leaves the device's native version at this level.");
        gateHint.setWrapText(true);
        gateHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        ComboBox<String> bundle = new ComboBox<>(vm.bundleChoices());
        bundle.setId("channel-bundle");
        bundle.setMaxWidth(Double.MAX_VALUE);
        bundle.setPromptText("builtin (the app's own assets)");
        bundle.setCellFactory(l -> new BundleCell());
        bundle.setButtonCell(new BundleCell());
        bundle.valueProperty().bindBidirectional(vm.formBundleProperty());

        Button save = Forms.button("channel-save", "Save", Feather.CHECK, "Save (Enter, outside the description)");
        save.setDefaultButton(true);
        save.getStyleClass().add(Styles.ACCENT);
        save.disableProperty().bind(vm.cannotModifyProperty());
        save.setOnAction(e -> vm.submit());
        Button cancel = Forms.button("channel-cancel", "Cancel", Feather.X, "Close the form (Esc)");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> vm.cancelForm());

        VBox box = new VBox(12, heading,
                Forms.field("Name", name, vm.nameErrorProperty()),
                Forms.field("Serves platforms", serves, vm.platformsErrorProperty()),
                new VBox(4, new Label("Default channel for"), defaults, defaultsHint),
                flags,
                new VBox(4, new Label("Update gate"), gate, gateHint),
                new VBox(4, new Label("Serves bundle"), bundle),
                Forms.field("Description", description, vm.descriptionErrorProperty()),
                Forms.message("channel-form-error", vm.formErrorProperty(), Styles.DANGER));
        // The fields scroll when the window is short; Save and Cancel stay in view below them.
        javafx.scene.control.ScrollPane fields = new javafx.scene.control.ScrollPane(box);
        fields.setFitToWidth(true);
        fields.setHbarPolicy(javafx.scene.control.ScrollPane.ScrollBarPolicy.NEVER);
        fields.getStyleClass().add("edge-to-edge");
        HBox buttons = new HBox(8, save, cancel);
        buttons.setPadding(new javafx.geometry.Insets(8, 0, 0, 0));
        BorderPane form = new BorderPane(fields, null, null, buttons, null);
        return sideForm(form, name, description);
    }

    private Node sideForm(BorderPane box, TextField name, TextArea description) {
        box.setId("channel-form");
        box.getStyleClass().add("side-form");
        box.setPrefWidth(320);
        box.visibleProperty().bind(vm.formModeProperty().isNotEqualTo(FormMode.CLOSED));
        box.managedProperty().bind(box.visibleProperty());
        vm.formModeProperty().addListener((obs, old, now) -> {
            if (now == FormMode.CREATE) {
                name.requestFocus();
            } else if (now == FormMode.EDIT) {
                description.requestFocus();
            }
        });
        return box;
    }

    private static final class BundleCell extends ListCell<String> {
        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.isEmpty() ? "builtin (the app's own assets)" : item);
        }
    }

    private static CheckBox check(String id, String text, BooleanProperty value) {
        CheckBox box = new CheckBox(text);
        box.setId(id);
        box.setWrapText(true);
        box.selectedProperty().bindBidirectional(value);
        return box;
    }

    @Override
    public String id() {
        return "channels";
    }

    @Override
    public String title() {
        return "Channels & Rollouts";
    }

    @Override
    public Ikon icon() {
        return Feather.GIT_BRANCH;
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
        rollout.refresh();
    }

    /** Coming back to the page shows what is cached and asks the server again in the background; the rollout polls. */
    @Override
    public void shown() {
        vm.refresh();
        rollout.start();
    }

    @Override
    public void deleteSelected() {
        Channel c = vm.selectedProperty().get();
        if (c == null || vm.cannotModifySelectedProperty().get()) {
            return;
        }
        if (Dialogs.confirm(root.getScene().getWindow(), "Delete channel " + c.name() + "?",
                "Devices on channel \"" + c.name() + "\" of " + c.appId()
                        + " fall back to their platform's default channel. It cannot be undone.", "Delete channel")) {
            vm.deleteSelected();
        }
    }

    /** How the update gate reads in the form. */
    static String gateLabel(UpdateGate g) {
        return switch (g) {
            case NONE -> "None (any bundle version)";
            case MAJOR -> "Major (same major as native)";
            case MINOR -> "Minor (same major.minor)";
            case PATCH -> "Patch (same major.minor.patch)";
        };
    }
}
