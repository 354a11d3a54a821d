package dev.patchbay.console.emulator;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.AppSelector;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.shell.Page;
import dev.patchbay.domain.App;
import dev.patchbay.harness.DeviceState;
import dev.patchbay.harness.LogEntry;
import dev.patchbay.updater.AutoUpdate;
import java.io.File;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableStringValue;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.web.WebView;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The Emulator page: make emulated devices for an app, drive their lifecycle and faults, watch their screen (the
 * harness's real WebView), bundles and log, and what the server knows about them. Binds to {@link EmulatorViewModel}.
 */
public final class EmulatorPage implements Page {
    static final double SCREEN_WIDTH = 288;
    static final double SCREEN_HEIGHT = 512;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final EmulatorViewModel vm;
    private final Runnable refreshApps;
    private final BorderPane root = new BorderPane();
    private final StackPane screen = new StackPane();
    private final Label screenOff = new Label();
    private final ListView<LogEntry> log = new ListView<>();
    private final ListChangeListener<LogEntry> followLog = c -> scrollLogToEnd();
    private final ChangeListener<DeviceState> screenFollower = (obs, old, now) -> updateScreen();
    private TextField versionField;

    /** @param refreshApps asks the server for the app list again (the app selector) */
    public EmulatorPage(EmulatorViewModel vm, Runnable refreshApps) {
        this.vm = vm;
        this.refreshApps = refreshApps;
        root.setId("emulator-page");
        root.getStyleClass().add("page");
        root.setTop(header());
        ScrollPane left = scroll(new VBox(12, createForm(), devicesBox()));
        ScrollPane right = scroll(detailsBox());
        Node phone = phone();
        SplitPane.setResizableWithParent(phone, false);
        SplitPane split = new SplitPane(left, phone, new VBox(rightAndLog(right)));
        split.setDividerPositions(0.3, 0.655);
        root.setCenter(split);
        vm.selectedProperty().addListener((obs, old, now) -> selectionChanged(old, now));
        selectionChanged(null, vm.selectedProperty().get());
        // "What the server knows" changes without the device changing (stats arrive a little later).
        Timeline poll = new Timeline(new KeyFrame(Duration.seconds(2), e -> {
            if (shownNow() && vm.selectedProperty().get() != null) {
                vm.server().refresh();
            }
        }));
        poll.setCycleCount(Timeline.INDEFINITE);
        poll.play();
    }

    private Node header() {
        ComboBox<App> app = AppSelector.create("emulator-app", vm.apps(), vm.appProperty());
        Label appLabel = new Label("App");
        appLabel.setLabelFor(app);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        Label busy = Forms.message("emulator-busy", vm.busyProperty(), Styles.TEXT_MUTED);
        spinner.visibleProperty().bind(busy.visibleProperty());
        spinner.managedProperty().bind(busy.visibleProperty());
        HBox bar = new HBox(8, appLabel, app, spinner, busy);
        bar.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Emulator");
        title.getStyleClass().add(Styles.TITLE_3);
        VBox top = new VBox(8, title, bar,
                Forms.message("emulator-message", vm.messageProperty(), Styles.DANGER),
                Forms.message("emulator-info", vm.infoProperty(), Styles.SUCCESS));
        top.getStyleClass().add("page-header");
        return top;
    }

    // ---- left: new device and the device list -------------------------------------------------------------------

    private Node createForm() {
        versionField = text("emulator-native-version", vm.form().nativeVersionProperty(), "1.4.0");
        TextField build = text("emulator-native-build", vm.form().nativeBuildProperty(), "140");
        TextField channel = text("emulator-channel", vm.form().channelProperty(), "the app's default channel");
        ComboBox<AutoUpdate> mode = new ComboBox<>();
        mode.setId("emulator-auto-update");
        mode.getItems().setAll(AutoUpdate.values());
        mode.setConverter(new StringConverter<>() {
            @Override
            public String toString(AutoUpdate a) {
                return a == null ? "" : switch (a) {
                    case OFF -> "off (the app's JS decides)";
                    case AT_BACKGROUND -> "atBackground (install when left)";
                    case ALWAYS -> "always (install at once)";
                    case ON_LAUNCH -> "onLaunch (at once after a cold start)";
                    case AT_INSTALL -> "atInstall (at once after a native install/upgrade)";
                    case ONLY_DOWNLOAD -> "onlyDownload (download only, the app's JS installs)";
                };
            }

            @Override
            public AutoUpdate fromString(String s) {
                return null;
            }
        });
        mode.valueProperty().bindBidirectional(vm.form().autoUpdateProperty());
        mode.setMaxWidth(Double.MAX_VALUE);
        TextField ready = text("emulator-ready-timeout", vm.form().appReadyTimeoutProperty(), "10000");
        ComboBox<EmulatorViewModel.WebLayer> layer = new ComboBox<>();
        layer.setId("emulator-web-layer");
        layer.getItems().setAll(EmulatorViewModel.WebLayer.values());
        layer.valueProperty().bindBidirectional(vm.form().webLayerProperty());
        layer.setMaxWidth(Double.MAX_VALUE);
        CheckBox emulator = new CheckBox("Report isEmulator (channels may refuse emulators)");
        emulator.setId("emulator-reports-emulator");
        emulator.selectedProperty().bindBidirectional(vm.form().reportsEmulatorProperty());

        Label assets = new Label();
        assets.setId("emulator-assets");
        assets.setWrapText(true);
        assets.textProperty().bind(Bindings.createStringBinding(() -> vm.form().assetsFolderProperty().get() == null
                ? "Generated page (calls notifyAppReady)" : vm.form().assetsFolderProperty().get().toString(),
                vm.form().assetsFolderProperty()));
        Button choose = Forms.button("emulator-assets-choose", null, Feather.FOLDER,
                "Use a folder of web assets (index.html at its top) as the app's builtin assets");
        choose.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Builtin web assets of the emulated app");
            File f = chooser.showDialog(root.getScene().getWindow());
            if (f != null) {
                vm.form().assetsFolderProperty().set(f.toPath());
            }
        });
        Button generated = Forms.button("emulator-assets-generated", null, Feather.FILE_TEXT,
                "Use a generated page that calls notifyAppReady");
        generated.setOnAction(e -> vm.form().assetsFolderProperty().set(null));
        generated.disableProperty().bind(vm.form().assetsFolderProperty().isNull());
        choose.setMinWidth(Region.USE_PREF_SIZE);
        generated.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(assets, Priority.ALWAYS);
        assets.setMaxWidth(Double.MAX_VALUE);
        HBox assetsBox = new HBox(6, assets, choose, generated);
        assetsBox.setAlignment(Pos.CENTER_LEFT);
        assetsBox.setId("emulator-assets-box");

        Button create = Forms.button("emulator-create", "Create device", Feather.PLUS,
                "Make an emulated Android device and install the app on it (Ctrl+N goes here)");
        create.getStyleClass().add(Styles.ACCENT);
        create.disableProperty().bind(vm.workingProperty().or(vm.appProperty().isNull()));
        create.setOnAction(e -> vm.create());
        for (TextField f : new TextField[] {versionField, build, channel, ready}) {
            f.setOnAction(e -> create.fire());
        }

        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        Label platform = new Label("Platform: Android (the harness emulates Android devices)");
        platform.setWrapText(true);
        platform.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        grid.add(platform, 0, 0, 2, 1);
        javafx.scene.layout.ColumnConstraints half = new javafx.scene.layout.ColumnConstraints();
        half.setPercentWidth(50);
        grid.getColumnConstraints().setAll(half, half);
        grid.addRow(1, Forms.field("Native version", versionField, vm.form().nativeVersionErrorProperty()),
                Forms.field("versionCode", build, vm.form().nativeBuildErrorProperty()));
        grid.add(Forms.field("Channel to ask for", channel, vm.form().channelErrorProperty()), 0, 2, 2, 1);
        grid.add(field("autoUpdate", mode), 0, 3, 2, 1);
        grid.add(Forms.field("appReadyTimeout (ms)", ready, vm.form().appReadyTimeoutErrorProperty()), 0, 4, 2, 1);
        grid.add(Forms.field("Builtin web assets", assetsBox, vm.form().assetsErrorProperty()), 0, 5, 2, 1);
        grid.add(field("Web layer", layer), 0, 6, 2, 1);
        grid.add(emulator, 0, 7, 2, 1);

        Label problem = Forms.message("emulator-config-problem", vm.configProblemProperty(), Styles.DANGER);
        Label config = Forms.message("emulator-config", vm.configProperty(), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        Label trust = Forms.message("emulator-server-trust", vm.serverTrustProperty(), Styles.TEXT_SMALL);
        vm.serverTrustedProperty().addListener((obs, old, now) -> {
            trust.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING);
            trust.getStyleClass().add(now ? Styles.SUCCESS : Styles.WARNING);
        });
        trust.getStyleClass().add(Styles.WARNING);
        VBox box = new VBox(8, grid, create, section("Updater config"), problem, config, trust);
        box.setPadding(new Insets(4));
        TitledPane pane = new TitledPane("New device", box);
        pane.setId("emulator-create-form");
        return pane;
    }

    private Node devicesBox() {
        TableView<DeviceItem> table = new TableView<>(vm.devices());
        table.setId("emulator-devices");
        table.setPrefHeight(180);
        table.setPlaceholder(new Label("No emulated device for this connection yet. Next step: New device (Ctrl+N), then Cold start it."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(deviceColumn("Device id", 270, (d, s) -> d.deviceId()));
        table.getColumns().add(deviceColumn("App", 90, (d, s) -> d.appId()));
        table.getColumns().add(deviceColumn("Process", 80, (d, s) -> s == null ? "" : s.process().name().toLowerCase()));
        table.getColumns().add(deviceColumn("Bundle", 90, (d, s) -> s == null || s.current() == null ? ""
                : s.current().version() + " " + s.current().status()));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (now != null) {
                vm.selectedProperty().set(now);
            }
        });
        vm.selectedProperty().addListener((obs, old, now) -> table.getSelectionModel().select(now));
        table.getSelectionModel().select(vm.selectedProperty().get());
        return new VBox(6, section("Devices"), table);
    }

    private static TableColumn<DeviceItem, String> deviceColumn(String title, double width,
            java.util.function.BiFunction<DeviceItem, DeviceState, String> value) {
        TableColumn<DeviceItem, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> Bindings.createStringBinding(
                () -> value.apply(cell.getValue(), cell.getValue().state()), cell.getValue().stateProperty()));
        c.setPrefWidth(width);
        return c;
    }

    // ---- middle: the phone ---------------------------------------------------------------------------------------

    private Node phone() {
        screen.setId("emulator-screen");
        screen.setPrefSize(SCREEN_WIDTH, SCREEN_HEIGHT);
        screen.setMinSize(SCREEN_WIDTH, SCREEN_HEIGHT);
        screen.setMaxSize(SCREEN_WIDTH, SCREEN_HEIGHT);
        screen.getStyleClass().add("emulator-screen");
        screen.setStyle("-fx-border-color: -color-border-default; -fx-border-width: 10; -fx-border-radius: 18;"
                + " -fx-background-color: -color-bg-subtle; -fx-background-radius: 18;");
        screenOff.setId("emulator-screen-off");
        screenOff.setWrapText(true);
        screenOff.setMaxWidth(SCREEN_WIDTH - 40);
        screenOff.getStyleClass().add(Styles.TEXT_MUTED);
        screen.getChildren().setAll(screenOff);
        Label caption = new Label();
        caption.setId("emulator-screen-caption");
        caption.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        caption.textProperty().bind(vm.state().processProperty());
        caption.setWrapText(true);
        caption.setMaxWidth(SCREEN_WIDTH);
        VBox box = new VBox(8, screen, caption);
        box.setAlignment(Pos.TOP_CENTER);
        box.setPadding(new Insets(12));
        box.setMinWidth(SCREEN_WIDTH + 24);
        ScrollPane pane = scroll(box);
        pane.setMinWidth(SCREEN_WIDTH + 40);
        pane.setPrefWidth(SCREEN_WIDTH + 40);
        return pane;
    }

    /** Shows the selected device's WebView while its app runs (a cold start makes a new one), else why not. */
    private void updateScreen() {
        DeviceItem d = vm.selectedProperty().get();
        DeviceState s = d == null ? null : d.state();
        WebView view = s != null && s.running() ? d.device().webView() : null;
        if (view != null) {
            if (screen.getChildren().size() != 1 || screen.getChildren().get(0) != view) {
                view.setPrefSize(SCREEN_WIDTH - 20, SCREEN_HEIGHT - 20);
                screen.getChildren().setAll(view);
            }
            return;
        }
        screenOff.setText(d == null ? "No device selected"
                : s == null || s.appId() == null ? "Installing…"
                : !s.running() ? "Screen off: the app is not running. Cold start it."
                : !d.device().usesWebView() ? "Simulated web layer: no screen. Page: "
                + (s.page() == null ? "none" : s.page().version() + (s.page().loaded() ? ", loaded" : ", loading"))
                : "Starting…");
        if (screen.getChildren().size() != 1 || screen.getChildren().get(0) != screenOff) {
            screen.getChildren().setAll(screenOff);
        }
    }

    // ---- right: the selected device ------------------------------------------------------------------------------

    private Node detailsBox() {
        Button cold = action("emulator-cold-start", "Cold start", Feather.PLAY, "Start the app in a new process",
                vm::coldStart);
        Button background = action("emulator-background", "Background", Feather.ARROW_DOWN_CIRCLE,
                "The user leaves the app (Home): a queued bundle may install", vm::background);
        Button foreground = action("emulator-foreground", "Foreground", Feather.ARROW_UP_CIRCLE,
                "The user returns to the app (cold-starts it if its process is gone)", vm::foreground);
        Button kill = action("emulator-kill", "Kill", Feather.X_OCTAGON, "Kill the app's process", vm::kill);
        Button reboot = action("emulator-reboot", "Reboot", Feather.POWER, "Restart the device", vm::reboot);
        FlowPane lifecycle = new FlowPane(6, 6, cold, background, foreground, kill, reboot);

        TextField upVersion = text("emulator-upgrade-version", vm.upgradeVersionProperty(), "1.5.0");
        upVersion.setPrefColumnCount(7);
        TextField upBuild = text("emulator-upgrade-build", vm.upgradeBuildProperty(), "150");
        upBuild.setPrefColumnCount(5);
        Button upgrade = action("emulator-native-upgrade", "Native upgrade", Feather.PACKAGE,
                "An app store update of the native app to this version and build (app data stays)", vm::nativeUpgrade);
        upVersion.setOnAction(e -> upgrade.fire());
        upBuild.setOnAction(e -> upgrade.fire());
        HBox upgradeRow = new HBox(6, upVersion, upBuild, upgrade);
        upgradeRow.setId("emulator-upgrade-row");
        upgradeRow.setAlignment(Pos.CENTER_LEFT);
        VBox upgradeBox = Forms.field("Native upgrade to (version, build)", upgradeRow, vm.upgradeErrorProperty());

        FlowPane faults = new FlowPane(10, 6,
                toggle("emulator-fault-offline", "Offline", vm.offlineProperty(), "Every request fails at once"),
                toggle("emulator-fault-slow", "Slow network", vm.slowProperty(),
                        "1.5 s before each request, blobs at 32 KiB/s"),
                toggle("emulator-fault-5xx", "Server errors (503)", vm.serverErrorsProperty(),
                        "Every request is answered 503"),
                toggle("emulator-fault-disk", "Disk full", vm.diskFullProperty(), "Writes fail: no space left"),
                toggle("emulator-fault-clock", "Clock +1 year", vm.clockSkewProperty(),
                        "The device's clock runs a year ahead"));

        GridPane status = new GridPane();
        status.setHgap(12);
        status.setVgap(4);
        status.addRow(0, new Label("App"), value("emulator-process", vm.state().processProperty()));
        status.addRow(1, new Label("Current bundle"), value("emulator-current", vm.state().currentBundleProperty()));
        status.addRow(2, new Label("Next bundle"), value("emulator-next", vm.state().nextBundleProperty()));
        status.addRow(3, new Label("Faults"), value("emulator-faults", vm.state().activeFaultsProperty()));

        TableView<DeviceStateView.BundleRow> bundles = new TableView<>(vm.state().bundles());
        bundles.setId("emulator-bundles");
        bundles.setPrefHeight(140);
        bundles.setPlaceholder(new Label("No device selected"));
        bundles.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        bundles.getColumns().add(column("Version", 80, DeviceStateView.BundleRow::version));
        bundles.getColumns().add(column("State", 80, DeviceStateView.BundleRow::status));
        bundles.getColumns().add(column("Role", 110, DeviceStateView.BundleRow::role));
        bundles.getColumns().add(column("Id", 100, DeviceStateView.BundleRow::id));
        bundles.getColumns().add(column("Reason", 140, r -> r.reason() == null ? "" : r.reason()));

        GridPane server = new GridPane();
        server.setHgap(12);
        server.setVgap(4);
        server.addRow(0, new Label("Channel"), value("emulator-server-channel", vm.server().channelProperty()));
        server.addRow(1, new Label("Current bundle"), value("emulator-server-bundle", vm.server().bundleProperty()));
        server.addRow(2, new Label("Last check"), value("emulator-server-check", vm.server().lastCheckProperty()));
        server.addRow(3, new Label("Bundles"), value("emulator-server-bundles", vm.server().bundlesProperty()));
        Label serverStatus = Forms.message("emulator-server-status", vm.server().statusProperty(), Styles.TEXT_MUTED,
                Styles.TEXT_SMALL);

        VBox box = new VBox(10, section("Lifecycle"), lifecycle, upgradeBox, section("Faults"), faults,
                section("On the device"), status, bundles, section("What the server knows"), serverStatus, server);
        box.setPadding(new Insets(8));
        box.setId("emulator-details");
        box.disableProperty().bind(vm.selectedProperty().isNull());
        return box;
    }

    private Node[] rightAndLog(ScrollPane details) {
        log.setId("emulator-log");
        log.setPrefHeight(200);
        log.getStyleClass().add(Styles.DENSE);
        log.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(LogEntry e, boolean empty) {
                super.updateItem(e, empty);
                setText(empty || e == null ? null : LOG_TIME.format(e.at()) + " [" + e.source()
                        + (e.pid() == 0 ? "" : " " + e.pid()) + "] " + e.message());
            }
        });
        log.setPlaceholder(new Label("The selected device's log"));
        VBox.setVgrow(details, Priority.ALWAYS);
        SplitPane split = new SplitPane(details, new VBox(4, section("Log"), log));
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.65);
        VBox.setVgrow(log, Priority.ALWAYS);
        VBox.setVgrow(split, Priority.ALWAYS);
        return new Node[] {split};
    }

    private void selectionChanged(DeviceItem old, DeviceItem now) {
        if (old != null) {
            old.stateProperty().removeListener(screenFollower);
            old.log().removeListener(followLog);
        }
        ObservableList<LogEntry> items = now == null ? javafx.collections.FXCollections.observableArrayList()
                : now.log();
        log.setItems(items);
        if (now != null) {
            now.stateProperty().addListener(screenFollower);
            now.log().addListener(followLog);
        }
        scrollLogToEnd();
        updateScreen();
    }

    /** The page is in a showing window (not merely built, nor left behind by a closed console). */
    private boolean shownNow() {
        return root.getScene() != null && root.getScene().getWindow() != null
                && root.getScene().getWindow().isShowing();
    }

    private void scrollLogToEnd() {
        if (!log.getItems().isEmpty()) {
            log.scrollTo(log.getItems().size() - 1);
        }
    }

    // ---- small builders ------------------------------------------------------------------------------------------

    private static ScrollPane scroll(Node content) {
        ScrollPane s = new ScrollPane(content);
        s.setFitToWidth(true);
        return s;
    }

    private static TextField text(String id, javafx.beans.property.StringProperty property, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(property);
        return f;
    }

    private static VBox field(String label, Node control) {
        Label title = new Label(label);
        title.setLabelFor(control);
        return new VBox(4, title, control);
    }

    private static Button action(String id, String text, Ikon icon, String tooltip, Runnable run) {
        Button b = Forms.button(id, text, icon, tooltip);
        b.setOnAction(e -> run.run());
        return b;
    }

    private static CheckBox toggle(String id, String text, javafx.beans.property.BooleanProperty property,
            String tooltip) {
        CheckBox c = new CheckBox(text);
        c.setId(id);
        c.setTooltip(new javafx.scene.control.Tooltip(tooltip));
        c.selectedProperty().bindBidirectional(property);
        return c;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_4);
        return l;
    }

    private static Label value(String id, ObservableStringValue text) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.getStyleClass().add(Styles.TEXT_BOLD);
        l.textProperty().bind(text);
        return l;
    }

    private static TableColumn<DeviceStateView.BundleRow, String> column(String title, double width,
            Function<DeviceStateView.BundleRow, String> value) {
        TableColumn<DeviceStateView.BundleRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    // ---- Page ----------------------------------------------------------------------------------------------------

    @Override
    public String id() {
        return "emulator";
    }

    @Override
    public String title() {
        return "Emulator";
    }

    @Override
    public Ikon icon() {
        return Feather.SMARTPHONE;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void newItem() {
        versionField.requestFocus();
    }

    @Override
    public void refresh() {
        refreshApps.run();
        vm.checkConfig();
        vm.server().refresh();
    }

    @Override
    public void deleteSelected() {
        DeviceItem d = vm.selectedProperty().get();
        if (d != null && Dialogs.confirm(root.getScene().getWindow(), "Remove " + d.deviceId() + "?",
                "The emulated device is shut down and its folder deleted. The server keeps its record.", "Remove")) {
            vm.removeSelected();
        }
    }

    @Override
    public void shown() {
        refresh();
    }
}
