package dev.patchbay.console.devices;

import atlantafx.base.theme.Styles;
import dev.patchbay.cache.DeviceColumn;
import dev.patchbay.cache.DeviceRow;
import dev.patchbay.console.common.AppSelector;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import dev.patchbay.domain.App;
import java.util.List;
import java.util.function.Function;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The Devices page: the selected app's devices from the local cache, one page of rows at a time, searched, filtered
 * and sorted (column headers) in SQL, with the sync status and the selected device's detail in a side pane. Binds to
 * {@link DevicesViewModel}.
 */
public final class DevicesPage implements Page {
    private final DevicesViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<DeviceRow> table = new TableView<>();
    private final TextField search = new TextField();
    private boolean applyingSort;
    private TableColumn<DeviceRow, ?> lastSort;

    public DevicesPage(DevicesViewModel vm) {
        this.vm = vm;
        root.setId("devices-page");
        root.getStyleClass().add("page");
        root.setTop(header());
        SplitPane split = new SplitPane(center(), new DeviceDetailView(vm.detail()));
        split.setDividerPositions(0.62);
        BorderPane.setMargin(split, new Insets(0, 12, 12, 12));
        root.setCenter(split);
        // Ctrl+F: the search field.
        root.sceneProperty().addListener((obs, old, scene) -> {
            if (scene != null) {
                scene.getAccelerators().putIfAbsent(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN),
                        () -> {
                            if (shownNow() && root.isVisible()) {
                                search.requestFocus();
                            }
                        });
            }
        });
        Timeline tick = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
            if (shownNow()) {
                vm.syncIfDue();
            }
        }));
        tick.setCycleCount(Timeline.INDEFINITE);
        tick.play();
    }

    private Node header() {
        ComboBox<App> app = AppSelector.create("devices-app", vm.apps(), vm.appProperty());
        Label appLabel = new Label("App");
        appLabel.setLabelFor(app);
        search.setId("devices-search");
        search.setPromptText("Device id or custom id (Ctrl+F)");
        search.setPrefColumnCount(22);
        search.textProperty().bindBidirectional(vm.searchProperty());
        Button sync = Forms.button("devices-sync", "Sync now", Feather.REFRESH_CW,
                "Fetch the devices changed since the last sync (F5 or Ctrl+R)");
        sync.disableProperty().bind(vm.syncingProperty().or(vm.appProperty().isNull()));
        sync.setOnAction(e -> vm.syncNow());
        Button cancel = Forms.button("devices-sync-cancel", "Cancel", Feather.X, "Stop the sync (the next one continues it)");
        cancel.visibleProperty().bind(vm.syncingProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.setOnAction(e -> vm.cancelSync());
        ProgressIndicator progress = new ProgressIndicator();
        progress.setId("devices-sync-progress");
        progress.setPrefSize(18, 18);
        progress.progressProperty().bind(vm.syncProgressProperty());
        progress.visibleProperty().bind(vm.syncingProperty());
        progress.managedProperty().bind(progress.visibleProperty());
        Label status = new Label();
        status.setId("devices-sync-status");
        status.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        status.textProperty().bind(vm.syncStatusProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 6, appLabel, app, search, sync, cancel, spacer, progress, status);
        bar.setAlignment(Pos.CENTER_LEFT);

        FlowPane filters = new FlowPane(8, 6,
                filter("devices-filter-channel", "Any channel", vm.channelChoices(), vm.channelProperty()),
                filter("devices-filter-bundle", "Any bundle", vm.bundleChoices(), vm.bundleProperty()),
                filter("devices-filter-state", "Any state", FXCollections.observableArrayList(DevicesViewModel.STATES),
                        vm.stateProperty()),
                filter("devices-filter-platform", "Any platform",
                        FXCollections.observableArrayList(DevicesViewModel.PLATFORMS), vm.platformProperty()),
                filter("devices-filter-native", "Any native version", vm.nativeChoices(), vm.nativeVersionProperty()),
                seen(), clearButton());
        filters.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Devices");
        title.getStyleClass().add(Styles.TITLE_3);
        Label problem = Forms.message("devices-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(8, title, bar, filters, pickBar(), problem);
        top.getStyleClass().add("page-header");
        return top;
    }

    /** "Showing only: Failed 14:05–14:10 on 1.1.0 (production) · 3 devices" and Show all, while a pick is set. */
    private Node pickBar() {
        Label text = new Label();
        text.setId("devices-pick");
        text.setWrapText(true);
        text.getStyleClass().add(Styles.ACCENT);
        text.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            DevicePick p = vm.pickProperty().get();
            return p == null ? "" : "Showing only: " + p.label() + " · " + String.format("%,d", p.deviceIds().size())
                    + (p.deviceIds().size() == 1 ? " device" : " devices") + (p.note().isEmpty() ? "" : " (" + p.note() + ")");
        }, vm.pickProperty()));
        Button all = Forms.button("devices-pick-clear", "Show all", Feather.X_CIRCLE, "Show every device again");
        all.setOnAction(e -> vm.pickProperty().set(null));
        FlowPane box = new FlowPane(8, 6, text, all);
        box.setAlignment(Pos.CENTER_LEFT);
        box.visibleProperty().bind(vm.pickProperty().isNotNull());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private Node seen() {
        ComboBox<DevicesViewModel.SeenWithin> c = new ComboBox<>(
                FXCollections.observableArrayList(DevicesViewModel.SeenWithin.values()));
        c.setId("devices-filter-seen");
        c.valueProperty().bindBidirectional(vm.seenWithinProperty());
        c.setTooltip(new javafx.scene.control.Tooltip("Last seen"));
        return c;
    }

    private Node clearButton() {
        Button b = Forms.button("devices-filter-clear", "Clear", Feather.X_CIRCLE, "Clear the search and the filters");
        b.setOnAction(e -> vm.clearFilters());
        return b;
    }

    /** A choice of one value or none ("Any …"), the choices following {@code values}. */
    /** "rolled back from 1.1.0", else the last check outcome. */
    static String stateText(DeviceRow r) {
        if (r.state() == null) {
            return "";
        }
        if (r.state().equals(DeviceSync.ROLLED_BACK)) {
            return "rolled back" + (r.lastError() == null ? "" : " " + r.lastError());
        }
        return r.state();
    }

    private static ComboBox<String> filter(String id, String any, ObservableList<String> values, StringProperty into) {
        ObservableList<String> items = FXCollections.observableArrayList();
        ComboBox<String> c = new ComboBox<>(items);
        Runnable copy = () -> {
            // One change with "Any" (null) first, then the value put back: a list change must not pick a filter.
            String keep = into.get();
            java.util.List<String> next = new java.util.ArrayList<>();
            next.add(null);
            next.addAll(values);
            if (keep != null && !next.contains(keep)) {
                next.add(keep);
            }
            items.setAll(next);
            c.setValue(keep);
            if (!java.util.Objects.equals(into.get(), keep)) {
                into.set(keep);
            }
        };
        copy.run();
        values.addListener((ListChangeListener<String>) ch -> copy.run());
        c.setId(id);
        c.setPromptText(any);
        c.setButtonCell(cell(any));
        c.setCellFactory(v -> cell(any));
        c.valueProperty().bindBidirectional(into);
        return c;
    }

    private static ListCell<String> cell(String any) {
        return new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? any : item);
            }
        };
    }

    private Node center() {
        table.setId("devices-table");
        table.setItems(vm.rows());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.createStringBinding(() -> vm.appProperty().get() == null
                        ? AppSelector.noAppText(vm.connection().readOnlyProperty().get())
                        : vm.syncingProperty().get() && vm.rows().isEmpty() ? "Syncing devices…"
                        : vm.connection().readOnlyProperty().get() ? "No devices cached that match. Devices that asked for"
                        + " an update since are shown once the server is reachable again."
                        : "No devices match. Devices appear here once a phone (or one made on the Emulator page) asks for an update.",
                vm.appProperty(), vm.syncingProperty(), vm.connection().readOnlyProperty()));
        table.setPlaceholder(placeholder);
        TableColumn<DeviceRow, String> lastSeen = column("Last seen", 120, DeviceColumn.LAST_SEEN,
                r -> r.lastSeen() == null ? "" : Times.format(r.lastSeen()));
        table.getColumns().addAll(List.of(
                column("Device id", 150, DeviceColumn.DEVICE_ID, DeviceRow::deviceId),
                column("Custom id", 100, DeviceColumn.CUSTOM_ID, r -> r.customId() == null ? "" : r.customId()),
                column("Channel", 90, DeviceColumn.CHANNEL, r -> r.channel() == null ? "" : r.channel()),
                column("Bundle", 90, DeviceColumn.BUNDLE, r -> r.currentBundle() == null ? "" : r.currentBundle()),
                column("State", 150, DeviceColumn.STATE, DevicesPage::stateText),
                column("Platform", 70, DeviceColumn.PLATFORM, r -> r.platform() == null ? "" : r.platform()),
                column("Native", 70, DeviceColumn.NATIVE_VERSION, r -> r.nativeVersion() == null ? "" : r.nativeVersion()),
                lastSeen));
        // Sorting happens in SQL: the table only reports which header was clicked.
        table.setSortPolicy(t -> true);
        lastSeen.setSortType(TableColumn.SortType.DESCENDING);
        table.getSortOrder().add(lastSeen);
        table.getSortOrder().addListener((ListChangeListener<TableColumn<DeviceRow, ?>>) c -> applySort());
        for (TableColumn<DeviceRow, ?> c : table.getColumns()) {
            c.sortTypeProperty().addListener((obs, old, now) -> applySort());
        }
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (now != null || !vm.rows().isEmpty()) {
                vm.selectedProperty().set(now);
            }
        });
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });

        Button previous = Forms.button("devices-previous", "Previous", Feather.CHEVRON_LEFT, "Previous page (Alt+Left)");
        previous.disableProperty().bind(vm.hasPreviousProperty().not());
        previous.setOnAction(e -> vm.previousPage());
        Button next = Forms.button("devices-next", "Next", Feather.CHEVRON_RIGHT, "Next page (Alt+Right)");
        next.disableProperty().bind(vm.hasNextProperty().not());
        next.setOnAction(e -> vm.nextPage());
        table.setOnKeyPressed(e -> {
            if (e.isAltDown() && e.getCode() == KeyCode.RIGHT) {
                vm.nextPage();
                e.consume();
            } else if (e.isAltDown() && e.getCode() == KeyCode.LEFT) {
                vm.previousPage();
                e.consume();
            }
        });
        Label count = new Label();
        count.setId("devices-count");
        count.getStyleClass().add(Styles.TEXT_SMALL);
        count.textProperty().bind(vm.countTextProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox pager = new HBox(8, count, spacer, previous, next);
        pager.setAlignment(Pos.CENTER_LEFT);
        pager.setPadding(new Insets(6, 0, 0, 0));
        VBox box = new VBox(table, pager);
        VBox.setVgrow(table, Priority.ALWAYS);
        return box;
    }

    private void applySort() {
        if (applyingSort) {
            return;
        }
        applyingSort = true;
        try {
            if (table.getSortOrder().isEmpty()) {
                // JavaFX cycles ascending → descending → unsorted; here a click only flips the direction.
                TableColumn<DeviceRow, ?> last = lastSort != null ? lastSort
                        : table.getColumns().get(table.getColumns().size() - 1);
                last.setSortType(last.getSortType() == TableColumn.SortType.DESCENDING
                        ? TableColumn.SortType.ASCENDING : TableColumn.SortType.DESCENDING);
                table.getSortOrder().add(last);
            }
            TableColumn<DeviceRow, ?> c = table.getSortOrder().get(0);
            lastSort = c;
            vm.sort((DeviceColumn) c.getUserData(), c.getSortType() == TableColumn.SortType.DESCENDING);
        } finally {
            applyingSort = false;
        }
    }

    private static TableColumn<DeviceRow, String> column(String title, double width, DeviceColumn sortColumn,
                                                        Function<DeviceRow, String> value) {
        TableColumn<DeviceRow, String> c = new TableColumn<>(title);
        c.setId("devices-col-" + sortColumn.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        c.setUserData(sortColumn);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private boolean shownNow() {
        return root.getScene() != null && root.getScene().getWindow() != null
                && root.getScene().getWindow().isShowing() && root.getParent() != null;
    }

    @Override
    public String id() {
        return "devices";
    }

    @Override
    public String title() {
        return "Devices";
    }

    @Override
    public Ikon icon() {
        return Feather.TABLET;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void refresh() {
        vm.syncNow();
    }

    @Override
    public void shown() {
        vm.syncIfDue();
    }
}
