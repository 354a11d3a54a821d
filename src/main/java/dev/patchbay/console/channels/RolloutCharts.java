package dev.patchbay.console.channels;

import dev.patchbay.client.AdoptionPoint;
import dev.patchbay.client.FailureBucket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javafx.scene.chart.XYChart;

/**
 * The rollout charts' data: adoption (devices on stable, target and other bundles over time, x = epoch seconds) and
 * failure rate per step (x = the step's start as "HH:mm", y = rate in %, each bar's extra value its bucket).
 */
public final class RolloutCharts {
    /** Points a chart shows at most; the step grows with the rollout's age. */
    static final int MAX_POINTS = 60;
    /** The server's smallest step (docs/rollouts.md §5). */
    static final int MIN_STEP = 10;

    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter LABEL_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private RolloutCharts() {
    }

    /** The series step for {@code [from, to]}: at most {@link #MAX_POINTS} steps, at least 10 s, a multiple of 10 s. */
    public static int step(Instant from, Instant to) {
        long span = Math.max(0, Duration.between(from, to).toSeconds());
        long step = (span + MAX_POINTS - 1) / MAX_POINTS;
        step = Math.max(MIN_STEP, (step + 9) / 10 * 10);
        return (int) Math.min(Integer.MAX_VALUE, step);
    }

    /** Three series (stable, target, other): devices by current bundle at each sample. */
    public static List<XYChart.Series<Number, Number>> adoption(List<AdoptionPoint> points) {
        XYChart.Series<Number, Number> stable = new XYChart.Series<>();
        stable.setName("Stable");
        XYChart.Series<Number, Number> target = new XYChart.Series<>();
        target.setName("Target");
        XYChart.Series<Number, Number> other = new XYChart.Series<>();
        other.setName("Other");
        for (AdoptionPoint p : points) {
            long x = p.at().getEpochSecond();
            stable.getData().add(new XYChart.Data<>(x, p.stable()));
            target.getData().add(new XYChart.Data<>(x, p.target()));
            other.getData().add(new XYChart.Data<>(x, p.other()));
        }
        return List.of(stable, target, other);
    }

    /** One bar per step: the failure rate in percent; the bar's extra value is its {@link FailureBucket}. */
    public static XYChart.Series<String, Number> failureRate(List<FailureBucket> buckets, ZoneId zone) {
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        s.setName("Failure rate");
        boolean seconds = buckets.stream().anyMatch(b -> b.from().getEpochSecond() % 60 != 0);
        for (FailureBucket b : buckets) {
            String label = (seconds ? LABEL_SECONDS : LABEL).format(b.from().atZone(zone));
            s.getData().add(new XYChart.Data<>(label, b.rate() * 100, b));
        }
        return s;
    }

    /** "14:05 – 14:06: 3 of 40 devices failed (7.5 %)" */
    public static String describe(FailureBucket b, ZoneId zone) {
        return LABEL_SECONDS.format(b.from().atZone(zone)) + " – " + LABEL_SECONDS.format(b.to().atZone(zone)) + ": "
                + b.failures() + " of " + b.attempts() + " devices failed ("
                + String.format(java.util.Locale.ROOT, "%.1f %%", b.rate() * 100) + ")";
    }
}
