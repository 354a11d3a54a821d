package dev.patchbay.console.overview;

import atlantafx.base.theme.Styles;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.overview.OverviewViewModel.AppCard;
import dev.patchbay.console.overview.OverviewViewModel.RolloutLine;
import dev.patchbay.console.shell.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * The Overview page: a card per app with its rollouts in flight (progress, state, stable → target, stage) and its
 * device numbers of the last 24 h. Asks again every {@link #PERIOD} while shown. Binds to {@link OverviewViewModel}.
 */
public final class OverviewPage implements Page {
    static final Duration PERIOD = Duration.ofSeconds(15);

    private final OverviewViewModel vm;
    private final BorderPane root = new BorderPane();
    private final VBox cards = new VBox(12);
    private final Timeline timer;

    public OverviewPage(OverviewViewModel vm) {
        this.vm = vm;
        root.setId("overview-page");
        root.getStyleClass().add("page");
        root.setTop(header());
        cards.setId("overview-cards");
        cards.setPadding(new Insets(0, 12, 12, 12));
        ScrollPane scroll = new ScrollPane(cards);
        scroll.setFitToWidth(true);
        root.setCenter(scroll);
        vm.cards().addListener((ListChangeListener<AppCard>) c -> render());
        render();
        timer = new Timeline(new KeyFrame(javafx.util.Duration.millis(PERIOD.toMillis()), e -> vm.tick()));
        timer.setCycleCount(Timeline.INDEFINITE);
        // Another page replaces this one in the window: no more asking in the background.
        root.sceneProperty().addListener((obs, old, now) -> {
            if (now == null) {
                timer.stop();
                vm.setActive(false);
            }
        });
    }

    private Node header() {
        Label title = new Label("Overview");
        title.getStyleClass().add(Styles.TITLE_3);
        Button refresh = Forms.button("overview-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again (F5 or Ctrl+R)");
        refresh.setOnAction(e -> refresh());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label fetched = new Label();
        fetched.setId("overview-fetched-at");
        fetched.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        fetched.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null ? ""
                : "Fetched " + Times.format(vm.fetchedAtProperty().get()) + ", again every "
                + PERIOD.toSeconds() + " s", vm.fetchedAtProperty()));
        HBox bar = new HBox(8, refresh, spacer, fetched);
        bar.setAlignment(Pos.CENTER_LEFT);
        Label problem = Forms.message("overview-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(8, title, bar, problem);
        top.getStyleClass().add("page-header");
        return top;
    }

    private void render() {
        if (vm.cards().isEmpty()) {
            Label empty = new Label();
            empty.setId("overview-empty");
            empty.textProperty().bind(Bindings.createStringBinding(() -> vm.loadingProperty().get() ? "Loading…"
                    : vm.connection().readOnlyProperty().get() ? "No apps cached for this connection; they show once"
                    + " the server is reachable again." : "No apps yet. Create one on the Apps page.",
                    vm.loadingProperty(), vm.connection().readOnlyProperty()));
            empty.getStyleClass().add(Styles.TEXT_MUTED);
            cards.getChildren().setAll(empty);
            return;
        }
        cards.getChildren().setAll(vm.cards().stream().map(this::card).toList());
    }

    static String nodeId(String prefix, String appId) {
        return prefix + "-" + appId.replace('.', '-');
    }

    private Node card(AppCard card) {
        String appId = card.app().id();
        Label name = new Label(card.app().name() + "  (" + appId + ")");
        name.getStyleClass().add(Styles.TITLE_4);
        VBox box = new VBox(8, name);
        if (card.overview() == null) {
            Label problem = new Label(card.problem());
            problem.setWrapText(true);
            problem.getStyleClass().add(Styles.DANGER);
            box.getChildren().add(problem);
        } else {
            var o = card.overview();
            Label devices = number(nodeId("overview-devices", appId), o.devices(), "devices");
            Label seen = number(nodeId("overview-seen", appId), o.devicesSeen24h(), "seen in the last 24 h");
            Hyperlink failures = new Hyperlink(String.format("%,d", o.failures24h()) + " failed an update in 24 h");
            failures.setId(nodeId("overview-failures", appId));
            if (o.failures24h() > 0) {
                failures.getStyleClass().add(Styles.DANGER);
            }
            failures.setOnAction(e -> vm.openFailures(appId));
            failures.setTooltip(new Tooltip("Distinct devices that reported rollback, verify_fail or download_fail."
                    + " Click: the app's rolled-back devices on the Devices page"));
            javafx.scene.layout.FlowPane numbers = new javafx.scene.layout.FlowPane(24, 6, devices, seen, failures);
            box.getChildren().addAll(numbers, bundles(card));
            GridPane rollouts = new GridPane();
            rollouts.setId(nodeId("overview-rollouts", appId));
            rollouts.setHgap(12);
            rollouts.setVgap(6);
            int row = 0;
            for (RolloutLine line : card.rollouts()) {
                Hyperlink channel = new Hyperlink(line.rollout().channel());
                channel.setId(nodeId("overview-rollout-" + line.rollout().channel(), appId));
                channel.setTooltip(new Tooltip("Show channel " + line.rollout().channel() + " on the Channels page"));
                channel.setOnAction(e -> vm.open(line.rollout()));
                Label state = new Label(line.state());
                state.getStyleClass().addAll(Styles.TEXT_SMALL, switch (line.rollout().state()) {
                    case RUNNING -> Styles.SUCCESS;
                    case PAUSED -> Styles.WARNING;
                    default -> Styles.TEXT_MUTED;
                });
                ProgressBar bar = new ProgressBar(line.progress());
                bar.setPrefWidth(220);
                Label percent = new Label(line.percent());
                percent.setId(nodeId("overview-percent-" + line.rollout().channel(), appId));
                percent.setMinWidth(70);
                Label health = new Label(line.health());
                health.setId(nodeId("overview-health-" + line.rollout().channel(), appId));
                health.getStyleClass().addAll(Styles.TEXT_SMALL, switch (line.health()) {
                    case "healthy" -> Styles.SUCCESS;
                    case "failing" -> Styles.DANGER;
                    default -> Styles.TEXT_MUTED;
                });
                if (line.rollout().lastHealth() != null && line.rollout().lastHealth().reason() != null) {
                    health.setTooltip(new Tooltip(line.rollout().lastHealth().reason()));
                }
                Hyperlink failed = new Hyperlink(line.failuresText());
                failed.setId(nodeId("overview-rollout-failures-" + line.rollout().channel(), appId));
                if (line.failures() > 0) {
                    failed.getStyleClass().add(Styles.DANGER);
                }
                failed.setTooltip(new Tooltip("In the health policy's last window. Click: the devices "
                        + line.rollout().targetBundle() + " failed on since the rollout started, on the Devices page"));
                failed.setOnAction(e -> vm.openFailures(line.rollout()));
                rollouts.addRow(row++, channel, state, bar, percent, new Label(line.bundles()), muted(line.stage()),
                        health, failed);
            }
            if (row == 0) {
                box.getChildren().add(muted("No rollouts in flight."));
            } else {
                box.getChildren().add(rollouts);
            }
        }
        box.setId(nodeId("overview-card", appId));
        box.getStyleClass().add("overview-card");
        box.setPadding(new Insets(12));
        box.setStyle("-fx-border-color: -color-border-default; -fx-border-radius: 6; -fx-background-radius: 6;"
                + " -fx-background-color: -color-bg-subtle;");
        return box;
    }

    /** "On bundles: builtin 2 (50 %) ▮▮ · 1.5.0 2 (50 %) ▮▮": the app's devices per current bundle. */
    private Node bundles(AppCard card) {
        javafx.scene.layout.FlowPane box = new javafx.scene.layout.FlowPane(16, 6);
        box.setId(nodeId("overview-bundles", card.app().id()));
        box.setAlignment(Pos.CENTER_LEFT);
        if (card.bundles().isEmpty()) {
            box.getChildren().add(muted("No devices yet."));
            return box;
        }
        // The server counts them at most once a minute per app (ADR 0130): the label says when.
        Instant counted = card.overview().devicesByBundleAt();
        Label title = muted("Devices per bundle" + (counted == null ? "" : ", counted " + Times.format(counted)));
        title.setId(nodeId("overview-bundles-counted", card.app().id()));
        if (counted != null) {
            title.setTooltip(new Tooltip("Counted by the server at " + Times.withUtc(counted)
                    + "; it counts devices per bundle at most once a minute per app"));
        }
        box.getChildren().add(title);
        for (OverviewViewModel.BundleLine b : card.bundles()) {
            ProgressBar share = new ProgressBar(b.share());
            share.setPrefWidth(60);
            share.getStyleClass().add(Styles.SMALL);
            Label text = new Label(b.text());
            text.setId(nodeId("overview-bundle-" + b.bundle(), card.app().id()));
            HBox one = new HBox(6, text, share);
            one.setAlignment(Pos.CENTER_LEFT);
            box.getChildren().add(one);
        }
        return box;
    }

    private static Label number(String id, long n, String what) {
        Label l = new Label(String.format(Locale.ROOT, "%,d %s", n, what));
        l.setId(id);
        return l;
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return l;
    }

    @Override
    public String id() {
        return "overview";
    }

    @Override
    public String title() {
        return "Overview";
    }

    @Override
    public Ikon icon() {
        return Feather.ACTIVITY;
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
    public void refresh() {
        vm.refresh();
    }

    @Override
    public void shown() {
        vm.setActive(true);
        // Apps made elsewhere (the CLI, another console) get their card too.
        vm.refresh();
        timer.playFromStart();
    }
}
