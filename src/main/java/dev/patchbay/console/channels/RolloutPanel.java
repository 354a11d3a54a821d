package dev.patchbay.console.channels;

import atlantafx.base.theme.Styles;
import dev.patchbay.client.FailedDevice;
import dev.patchbay.client.FailureBucket;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.console.common.Dialogs;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.Rollout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedAreaChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Slider;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import javafx.util.StringConverter;

/**
 * The rollout panel under the channels table: state, percentage slider and field, verbs with a reason dialog, plan,
 * health, the charts ({@link RolloutChartsView}), history, and the start / plan forms.
 * Binds to {@link RolloutViewModel}; polls it every {@link #POLL} while shown.
 */
final class RolloutPanel {
    static final Duration POLL = Duration.seconds(3);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final RolloutViewModel vm;
    private final VBox root = new VBox(10);
    private final Timeline timer;

    RolloutPanel(RolloutViewModel vm) {
        this.vm = vm;
        root.setId("rollout-panel");
        root.setPadding(new Insets(0, 12, 12, 12));
        Label empty = new Label("Choose a channel to see its rollout.");
        empty.getStyleClass().add(Styles.TEXT_MUTED);
        empty.visibleProperty().bind(vm.hasChannelProperty().not());
        empty.managedProperty().bind(empty.visibleProperty());
        Node form = form();
        Node status = status();
        status.visibleProperty().bind(vm.hasChannelProperty().and(vm.forms().formProperty().isEqualTo(RolloutViewModel.Form.NONE)));
        status.managedProperty().bind(status.visibleProperty());
        root.getChildren().addAll(header(), empty, form, status);
        timer = new Timeline(new KeyFrame(POLL, e -> tick()));
        timer.setCycleCount(Timeline.INDEFINITE);
    }

    Node view() {
        return root;
    }

    /** Starts polling (the page was shown); stops by itself when the page leaves the window. */
    void start() {
        vm.poll();
        timer.play();
    }

    void refresh() {
        vm.poll();
    }

    private void tick() {
        if (root.getScene() == null || root.getScene().getWindow() == null || !root.getScene().getWindow().isShowing()) {
            timer.stop();
        } else if (!vm.polling()) {
            vm.poll();
        }
    }

    // ---- header -------------------------------------------------------------------------------------------------

    private Node header() {
        Label title = new Label("Rollout");
        title.getStyleClass().add(Styles.TITLE_4);
        Label badge = new Label();
        badge.setId("rollout-state");
        badge.getStyleClass().addAll("rollout-badge", Styles.TEXT_BOLD);
        Label versions = new Label();
        versions.setId("rollout-versions");
        vm.rolloutProperty().addListener((obs, old, r) -> {
            badge.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING, Styles.DANGER, Styles.ACCENT);
            if (r == null) {
                badge.setText("");
                versions.setText("");
                return;
            }
            badge.setText(r.state().wireName().replace('_', ' ').toUpperCase(java.util.Locale.ROOT));
            badge.getStyleClass().add(switch (r.state()) {
                case RUNNING -> Styles.SUCCESS;
                case PAUSED -> Styles.WARNING;
                case ROLLED_BACK -> Styles.DANGER;
                case COMPLETED -> Styles.ACCENT;
            });
            versions.setText("target " + r.targetBundle() + " vs stable "
                    + (r.stableBundle() == null ? "builtin" : r.stableBundle()) + " · " + Rollout.percent(r.bps())
                    + (r.active() ? "" : " · ended " + Times.format(r.endedAt())));
        });
        Button start = button("rollout-start", "_Start rollout…", "Start a rollout on this channel (Alt+S)");
        start.disableProperty().bind(vm.canStartProperty().not());
        start.visibleProperty().bind(vm.activeProperty().not().and(vm.hasChannelProperty()));
        start.managedProperty().bind(start.visibleProperty());
        start.setOnAction(e -> vm.forms().openStart());
        javafx.scene.layout.FlowPane box = new javafx.scene.layout.FlowPane(10, 6, title, badge, versions, start);
        box.setAlignment(Pos.CENTER_LEFT);
        Label problem = Forms.message("rollout-message", vm.messageProperty(), Styles.DANGER);
        Label info = Forms.message("rollout-info", vm.infoProperty(), Styles.SUCCESS);
        return new VBox(6, box, problem, info);
    }

    private static Button button(String id, String text, String tooltip) {
        Button b = new Button(text);
        b.setId(id);
        b.setMnemonicParsing(true);
        b.setTooltip(new Tooltip(tooltip));
        return b;
    }

    // ---- status of an active (or the last) rollout --------------------------------------------------------------

    private Node status() {
        Label none = new Label("No rollout on this channel. Start one to move a share of its devices to a newer bundle.");
        none.getStyleClass().add(Styles.TEXT_MUTED);
        none.visibleProperty().bind(vm.rolloutProperty().isNull());
        none.managedProperty().bind(none.visibleProperty());

        VBox details = new VBox(10, controls(), reasons(), plan(), new RolloutChartsView(vm.charts()).root(), history());
        details.visibleProperty().bind(vm.rolloutProperty().isNotNull());
        details.managedProperty().bind(details.visibleProperty());
        return new VBox(10, none, details);
    }

    private Node controls() {
        Slider slider = new Slider(0, 100, 0);
        slider.setId("rollout-slider");
        slider.setBlockIncrement(1);
        slider.setMajorTickUnit(25);
        slider.setShowTickMarks(true);
        slider.setShowTickLabels(true);
        slider.setPrefWidth(320);
        slider.valueProperty().bindBidirectional(vm.sliderPercentProperty());
        slider.disableProperty().bind(vm.activeProperty().not());
        HBox.setHgrow(slider, Priority.ALWAYS);
        TextField field = new TextField();
        field.setId("rollout-percent");
        field.setPrefColumnCount(6);
        field.textProperty().bindBidirectional(vm.percentTextProperty());
        field.disableProperty().bind(vm.activeProperty().not());
        Label percentLabel = new Label("_Percentage");
        percentLabel.setMnemonicParsing(true);
        percentLabel.setLabelFor(field);
        Button apply = button("rollout-apply", "Appl_y…", "Apply the percentage, after a reason (Alt+Y; Enter in the field)");
        bindAction(apply, RolloutViewModel.Action.SET);
        field.setOnAction(e -> apply.fire());
        javafx.scene.layout.FlowPane percent = new javafx.scene.layout.FlowPane(8, 6, percentLabel, slider, field, new Label("%"), apply);
        percent.setAlignment(Pos.CENTER_LEFT);
        Label error = Forms.message("rollout-percent-error", vm.percentErrorProperty(), Styles.DANGER, Styles.TEXT_SMALL);

        Button pause = button("rollout-pause", "P_ause", "No new device moves to the target (Alt+A)");
        bindAction(pause, RolloutViewModel.Action.PAUSE);
        Button resume = button("rollout-resume", "Res_ume", "Selected devices move to the target again (Alt+U)");
        bindAction(resume, RolloutViewModel.Action.RESUME);
        Button advance = button("rollout-advance", "Adva_nce", "Go to the next plan stage now (Alt+N)");
        bindAction(advance, RolloutViewModel.Action.ADVANCE);
        Button rollback = button("rollout-rollback", "Roll _back", "End the rollout: every device back to stable (Alt+B)");
        rollback.getStyleClass().add(Styles.DANGER);
        bindAction(rollback, RolloutViewModel.Action.ROLLBACK);
        Button promote = button("rollout-promote", "Pro_mote", "End the rollout: the channel serves the target (Alt+M)");
        promote.getStyleClass().add(Styles.SUCCESS);
        bindAction(promote, RolloutViewModel.Action.PROMOTE);
        Button editPlan = button("rollout-edit-plan", "Edit p_lan…", "Change the plan and health policy (Alt+L)");
        editPlan.disableProperty().bind(vm.canEditPlanProperty().not());
        editPlan.setOnAction(e -> vm.forms().openPlan());
        javafx.scene.layout.FlowPane verbs = new javafx.scene.layout.FlowPane(8, 6, pause, resume, advance, rollback, promote, editPlan);
        verbs.setAlignment(Pos.CENTER_LEFT);
        return new VBox(6, percent, error, verbs);
    }

    private void bindAction(Button b, RolloutViewModel.Action a) {
        b.disableProperty().bind(vm.enabledProperty(a).not());
        b.setOnAction(e -> ask(a));
    }

    private void ask(RolloutViewModel.Action a) {
        if (!vm.enabled(a)) {
            return;
        }
        Rollout r = vm.rolloutProperty().get();
        String title = a.label + (a == RolloutViewModel.Action.SET ? " " + Rollout.percent(vm.requestedBpsProperty().get())
                : "") + " – " + r.channel() + "?";
        Dialogs.confirmWithReason(root.getScene().getWindow(), title, vm.confirmText(a), a.label)
                .ifPresent(reason -> vm.act(a, reason));
    }

    private Node reasons() {
        Label reason = new Label();
        reason.setId("rollout-reason");
        reason.setWrapText(true);
        reason.textProperty().bind(Bindings.createStringBinding(() -> {
            Rollout r = vm.rolloutProperty().get();
            return r == null || r.reason() == null ? "" : "Last change: " + r.reason();
        }, vm.rolloutProperty()));
        Label health = new Label();
        health.setId("rollout-health");
        health.setWrapText(true);
        health.textProperty().bind(Bindings.createStringBinding(() -> RolloutConfirmations.healthLine(
                vm.rolloutProperty().get()), vm.rolloutProperty()));
        return new VBox(4, reason, health);
    }

    private Node plan() {
        VBox lines = new VBox(2);
        lines.setId("rollout-plan");
        Label title = new Label("Plan");
        title.getStyleClass().add(Styles.TEXT_BOLD);
        Runnable fill = () -> {
            Rollout r = vm.rolloutProperty().get();
            List<RolloutViewModel.StageLine> stages = RolloutViewModel.stageLines(r, Instant.now());
            lines.getChildren().clear();
            if (stages.isEmpty()) {
                Label none = new Label(r == null ? "" : "No plan: the percentage changes only by hand.");
                none.getStyleClass().add(Styles.TEXT_MUTED);
                lines.getChildren().add(none);
                return;
            }
            Label mode = new Label(r.plan().auto() ? "Advances by itself when soak and gate allow."
                    : "Manual: advance by hand.");
            mode.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
            lines.getChildren().add(mode);
            for (RolloutViewModel.StageLine s : stages) {
                Label l = new Label((s.current() ? "▶ " : s.done() ? "✓ " : "   ") + s.text());
                l.setId("rollout-stage-" + s.index());
                if (s.current()) {
                    l.getStyleClass().addAll(Styles.ACCENT, Styles.TEXT_BOLD, "current-stage");
                } else if (s.done()) {
                    l.getStyleClass().add(Styles.TEXT_MUTED);
                }
                lines.getChildren().add(l);
            }
        };
        vm.rolloutProperty().addListener((obs, old, now) -> fill.run());
        return new VBox(4, title, lines);
    }

    private Node history() {
        TableView<RolloutChange> table = new TableView<>(vm.history());
        table.setId("rollout-history");
        table.setPrefHeight(180);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("When", 90, h -> Times.format(h.at())));
        table.getColumns().add(column("Who", 160, RolloutChange::actor));
        table.getColumns().add(column("Action", 90, RolloutChange::action));
        table.getColumns().add(column("State", 140, h -> (h.fromState() == null ? "" : h.fromState() + " → ")
                + (h.toState() == null ? "" : h.toState())));
        table.getColumns().add(column("Share", 130, h -> (h.fromBps() == null ? "" : Rollout.percent(h.fromBps()) + " → ")
                + Rollout.percent(h.toBps())));
        table.getColumns().add(column("Reason", 260, h -> h.reason() == null ? "" : h.reason()));
        table.setPlaceholder(new Label("No changes yet."));
        Label title = new Label("History");
        title.getStyleClass().add(Styles.TEXT_BOLD);
        return new VBox(4, title, table);
    }

    private static <T> TableColumn<T, String> column(String title, double width, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    // ---- start / plan form --------------------------------------------------------------------------------------

    private Node form() {
        PlanEditor p = vm.forms().plan();
        Label heading = new Label();
        heading.getStyleClass().add(Styles.TITLE_4);
        heading.textProperty().bind(Bindings.when(vm.forms().formProperty().isEqualTo(RolloutViewModel.Form.START))
                .then("Start rollout").otherwise("Edit plan and health policy"));

        ComboBox<String> target = new ComboBox<>(vm.forms().targetChoices());
        target.setId("rollout-target");
        target.valueProperty().bindBidirectional(vm.forms().targetProperty());
        target.setPromptText("bundle to roll out");
        VBox targetField = Forms.field("Target bundle", target, vm.forms().targetErrorProperty());

        ToggleGroup mode = new ToggleGroup();
        RadioButton byPercent = new RadioButton("Start at a percentage");
        byPercent.setId("rollout-mode-percent");
        byPercent.setToggleGroup(mode);
        RadioButton byPlan = new RadioButton("Follow a plan");
        byPlan.setId("rollout-mode-plan");
        byPlan.setToggleGroup(mode);
        byPlan.setSelected(vm.forms().usePlanProperty().get());
        byPercent.setSelected(!vm.forms().usePlanProperty().get());
        vm.forms().usePlanProperty().addListener((obs, old, now) -> {
            byPlan.setSelected(now);
            byPercent.setSelected(!now);
        });
        mode.selectedToggleProperty().addListener((obs, old, now) -> vm.forms().usePlanProperty().set(now == byPlan));
        TextField startPercent = new TextField();
        startPercent.setId("rollout-start-percent");
        startPercent.setPrefColumnCount(6);
        startPercent.textProperty().bindBidirectional(vm.forms().startPercentProperty());
        startPercent.disableProperty().bind(vm.forms().usePlanProperty());
        VBox percentField = Forms.field("Start percentage (%)", startPercent, vm.forms().startPercentErrorProperty());
        HBox modes = new HBox(16, byPercent, byPlan);
        VBox modeBox = new VBox(6, modes, percentField);
        CheckBox planToggle = new CheckBox("Follow a plan");
        planToggle.setId("rollout-plan-enabled");
        planToggle.selectedProperty().bindBidirectional(vm.forms().usePlanProperty());

        // Stages
        GridPane stages = new GridPane();
        stages.setId("rollout-stages");
        stages.setHgap(8);
        stages.setVgap(4);
        Runnable fillStages = () -> {
            stages.getChildren().clear();
            stages.addRow(0, new Label("Stage"), new Label("%"), new Label("Soak"), new Label("Gate"), new Label(""));
            for (int i = 0; i < p.stages().size(); i++) {
                PlanEditor.Stage s = p.stages().get(i);
                TextField pct = new TextField();
                pct.setId("rollout-stage-percent-" + i);
                pct.setPrefColumnCount(5);
                pct.textProperty().bindBidirectional(s.percentProperty());
                TextField soak = new TextField();
                soak.setId("rollout-stage-soak-" + i);
                soak.setPrefColumnCount(5);
                soak.textProperty().bindBidirectional(s.soakProperty());
                ChoiceBox<String> gate = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList(PlanEditor.GATES));
                gate.setId("rollout-stage-gate-" + i);
                gate.valueProperty().bindBidirectional(s.gateProperty());
                int index = i;
                Button remove = new Button("Remove");
                remove.setId("rollout-stage-remove-" + i);
                remove.setOnAction(e -> p.removeStage(index));
                stages.addRow(i + 1, new Label(Integer.toString(i + 1)), pct, soak, gate, remove);
            }
        };
        p.stages().addListener((ListChangeListener<PlanEditor.Stage>) c -> fillStages.run());
        fillStages.run();
        Button add = button("rollout-stage-add", "Add s_tage", "Add a stage above the last (Alt+T)");
        add.setOnAction(e -> p.addStage());
        CheckBox auto = new CheckBox("Advance automatically (else only by hand)");
        auto.setId("rollout-plan-auto");
        auto.selectedProperty().bindBidirectional(p.autoProperty());
        Label planError = Forms.message("rollout-plan-error", p.planErrorProperty(), Styles.DANGER, Styles.TEXT_SMALL);
        VBox planBox = new VBox(6, stages, new HBox(12, add, auto), planError);
        planBox.visibleProperty().bind(vm.forms().usePlanProperty());
        planBox.managedProperty().bind(planBox.visibleProperty());

        // Health policy
        CheckBox healthOn = new CheckBox("Health policy");
        healthOn.setId("rollout-health-enabled");
        healthOn.selectedProperty().bindBidirectional(p.healthEnabledProperty());
        GridPane health = new GridPane();
        health.setHgap(8);
        health.setVgap(4);
        health.addRow(0, new Label("Threshold %"), text("rollout-health-threshold", p.thresholdProperty()),
                new Label("Window"), text("rollout-health-window", p.windowProperty()),
                new Label("Cooldown"), text("rollout-health-cooldown", p.cooldownProperty()));
        ChoiceBox<HealthAction> action = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList(HealthAction.values()));
        action.setId("rollout-health-action");
        action.valueProperty().bindBidirectional(p.actionProperty());
        action.setConverter(new StringConverter<>() {
            @Override
            public String toString(HealthAction a) {
                return a == null ? "" : a.wireName();
            }

            @Override
            public HealthAction fromString(String s) {
                return HealthAction.parse(s);
            }
        });
        health.addRow(1, new Label("Min attempts"), text("rollout-health-min-attempts", p.minAttemptsProperty()),
                new Label("Min failures"), text("rollout-health-min-failures", p.minFailuresProperty()),
                new Label("Action"), action);
        health.disableProperty().bind(p.healthEnabledProperty().not());
        Label healthError = Forms.message("rollout-health-error", p.healthErrorProperty(), Styles.DANGER, Styles.TEXT_SMALL);

        // Keys and the rollback release (start only)
        Label keys = new Label();
        keys.setId("rollout-keys-status");
        keys.setWrapText(true);
        keys.textProperty().bind(vm.forms().keysStatusProperty());
        keys.getStyleClass().add(Styles.TEXT_SMALL);
        PasswordField passphrase = new PasswordField();
        passphrase.setId("rollout-passphrase");
        VBox passField = Forms.field("Passphrase of the app's keys", passphrase, vm.forms().passphraseErrorProperty());
        passField.visibleProperty().bind(vm.forms().needsPassphraseProperty().and(vm.forms().withoutRollbackProperty().not()));
        passField.managedProperty().bind(passField.visibleProperty());
        CheckBox without = new CheckBox("Start without a rollback release (health action must not be roll back)");
        without.setId("rollout-without-rollback");
        without.selectedProperty().bindBidirectional(vm.forms().withoutRollbackProperty());
        VBox keysBox = new VBox(6, keys, passField, without);

        TextField reason = new TextField();
        reason.setId("rollout-form-reason");
        reason.setPromptText("Why? (recorded in the audit log)");
        reason.textProperty().bindBidirectional(vm.forms().formReasonProperty());
        VBox reasonField = Forms.field("Reason", reason, vm.forms().reasonErrorProperty());

        Button submit = button("rollout-form-submit", "_Start", "Start the rollout (Enter)");
        submit.getStyleClass().add(Styles.ACCENT);
        submit.textProperty().bind(Bindings.when(vm.forms().formProperty().isEqualTo(RolloutViewModel.Form.START))
                .then("Start").otherwise("Save plan"));
        submit.disableProperty().bind(vm.busyProperty().or(vm.forms().formProperty().isEqualTo(RolloutViewModel.Form.START)
                .and(vm.forms().preflight().blocksStartProperty())));
        submit.setOnAction(e -> {
            if (vm.forms().formProperty().get() == RolloutViewModel.Form.START) {
                char[] pass = passphrase.getText().toCharArray();
                passphrase.clear();
                vm.forms().submitStart(pass);
            } else {
                vm.forms().submitPlan();
            }
        });
        Button cancel = button("rollout-form-cancel", "Cancel", "Close the form (Esc)");
        cancel.setOnAction(e -> vm.forms().closeForm());
        Label formError = Forms.message("rollout-form-error", vm.forms().formErrorProperty(), Styles.DANGER);

        VBox startOnly = new VBox(10, targetField, modeBox, keysBox,
                new PreflightPane(vm.forms().preflight(), () -> passphrase.getText().toCharArray()).root());
        startOnly.visibleProperty().bind(vm.forms().formProperty().isEqualTo(RolloutViewModel.Form.START));
        startOnly.managedProperty().bind(startOnly.visibleProperty());
        planToggle.visibleProperty().bind(vm.forms().formProperty().isEqualTo(RolloutViewModel.Form.PLAN));
        planToggle.managedProperty().bind(planToggle.visibleProperty());
        VBox box = new VBox(10, heading, startOnly, planToggle, planBox, new VBox(6, healthOn, health, healthError),
                reasonField, formError, new HBox(8, submit, cancel));
        box.setId("rollout-form");
        box.getStyleClass().add("side-form");
        box.visibleProperty().bind(vm.forms().formProperty().isNotEqualTo(RolloutViewModel.Form.NONE));
        box.managedProperty().bind(box.visibleProperty());
        box.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                vm.forms().closeForm();
                e.consume();
            } else if (e.getCode() == KeyCode.ENTER && !(e.getTarget() instanceof Button)) {
                submit.fire();
                e.consume();
            }
        });
        vm.forms().formProperty().addListener((obs, old, now) -> {
            passphrase.clear();
            if (now == RolloutViewModel.Form.START) {
                target.requestFocus();
            } else if (now == RolloutViewModel.Form.PLAN) {
                reason.requestFocus();
            }
        });
        return box;
    }

    private static TextField text(String id, javafx.beans.property.StringProperty value) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(5);
        f.textProperty().bindBidirectional(value);
        return f;
    }
}
