package dev.patchbay.console.channels;

import dev.patchbay.client.FailureBucket;
import java.util.Iterator;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.scene.Node;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.Region;
import javafx.scene.shape.Line;

/**
 * Failure rates (%) as bars on a time axis: each bar spans its step (x = the step's start in epoch seconds, its extra
 * value the {@link FailureBucket}), so bars are as wide as the time they count and stay where they are while their
 * numbers change. The health policy's threshold is a dashed line; bars above it carry the style class
 * {@code over-threshold}.
 */
final class FailureBarChart extends XYChart<Number, Number> {
    /** The gap left between two bars, in pixels. */
    private static final double GAP = 1;

    private final DoubleProperty threshold = new SimpleDoubleProperty(this, "threshold", Double.NaN);
    private final IntegerProperty step = new SimpleIntegerProperty(this, "step", 60);
    private final Line line = new Line();

    FailureBarChart(NumberAxis x, NumberAxis y) {
        super(x, y);
        setData(javafx.collections.FXCollections.observableArrayList());
        line.setId("rollout-threshold-line");
        line.getStyleClass().add("threshold-line");
        line.setManaged(false);
        getPlotChildren().add(line);
        threshold.addListener((obs, old, now) -> requestChartLayout());
        step.addListener((obs, old, now) -> requestChartLayout());
    }

    /** The threshold in percent (NaN: none drawn). */
    DoubleProperty thresholdProperty() {
        return threshold;
    }

    /** The width of a bar, in seconds. */
    IntegerProperty stepProperty() {
        return step;
    }

    @Override
    protected void dataItemAdded(Series<Number, Number> series, int itemIndex, Data<Number, Number> item) {
        Node bar = item.getNode();
        if (bar == null) {
            Region r = new Region();
            r.getStyleClass().add("failure-bar");
            item.setNode(r);
            bar = r;
        }
        getPlotChildren().add(bar);
    }

    @Override
    protected void dataItemRemoved(Data<Number, Number> item, Series<Number, Number> series) {
        getPlotChildren().remove(item.getNode());
        removeDataItemFromDisplay(series, item);
    }

    @Override
    protected void dataItemChanged(Data<Number, Number> item) {
        // The next layout places it.
    }

    @Override
    protected void seriesAdded(Series<Number, Number> series, int seriesIndex) {
        for (int i = 0; i < series.getData().size(); i++) {
            dataItemAdded(series, i, series.getData().get(i));
        }
    }

    @Override
    protected void seriesRemoved(Series<Number, Number> series) {
        for (Data<Number, Number> d : series.getData()) {
            getPlotChildren().remove(d.getNode());
        }
        removeSeriesFromDisplay(series);
    }

    @Override
    protected void layoutPlotChildren() {
        NumberAxis x = (NumberAxis) getXAxis();
        NumberAxis y = (NumberAxis) getYAxis();
        double zero = y.getDisplayPosition(0);
        double t = threshold.get();
        for (int s = 0; s < getData().size(); s++) {
            Iterator<Data<Number, Number>> it = getDisplayedDataIterator(getData().get(s));
            while (it.hasNext()) {
                Data<Number, Number> d = it.next();
                Node bar = d.getNode();
                if (!(bar instanceof Region r)) {
                    continue;
                }
                long from = d.getXValue().longValue();
                double left = x.getDisplayPosition(from);
                double right = x.getDisplayPosition(from + step.get());
                double rate = d.getYValue().doubleValue();
                boolean failed = d.getExtraValue() instanceof FailureBucket b && b.failures() > 0;
                // A step with failures shows at least 3 px, so even a low rate can be seen and clicked.
                double top = Math.min(y.getDisplayPosition(rate), failed ? zero - 3 : zero);
                r.resizeRelocate(left + GAP, top, Math.max(2, right - left - 2 * GAP), Math.max(0, zero - top));
                r.pseudoClassStateChanged(OVER, !Double.isNaN(t) && rate > t);
            }
        }
        line.setVisible(!Double.isNaN(t));
        if (!Double.isNaN(t)) {
            double ty = y.getDisplayPosition(t);
            line.setStartX(0);
            line.setEndX(x.getWidth());
            line.setStartY(ty);
            line.setEndY(ty);
            line.toFront();
        }
    }

    /** Pseudo-class of a bar above the threshold ({@code .failure-bar:over-threshold}). */
    static final javafx.css.PseudoClass OVER = javafx.css.PseudoClass.getPseudoClass("over-threshold");
}
