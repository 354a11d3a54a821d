package dev.patchbay.console.devices;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.devices.DeviceDetailViewModel.BundleRow;
import dev.patchbay.console.devices.DeviceDetailViewModel.TimelineRow;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The detail of one device, bound to a {@link DeviceDetailViewModel}: a reusable node (the Devices page shows it in
 * a side pane, the rollout page's failed devices open it in a window). Ids start with {@code device-}.
 */
public final class DeviceDetailView extends BorderPane {
    private final DeviceDetailViewModel vm;

    public DeviceDetailView(DeviceDetailViewModel vm) {
        this.vm = vm;
        setId("device-detail");
        getStyleClass().add("device-detail");
        setTop(header());
        Label empty = new Label();
        empty.setId("device-empty");
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        empty.textProperty().bind(Bindings.when(vm.loadingProperty()).then("Loading…")
                .otherwise(Bindings.when(vm.deviceIdProperty().isNull()).then("Choose a device.").otherwise("")));
        ScrollPane body = new ScrollPane(body());
        body.setFitToWidth(true);
        body.visibleProperty().bind(vm.deviceProperty().isNotNull());
        StackPane center = new StackPane(empty, body);
        StackPane.setAlignment(empty, Pos.TOP_LEFT);
        StackPane.setMargin(empty, new Insets(12));
        setCenter(center);
    }

    private Node header() {
        Label id = new Label();
        id.setId("device-id");
        id.getStyleClass().add(Styles.TITLE_4);
        id.textProperty().bind(Bindings.createStringBinding(() -> vm.deviceIdProperty().get() == null ? "No device"
                : "Device " + vm.deviceIdProperty().get(), vm.deviceIdProperty()));
        Button copy = Forms.button("device-copy-id", "Copy id", Feather.COPY, "Copy the device id to the clipboard");
        copy.disableProperty().bind(vm.deviceIdProperty().isNull());
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(vm.deviceIdProperty().get());
            Clipboard.getSystemClipboard().setContent(c);
        });
        Button refresh = Forms.button("device-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again about this device");
        refresh.disableProperty().bind(vm.deviceIdProperty().isNull().or(vm.loadingProperty()));
        refresh.setOnAction(e -> vm.refresh());
        ProgressIndicator loading = new ProgressIndicator();
        loading.setId("device-loading");
        loading.setPrefSize(18, 18);
        loading.visibleProperty().bind(vm.loadingProperty());
        loading.managedProperty().bind(loading.visibleProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        javafx.scene.layout.FlowPane bar = new javafx.scene.layout.FlowPane(8, 6, id, loading, spacer, copy, refresh);
        bar.setAlignment(Pos.CENTER_LEFT);
        Label message = Forms.message("device-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(6, bar, message);
        top.setPadding(new Insets(12, 12, 6, 12));
        return top;
    }

    private Node body() {
        VBox box = new VBox(14, facts(), running(), channelSection(), rolloutSection(), bundlesSection(),
                timelineSection());
        box.setPadding(new Insets(6, 12, 12, 12));
        return box;
    }

    private Node facts() {
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(4);
        int row = 0;
        row = fact(g, row, "Custom id", "device-custom-id", vm.customIdProperty());
        row = fact(g, row, "Platform", "device-platform", vm.platformProperty());
        row = fact(g, row, "Native version", "device-native-version", vm.nativeVersionProperty());
        row = fact(g, row, "Runtime version", "device-runtime-version", vm.runtimeVersionProperty());
        row = fact(g, row, "Flags", "device-flags", Bindings.createStringBinding(() -> vm.flagsProperty().get().isEmpty()
                ? "production build" : vm.flagsProperty().get(), vm.flagsProperty()));
        row = fact(g, row, "Last seen", "device-last-seen", vm.lastSeenProperty());
        row = fact(g, row, "First seen", "device-first-seen", vm.firstSeenProperty());
        fact(g, row, "Last check", "device-last-check", vm.lastCheckProperty());
        return g;
    }

    private static int fact(GridPane g, int row, String title, String id, ObservableStringValue value) {
        Label name = new Label(title);
        name.getStyleClass().add(Styles.TEXT_MUTED);
        Label v = new Label();
        v.setId(id);
        v.setWrapText(true);
        v.textProperty().bind(value);
        g.addRow(row, name, v);
        return row + 1;
    }

    private Node running() {
        Label now = big("device-runs-now", vm.runsNowProperty());
        Label next = big("device-next", vm.nextProperty());
        VBox a = new VBox(2, muted("Runs now"), now);
        VBox b = new VBox(2, muted("Next"), next);
        HBox box = new HBox(24, a, b);
        return box;
    }

    private Node channelSection() {
        Label explanation = new Label();
        explanation.setId("device-channel");
        explanation.setWrapText(true);
        explanation.textProperty().bind(vm.channelExplanationProperty());
        Label reason = Forms.message("device-channel-reason", vm.channelReasonProperty(), Styles.WARNING);
        Label override = Forms.message("device-channel-override", Bindings.createStringBinding(() ->
                vm.channelOverrideProperty().get().isEmpty() ? "" : "Override: " + vm.channelOverrideProperty().get(),
                vm.channelOverrideProperty()), Styles.TEXT_SMALL);

        ComboBox<String> choice = new ComboBox<>(vm.channelChoices());
        choice.setId("device-override-channel");
        choice.setPromptText("Channel");
        choice.valueProperty().bindBidirectional(vm.overrideChoiceProperty());
        Label choiceLabel = new Label("Pin to");
        choiceLabel.setLabelFor(choice);
        Button set = Forms.button("device-set-override", "Set override…", Feather.LOCK,
                "Pin this device to the chosen channel, whatever it asks for");
        set.disableProperty().bind(vm.cannotSetOverrideProperty());
        set.setOnAction(e -> {
            String ch = vm.overrideChoiceProperty().get();
            if (Dialogs.confirm(getScene().getWindow(), "Set channel override",
                    "Pin device " + vm.deviceIdProperty().get() + " to channel " + ch + "? At its next check it gets "
                            + ch + "'s bundle, whatever channel it asks for.", "Pin to " + ch)) {
                vm.setOverride();
            }
        });
        Button clear = Forms.button("device-clear-override", "Clear override", Feather.UNLOCK,
                "Remove the override: the device goes back to the channel it asks for, or the default");
        clear.disableProperty().bind(vm.cannotClearOverrideProperty());
        clear.setOnAction(e -> {
            if (Dialogs.confirm(getScene().getWindow(), "Clear channel override",
                    "Remove the override of device " + vm.deviceIdProperty().get() + " (" + vm.channelOverrideProperty().get()
                            + ")? At its next check it goes back to the channel it asks for, or the default.",
                    "Clear override")) {
                vm.clearOverride();
            }
        });
        HBox actions = new HBox(8, choiceLabel, choice, set, clear);
        actions.setAlignment(Pos.CENTER_LEFT);
        Label problem = Forms.message("device-override-message", vm.overrideMessageProperty(), Styles.DANGER);
        return section("Channel", explanation, reason, override, actions, problem);
    }

    private Node rolloutSection() {
        Label summary = new Label();
        summary.setId("device-rollout");
        summary.setWrapText(true);
        summary.textProperty().bind(vm.rolloutSummaryProperty());
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(4);
        int row = fact(g, 0, "Percentage", "device-rollout-percentage", vm.rolloutPercentageProperty());
        row = fact(g, row, "Bucket", "device-rollout-bucket", vm.rolloutBucketProperty());
        fact(g, row, "Selected", "device-rollout-selected", vm.rolloutSelectedProperty());
        g.visibleProperty().bind(vm.rolloutProperty().isNotNull());
        g.managedProperty().bind(g.visibleProperty());
        Label why = Forms.message("device-rollout-explanation", vm.rolloutExplanationProperty());
        return section("Rollout", summary, g, why);
    }

    private Node bundlesSection() {
        TableView<BundleRow> table = new TableView<>(vm.bundles());
        table.setId("device-bundles");
        table.setPrefHeight(170);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("The device holds no downloaded bundle."));
        table.getColumns().add(column("Bundle", 90, BundleRow::bundle));
        TableColumn<BundleRow, BundleRow> state = new TableColumn<>("State");
        state.setPrefWidth(200);
        state.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue()));
        state.setCellFactory(c -> new StateCell());
        table.getColumns().add(state);
        table.getColumns().add(column("Role", 80, BundleRow::role));
        table.getColumns().add(column("Updated", 120, b -> Times.format(b.updatedAt())));
        return section("Bundles it holds", table);
    }

    /** The state in words; a progress bar while downloading; red for an error. */
    private static final class StateCell extends TableCell<BundleRow, BundleRow> {
        private final ProgressBar bar = new ProgressBar();
        private final Label text = new Label();
        private final HBox box = new HBox(6, bar, text);

        StateCell() {
            bar.setPrefWidth(70);
            box.setAlignment(Pos.CENTER_LEFT);
        }

        @Override
        protected void updateItem(BundleRow item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            boolean downloading = "downloading".equals(item.state());
            bar.setVisible(downloading);
            bar.setManaged(downloading);
            bar.setProgress(item.percent() == null ? ProgressBar.INDETERMINATE_PROGRESS : item.percent() / 100.0);
            text.setText(item.stateText());
            text.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
            if ("error".equals(item.state())) {
                text.getStyleClass().add(Styles.DANGER);
            } else if ("success".equals(item.state())) {
                text.getStyleClass().add(Styles.SUCCESS);
            }
            setGraphic(box);
        }
    }

    private Node timelineSection() {
        ListView<TimelineRow> list = new ListView<>(vm.timeline());
        list.setId("device-timeline");
        list.setPrefHeight(320);
        list.setPlaceholder(new Label("No events yet."));
        list.setCellFactory(l -> new TimelineCell());
        Button older = Forms.button("device-load-older", "Load older", Feather.CHEVRONS_DOWN, "Show older events");
        older.disableProperty().bind(vm.hasOlderProperty().not().or(vm.loadingOlderProperty()));
        older.setOnAction(e -> vm.loadOlder());
        Label problem = Forms.message("device-timeline-message", vm.timelineMessageProperty(), Styles.DANGER);
        return section("Timeline (newest first)", list, new HBox(8, older, problem));
    }

    private static final class TimelineCell extends ListCell<TimelineRow> {
        private final FontIcon icon = new FontIcon();
        private final Label sentence = new Label();
        private final Label times = new Label();
        private final HBox box;

        TimelineCell() {
            sentence.setWrapText(true);
            times.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
            VBox text = new VBox(2, sentence, times);
            HBox.setHgrow(text, Priority.ALWAYS);
            text.setMinWidth(0);
            text.setPrefWidth(1);
            box = new HBox(8, icon, text);
            box.setAlignment(Pos.TOP_LEFT);
        }

        @Override
        protected void updateItem(TimelineRow item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            icon.setIconCode(icon(item.kind()));
            sentence.setText(item.sentence());
            sentence.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
            switch (item.kind()) {
                case FAILURE, ROLLBACK -> sentence.getStyleClass().add(Styles.DANGER);
                case INSTALLED -> sentence.getStyleClass().add(Styles.SUCCESS);
                default -> { }
            }
            times.setText("device " + item.deviceTime() + " · server " + item.serverTime() + " · " + item.action());
            setGraphic(box);
        }
    }

    static Ikon icon(DeviceEventText.Kind kind) {
        return switch (kind) {
            case CHECK -> Feather.RADIO;
            case DOWNLOAD -> Feather.DOWNLOAD;
            case INSTALLED -> Feather.CHECK_CIRCLE;
            case FAILURE -> Feather.ALERT_TRIANGLE;
            case ROLLBACK -> Feather.ROTATE_CCW;
            case LIFECYCLE -> Feather.SMARTPHONE;
            case CHANNEL -> Feather.GIT_BRANCH;
            case OTHER -> Feather.INFO;
        };
    }

    private static TableColumn<BundleRow, String> column(String title, double width, Function<BundleRow, String> value) {
        TableColumn<BundleRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static VBox section(String title, Node... content) {
        Label heading = new Label(title);
        heading.getStyleClass().add(Styles.TITLE_4);
        VBox box = new VBox(6, heading);
        box.getChildren().addAll(content);
        return box;
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return l;
    }

    private static Label big(String id, ObservableStringValue text) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add(Styles.TEXT_BOLD);
        l.textProperty().bind(text);
        return l;
    }

    public DeviceDetailViewModel viewModel() {
        return vm;
    }
}
