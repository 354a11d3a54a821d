package dev.patchbay.console.channels;

import dev.patchbay.console.channels.RolloutStages.StageFailures;
import dev.patchbay.domain.rollout.HealthVerdict;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.util.StringConverter;

/**
 * The failure chart per stage: one bar per stage that ran (its failed share of the devices that tried the target in
 * it, coloured by the health verdict), the same bar node for a stage across refreshes, a click (or the "Failures in
 * stage" chooser and Failed devices…) opening that stage's failed devices on the Devices page.
 */
final class StageFailuresView {
    static final PseudoClass FAILING = PseudoClass.getPseudoClass("failing");
    static final PseudoClass INSUFFICIENT = PseudoClass.getPseudoClass("insufficient");

    private final RolloutChartsViewModel vm;
    private final CategoryAxis stageAxis = new CategoryAxis();
    private final NumberAxis rate = new NumberAxis();
    private final BarChart<String, Number> chart = new BarChart<>(stageAxis, rate);
    private final XYChart.Series<String, Number> bars = new XYChart.Series<>();
    private final ComboBox<StageFailures> chooser = new ComboBox<>();
    private boolean updating;

    StageFailuresView(RolloutChartsViewModel vm) {
        this.vm = vm;
        chart.setId("rollout-stage-chart");
        chart.setTitle("Failures per stage – click a bar for its devices");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.setPrefHeight(240);
        chart.setCategoryGap(24);
        chart.getData().add(bars);
        stageAxis.setAutoRanging(false);
        stageAxis.setLabel("stage");
        rate.setAutoRanging(false);
        rate.setLowerBound(0);
        rate.setLabel("failed devices %");
        rate.setMinWidth(56);
        rate.setPrefWidth(56);
        vm.stages().addListener((ListChangeListener<StageFailures>) c -> fill());
        fill();
    }

    Node chart() {
        return chart;
    }

    /** Mirrors the stages onto the bars: a stage keeps its bar (stages are only ever added), numbers change in place. */
    private void fill() {
        List<StageFailures> list = vm.stages();
        double max = list.stream().mapToDouble(f -> f.rate() * 100).max().orElse(0);
        double upper = RolloutCharts.rateUpperBound(max, vm.thresholdProperty().get() * 100);
        rate.setUpperBound(upper);
        rate.setTickUnit(upper / 5);
        List<String> names = new ArrayList<>();
        for (StageFailures f : list) {
            names.add(f.span().number() + ". " + f.span().label());
        }
        ObservableList<XYChart.Data<String, Number>> data = bars.getData();
        boolean samePlaces = data.size() <= list.size();
        for (int i = 0; samePlaces && i < data.size(); i++) {
            samePlaces = data.get(i).getXValue().equals(names.get(i));
        }
        if (!samePlaces) {
            data.clear();
        }
        if (!stageAxis.getCategories().equals(names)) {
            stageAxis.setCategories(FXCollections.observableArrayList(names));
        }
        for (int i = 0; i < list.size(); i++) {
            StageFailures f = list.get(i);
            if (i < data.size()) {
                data.get(i).setYValue(f.rate() * 100);
                data.get(i).setExtraValue(f);
            } else {
                XYChart.Data<String, Number> d = new XYChart.Data<>(names.get(i), f.rate() * 100, f);
                hook(d);
                data.add(d);
            }
            mark(data.get(i).getNode(), f);
        }
        if (data.size() > list.size()) {
            data.remove(list.size(), data.size());
        }
    }

    private static void mark(Node bar, StageFailures f) {
        if (bar != null) {
            bar.pseudoClassStateChanged(FAILING, f.verdict() == HealthVerdict.FAILING);
            bar.pseudoClassStateChanged(INSUFFICIENT, f.verdict() == HealthVerdict.INSUFFICIENT);
        }
    }

    private void hook(XYChart.Data<String, Number> d) {
        // BarChart gives the node its style classes (chart-bar, …); the verdict is a pseudo-class.
        javafx.scene.layout.StackPane bar = new javafx.scene.layout.StackPane();
        d.setNode(bar);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(Bindings.createStringBinding(() -> d.getExtraValue() instanceof StageFailures f
                ? RolloutStages.describe(f, vm.zone()) + (f.failures() > 0 ? "\nClick: these devices on the Devices page"
                : "") : "", d.extraValueProperty()));
        Tooltip.install(bar, tip);
        bar.setOnMouseClicked(e -> {
            if (d.getExtraValue() instanceof StageFailures f && f.failures() > 0) {
                vm.open(f);
            }
        });
    }

    /** The keyboard's way to a stage: the stages with failures; the choice survives refreshes. */
    Node chooser() {
        chooser.setId("rollout-failure-stage");
        chooser.setPromptText("Stages with failures");
        chooser.setConverter(new StringConverter<>() {
            @Override
            public String toString(StageFailures f) {
                return f == null ? "" : RolloutStages.describe(f, vm.zone());
            }

            @Override
            public StageFailures fromString(String s) {
                return null;
            }
        });
        vm.stagesWithFailures().addListener((ListChangeListener<StageFailures>) c -> sync());
        vm.chosenStageProperty().addListener((obs, old, now) -> sync());
        chooser.valueProperty().addListener((obs, old, now) -> {
            if (!updating) {
                vm.chosenStageProperty().set(now);
            }
        });
        Button list = new Button("Failed de_vices…");
        list.setId("rollout-failure-stage-devices");
        list.setMnemonicParsing(true);
        list.setTooltip(new Tooltip("Show the devices that failed in the chosen stage on the Devices page (Alt+V)"));
        list.disableProperty().bind(vm.chosenStageProperty().isNull());
        list.setOnAction(e -> vm.openChosen());
        Label label = new Label("Failures in stage");
        label.setLabelFor(chooser);
        FlowPane box = new FlowPane(8, 6, label, chooser, list);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private void sync() {
        updating = true;
        try {
            if (!chooser.getItems().equals(vm.stagesWithFailures())) {
                chooser.getItems().setAll(vm.stagesWithFailures());
            }
            chooser.setValue(vm.chosenStageProperty().get());
        } finally {
            updating = false;
        }
    }
}
