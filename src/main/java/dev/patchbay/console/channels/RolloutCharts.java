package dev.patchbay.console.channels;

import dev.patchbay.client.AdoptionPoint;
import dev.patchbay.client.FailureBucket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import javafx.scene.chart.XYChart;

/**
 * The rollout charts' arithmetic: adoption series (devices on stable, target and other bundles over time, x = epoch
 * seconds), the failure bars' step (a whole minute, 5 / 15 minutes, hour, 6 hours or day, starting on a boundary of
 * the local clock, so a refresh never moves a bar), axis bounds and the text of a bar.
 */
public final class RolloutCharts {
    /** Bars the failure chart shows at most; past that the next longer step is taken. */
    static final int MAX_BARS = 48;
    /** The failure steps, shortest first, in seconds. */
    static final List<Integer> STEPS = List.of(60, 300, 900, 3600, 21_600, 86_400);
    /** The time axis grows by this many steps at a time, so a new step does not move the bars each time. */
    static final int AXIS_CHUNK = 12;
    /** Ticks an axis shows at most. */
    static final int MAX_TICKS = 8;
    /** Upper bounds of the rate axis (%): the smallest that holds the highest bar and the threshold. */
    static final List<Double> RATE_BOUNDS = List.of(5.0, 10.0, 20.0, 50.0, 100.0);

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_CLOCK = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ROOT);

    private RolloutCharts() {
    }

    /** The failure step for {@code [from, to]}: the shortest of {@link #STEPS} that needs at most {@link #MAX_BARS}. */
    public static int step(Instant from, Instant to) {
        long span = Math.max(1, Duration.between(from, to).toSeconds());
        for (int s : STEPS) {
            if ((span + s - 1) / s <= MAX_BARS) {
                return s;
            }
        }
        return STEPS.get(STEPS.size() - 1);
    }

    /** {@code t} rounded down to a multiple of {@code step} on the local clock of {@code zone} (14:07 → 14:05 for 5 min). */
    public static Instant alignedStart(Instant t, int step, ZoneId zone) {
        long offset = zone.getRules().getOffset(t).getTotalSeconds();
        long local = t.getEpochSecond() + offset;
        return Instant.ofEpochSecond(Math.floorDiv(local, step) * step - offset);
    }

    /** "per minute", "per 5 minutes", "per hour", "per day". */
    public static String stepText(int step) {
        return switch (step) {
            case 60 -> "per minute";
            case 3600 -> "per hour";
            case 86_400 -> "per day";
            default -> step % 3600 == 0 ? "per " + step / 3600 + " hours" : "per " + step / 60 + " minutes";
        };
    }

    /** Tick units of the time axis, in seconds. */
    static final List<Long> TICKS = List.of(60L, 120L, 300L, 600L, 900L, 1800L, 3600L, 7200L, 10_800L, 21_600L,
            43_200L, 86_400L, 172_800L, 604_800L);

    /** The time axis' span in seconds for {@code bars} steps: whole chunks of {@link #AXIS_CHUNK} steps. */
    public static long axisSpan(int bars, int step) {
        int chunks = Math.max(1, (bars + AXIS_CHUNK - 1) / AXIS_CHUNK);
        return (long) chunks * AXIS_CHUNK * step;
    }

    /** The time axis' tick unit in seconds: a round duration of at least a step, at most {@link #MAX_TICKS} ticks. */
    public static long tickUnit(long span, int step) {
        return TICKS.stream().filter(t -> t >= step && span / t <= MAX_TICKS).findFirst()
                .orElse(Math.max(step, span / MAX_TICKS));
    }

    /** The rate axis' upper bound (%) for the highest bar and the threshold (%, NaN: none). */
    public static double rateUpperBound(double maxRate, double threshold) {
        double max = Math.max(maxRate, Double.isNaN(threshold) ? 0 : threshold);
        return RATE_BOUNDS.stream().filter(b -> max <= b * 0.9 || b == 100.0).findFirst().orElse(100.0);
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

    /** A time axis label: "14:05", or "3 Dec 14:05" for steps of 6 hours and more. */
    public static String timeLabel(long epochSecond, int step, ZoneId zone) {
        return (step >= 21_600 ? DAY_CLOCK : CLOCK).format(Instant.ofEpochSecond(epochSecond).atZone(zone));
    }

    /** "14:05–14:10" (the bar's step, its end capped at the bucket's). */
    public static String range(FailureBucket b, ZoneId zone) {
        return CLOCK.format(b.from().atZone(zone)) + "–" + CLOCK.format(b.to().atZone(zone));
    }

    /** "14:05–14:10: 3 of 40 devices failed (7.5 %)" */
    public static String describe(FailureBucket b, ZoneId zone) {
        return range(b, zone) + ": " + b.failures() + " of " + b.attempts() + " devices failed ("
                + String.format(Locale.ROOT, "%.1f %%", b.rate() * 100) + ")";
    }
}
