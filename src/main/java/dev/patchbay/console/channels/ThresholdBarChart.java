package dev.patchbay.console.channels;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.shape.Line;

/** A bar chart of failure rates (%) with the health policy's threshold drawn as a dashed horizontal line. */
final class ThresholdBarChart extends BarChart<String, Number> {
    private final DoubleProperty threshold = new SimpleDoubleProperty(this, "threshold", Double.NaN);
    private final Line line = new Line();

    ThresholdBarChart(CategoryAxis x, NumberAxis y) {
        super(x, y);
        line.setId("rollout-threshold-line");
        line.getStyleClass().add("threshold-line");
        line.setStyle("-fx-stroke: -color-danger-fg; -fx-stroke-width: 2; -fx-stroke-dash-array: 6 4;");
        line.setManaged(false);
        getPlotChildren().add(line);
        threshold.addListener((obs, old, now) -> requestChartLayout());
    }

    /** The threshold in percent (NaN: none drawn). */
    DoubleProperty thresholdProperty() {
        return threshold;
    }

    @Override
    protected void layoutPlotChildren() {
        super.layoutPlotChildren();
        double t = threshold.get();
        line.setVisible(!Double.isNaN(t));
        if (Double.isNaN(t)) {
            return;
        }
        double y = getYAxis().getDisplayPosition(t);
        line.setStartX(0);
        line.setEndX(getXAxis().getWidth());
        line.setStartY(y);
        line.setEndY(y);
        line.toFront();
    }
}
