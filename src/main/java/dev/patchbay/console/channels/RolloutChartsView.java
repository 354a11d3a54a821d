package dev.patchbay.console.channels;

import atlantafx.base.theme.Styles;
import dev.patchbay.client.AdoptionPoint;
import dev.patchbay.client.FailureBucket;
import dev.patchbay.console.common.Forms;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedAreaChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The rollout panel's charts: adoption (stable, target, other in the theme's chart colours, not red) and failures per
 * step as bars of their real width on a time axis; a click on a bar, or the "Failures in step" chooser and Failed
 * devices…, opens that step's failed devices on the Devices page. A toggle swaps it for the chart per stage
 * ({@link StageFailuresView}). Binds to {@link RolloutChartsViewModel}.
 */
final class RolloutChartsView {
    private final RolloutChartsViewModel vm;
    private final VBox root;
    private final NumberAxis time = new NumberAxis();
    private final NumberAxis rate = new NumberAxis();
    private final FailureBarChart failures = new FailureBarChart(time, rate);
    private final XYChart.Series<Number, Number> bars = new XYChart.Series<>();
    private final ComboBox<FailureBucket> steps = new ComboBox<>();
    private boolean updatingSteps;

    RolloutChartsView(RolloutChartsViewModel vm) {
        this.vm = vm;
        Node adoption = adoptionChart();
        failures.setId("rollout-failure-chart");
        failures.setAnimated(false);
        failures.setLegendVisible(false);
        failures.setPrefHeight(240);
        failures.getData().add(bars);
        time.setAutoRanging(false);
        time.setLabel("time");
        rate.setAutoRanging(false);
        rate.setLowerBound(0);
        rate.setLabel("failed devices %");
        // A fixed width, so a new upper bound ("100" wider than "50") does not shift the plot and its bars.
        rate.setMinWidth(56);
        rate.setPrefWidth(56);
        time.setTickLabelFormatter(axisLabels());
        failures.titleProperty().bind(Bindings.createStringBinding(() -> "Failures " + RolloutCharts.stepText(
                vm.stepProperty().get()) + " (dashed: threshold) – click a bar for its devices", vm.stepProperty()));
        failures.stepProperty().bind(vm.stepProperty());
        vm.failures().addListener((ListChangeListener<FailureBucket>) c -> fillBars());
        vm.thresholdProperty().addListener((obs, old, now) -> fillBars());
        fillBars();

        Label message = Forms.message("rollout-chart-message", vm.messageProperty(), Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        StageFailuresView perStage = new StageFailuresView(vm);
        Node stageChart = perStage.chart();
        Node stageChooser = perStage.chooser();
        Node stepChooser = chooser();
        showWhen(stageChart, vm.byStageProperty(), true);
        showWhen(stageChooser, vm.byStageProperty(), true);
        showWhen(failures, vm.byStageProperty(), false);
        showWhen(stepChooser, vm.byStageProperty(), false);
        HBox.setHgrow(adoption, Priority.ALWAYS);
        HBox.setHgrow(failures, Priority.ALWAYS);
        HBox.setHgrow(stageChart, Priority.ALWAYS);
        HBox row = new HBox(12, adoption, failures, stageChart);
        root = new VBox(4, message, toggle(), row, stepChooser, stageChooser);
    }

    private static void showWhen(Node n, javafx.beans.value.ObservableBooleanValue byStage, boolean when) {
        n.visibleProperty().bind(when ? Bindings.createBooleanBinding(byStage::get, byStage)
                : Bindings.createBooleanBinding(() -> !byStage.get(), byStage));
        n.managedProperty().bind(n.visibleProperty());
    }

    /** "Failures per time step | per stage": which failure chart shows; the choice is kept (a setting). */
    private Node toggle() {
        ToggleGroup group = new ToggleGroup();
        ToggleButton byTime = new ToggleButton("Per time step");
        byTime.setId("rollout-failures-by-time");
        byTime.getStyleClass().add(Styles.LEFT_PILL);
        ToggleButton byStage = new ToggleButton("Per stage");
        byStage.setId("rollout-failures-by-stage");
        byStage.getStyleClass().add(Styles.RIGHT_PILL);
        byTime.setToggleGroup(group);
        byStage.setToggleGroup(group);
        group.selectToggle(vm.byStageProperty().get() ? byStage : byTime);
        vm.byStageProperty().addListener((obs, old, now) -> group.selectToggle(now ? byStage : byTime));
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                group.selectToggle(old); // one of the two is always on
            } else {
                vm.byStageProperty().set(now == byStage);
            }
        });
        Label label = new Label("Failures");
        HBox box = new HBox(8, label, new HBox(byTime, byStage));
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    Node root() {
        return root;
    }

    private StringConverter<Number> axisLabels() {
        return new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return RolloutCharts.timeLabel(n.longValue(), vm.stepProperty().get(), vm.zone());
            }

            @Override
            public Number fromString(String s) {
                return 0;
            }
        };
    }

    private Node adoptionChart() {
        NumberAxis at = new NumberAxis();
        at.setForceZeroInRange(false);
        at.setLabel("time");
        at.setTickLabelFormatter(axisLabels());
        NumberAxis devices = new NumberAxis();
        devices.setLabel("devices");
        StackedAreaChart<Number, Number> chart = new StackedAreaChart<>(at, devices);
        chart.setId("rollout-adoption-chart");
        chart.getStyleClass().add("adoption-chart");
        chart.setTitle("Adoption: devices on stable, target and other bundles");
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setPrefHeight(240);
        vm.adoption().addListener((ListChangeListener<AdoptionPoint>) c -> {
            chart.getData().setAll(RolloutCharts.adoption(vm.adoption()));
            if (!vm.adoption().isEmpty()) {
                at.setAutoRanging(vm.adoption().size() > 1);
                if (vm.adoption().size() == 1) {
                    long x = vm.adoption().get(0).at().getEpochSecond();
                    at.setLowerBound(x - 60);
                    at.setUpperBound(x + 60);
                }
            }
        });
        return chart;
    }

    /** Mirrors the view model's steps onto the bars: same start → same bar, its numbers changed in place. */
    private void fillBars() {
        List<FailureBucket> list = vm.failures();
        int step = vm.stepProperty().get();
        double threshold = vm.thresholdProperty().get() * 100;
        failures.thresholdProperty().set(threshold);
        double max = list.stream().mapToDouble(b -> b.rate() * 100).max().orElse(0);
        double upper = RolloutCharts.rateUpperBound(max, threshold);
        rate.setUpperBound(upper);
        rate.setTickUnit(upper / 5);
        if (!list.isEmpty()) {
            long from = list.get(0).from().getEpochSecond();
            long to = from + RolloutCharts.axisSpan(list.size(), step);
            time.setLowerBound(from);
            time.setUpperBound(to);
            time.setTickUnit(RolloutCharts.tickUnit(to - from, step));
        }
        javafx.collections.ObservableList<XYChart.Data<Number, Number>> data = bars.getData();
        boolean samePlaces = data.size() <= list.size();
        for (int i = 0; samePlaces && i < data.size(); i++) {
            samePlaces = data.get(i).getXValue().longValue() == list.get(i).from().getEpochSecond();
        }
        if (!samePlaces) {
            data.clear();
        }
        for (int i = 0; i < list.size(); i++) {
            FailureBucket b = list.get(i);
            if (i < data.size()) {
                data.get(i).setYValue(b.rate() * 100);
                data.get(i).setExtraValue(b);
            } else {
                XYChart.Data<Number, Number> d = new XYChart.Data<>(b.from().getEpochSecond(), b.rate() * 100, b);
                hook(d);
                data.add(d);
            }
        }
        if (data.size() > list.size()) {
            data.remove(list.size(), data.size());
        }
    }

    private void hook(XYChart.Data<Number, Number> d) {
        javafx.scene.layout.Region bar = new javafx.scene.layout.Region();
        bar.getStyleClass().add("failure-bar");
        d.setNode(bar);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(Bindings.createStringBinding(() -> d.getExtraValue() instanceof FailureBucket b
                ? RolloutCharts.describe(b, vm.zone()) + (b.failures() > 0 ? "\nClick: these devices on the Devices page"
                : "") : "", d.extraValueProperty()));
        Tooltip.install(bar, tip);
        bar.setOnMouseClicked(e -> {
            if (d.getExtraValue() instanceof FailureBucket b && b.failures() > 0) {
                vm.open(b);
            }
        });
    }

    /** The keyboard's way to a bar: the steps with failures, newest first; the choice survives refreshes. */
    private Node chooser() {
        steps.setId("rollout-failure-step");
        steps.setPromptText("Steps with failures");
        steps.setConverter(new StringConverter<>() {
            @Override
            public String toString(FailureBucket b) {
                return b == null ? "" : RolloutCharts.describe(b, vm.zone());
            }

            @Override
            public FailureBucket fromString(String s) {
                return null;
            }
        });
        vm.withFailures().addListener((ListChangeListener<FailureBucket>) c -> syncSteps());
        vm.chosenProperty().addListener((obs, old, now) -> syncSteps());
        steps.valueProperty().addListener((obs, old, now) -> {
            if (!updatingSteps) {
                vm.chosenProperty().set(now);
            }
        });
        Button list = new Button("Failed _devices…");
        list.setId("rollout-failure-devices");
        list.setMnemonicParsing(true);
        list.setTooltip(new Tooltip("Show the devices that failed in the chosen step on the Devices page (Alt+D)"));
        list.disableProperty().bind(vm.chosenProperty().isNull());
        list.setOnAction(e -> vm.openChosen());
        Label label = new Label("Failures in step");
        label.setLabelFor(steps);
        FlowPane box = new FlowPane(8, 6, label, steps, list);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    /** Puts the view model's list and choice into the chooser without the chooser's own reactions undoing them. */
    private void syncSteps() {
        updatingSteps = true;
        try {
            if (!steps.getItems().equals(vm.withFailures())) {
                steps.getItems().setAll(vm.withFailures());
            }
            steps.setValue(vm.chosenProperty().get());
        } finally {
            updatingSteps = false;
        }
    }
}
