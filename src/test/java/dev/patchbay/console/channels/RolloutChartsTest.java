package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.patchbay.client.AdoptionPoint;
import dev.patchbay.client.FailureBucket;
import dev.patchbay.domain.ValidationException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javafx.scene.chart.XYChart;
import org.junit.jupiter.api.Test;

/** Chart data mapping, the series step, and the percentage / duration text the rollout controls use. */
class RolloutChartsTest {
    static final Instant T0 = Instant.parse("2026-11-22T14:00:00Z");

    @Test
    void adoptionBecomesThreeSeriesOverTime() {
        List<XYChart.Series<Number, Number>> s = RolloutCharts.adoption(List.of(
                new AdoptionPoint(T0, 90, 10, 0), new AdoptionPoint(T0.plusSeconds(60), 75, 24, 1)));
        assertEquals(List.of("Stable", "Target", "Other"), s.stream().map(XYChart.Series::getName).toList());
        assertEquals(T0.getEpochSecond() + 60, s.get(1).getData().get(1).getXValue().longValue());
        assertEquals(24L, s.get(1).getData().get(1).getYValue());
        assertEquals(90L, s.get(0).getData().get(0).getYValue());
        assertEquals(1L, s.get(2).getData().get(1).getYValue());
        assertEquals(0, RolloutCharts.adoption(List.of()).get(0).getData().size());
    }

    @Test
    void stepsAreWholeMinutesHoursOrDaysOnTheLocalClock() {
        assertEquals(60, RolloutCharts.step(T0, T0));
        assertEquals(60, RolloutCharts.step(T0, T0.plusSeconds(48 * 60)));
        assertEquals(300, RolloutCharts.step(T0, T0.plusSeconds(48 * 60 + 1)));
        assertEquals(3600, RolloutCharts.step(T0, T0.plusSeconds(24 * 3600)));
        assertEquals(86_400, RolloutCharts.step(T0, T0.plusSeconds(30L * 86_400)));
        // A rollout started at 14:07:31 counts from 14:07 per minute, 14:05 per 5 minutes, 14:00 per hour.
        Instant start = Instant.parse("2026-11-22T14:07:31Z");
        assertEquals(Instant.parse("2026-11-22T14:07:00Z"), RolloutCharts.alignedStart(start, 60, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-11-22T14:05:00Z"), RolloutCharts.alignedStart(start, 300, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-11-22T14:00:00Z"), RolloutCharts.alignedStart(start, 3600, ZoneOffset.UTC));
        // Days start at local midnight: 02:00 in UTC+3 is 23:00Z the day before.
        assertEquals(Instant.parse("2026-11-21T21:00:00Z"), RolloutCharts.alignedStart(start, 86_400,
                ZoneOffset.ofHours(3)));
        assertEquals("per minute", RolloutCharts.stepText(60));
        assertEquals("per 15 minutes", RolloutCharts.stepText(900));
        assertEquals("per 6 hours", RolloutCharts.stepText(21_600));
        assertEquals(600, RolloutCharts.tickUnit(48 * 60, 60), "at most 8 ticks, round durations");
        assertEquals(60, RolloutCharts.tickUnit(60, 60));
        assertEquals(12 * 60, RolloutCharts.axisSpan(1, 60), "the axis grows by 12 steps at a time");
        assertEquals(12 * 60, RolloutCharts.axisSpan(12, 60));
        assertEquals(24 * 60, RolloutCharts.axisSpan(13, 60));
        assertEquals(10.0, RolloutCharts.rateUpperBound(7.5, Double.NaN));
        assertEquals(10.0, RolloutCharts.rateUpperBound(2, 5.0), "the threshold fits too");
        assertEquals(100.0, RolloutCharts.rateUpperBound(100, 5.0));
        FailureBucket a = new FailureBucket(T0, T0.plusSeconds(60), 40, 3, 0.075);
        assertEquals("14:00–14:01: 3 of 40 devices failed (7.5 %)", RolloutCharts.describe(a, ZoneOffset.UTC));
    }

    /** A refresh replaces only what changed: the bars and the chosen step keep their places. */
    @Test
    void aRefreshUpdatesStepsInPlaceAndKeepsTheChosenOne() {
        RolloutChartsViewModel vm = new RolloutChartsViewModel(ZoneOffset.UTC);
        dev.patchbay.domain.rollout.Rollout r = new dev.patchbay.domain.rollout.Rollout("r1", "com.example.shop",
                "production", "1.0.0", "1.1.0", null, 1000, dev.patchbay.domain.rollout.RolloutState.RUNNING, "why", null,
                null, null, null, null, null, 1L, T0, "alice", T0, null);
        FailureBucket a = new FailureBucket(T0, T0.plusSeconds(60), 4, 2, 0.5);
        FailureBucket b = new FailureBucket(T0.plusSeconds(60), T0.plusSeconds(90), 2, 1, 0.5);
        vm.apply(r, reading(60, a, b));
        FailureBucket first = vm.failures().get(0);
        vm.chosenProperty().set(vm.withFailures().get(1));
        assertEquals(a, vm.chosenProperty().get());
        javafx.collections.ListChangeListener<FailureBucket> onlyLast = c -> {
            while (c.next()) {
                assertEquals(1, c.getFrom(), "only the last step changed");
            }
        };
        vm.failures().addListener(onlyLast);
        FailureBucket a2 = new FailureBucket(T0, T0.plusSeconds(60), 5, 3, 0.6);
        FailureBucket b2 = new FailureBucket(T0.plusSeconds(60), T0.plusSeconds(93), 3, 1, 0.33);
        vm.apply(r, reading(60, first, b2));
        assertSame(first, vm.failures().get(0));
        assertEquals(b2, vm.failures().get(1));
        assertEquals(a, vm.chosenProperty().get(), "the chosen step survives the refresh");
        vm.failures().removeListener(onlyLast);
        vm.apply(r, reading(60, a2, b2));
        assertEquals(a2, vm.chosenProperty().get(), "the chosen step follows its new numbers");
        vm.apply(r, reading(300, new FailureBucket(T0, T0.plusSeconds(300), 8, 4, 0.5)));
        assertEquals(null, vm.chosenProperty().get(), "another step length: other steps");
        assertEquals(1, vm.failures().size());
    }

    private static RolloutChartsViewModel.Reading reading(int step, FailureBucket... buckets) {
        return new RolloutChartsViewModel.Reading(new dev.patchbay.client.RolloutSeries(List.of(), List.of(buckets),
                0.05, null), step, "");
    }

    @Test
    void percentText() {
        assertEquals(1250, Percent.parse("12.5", "bps"));
        assertEquals(1250, Percent.parse(" 12,50 % ", "bps"));
        assertEquals(1, Percent.parse("0.01", "bps"));
        assertEquals(10000, Percent.parse("100", "bps"));
        assertEquals("bps", assertThrows(ValidationException.class, () -> Percent.parse("", "bps")).field());
        assertThrows(ValidationException.class, () -> Percent.parse("-1", "bps"));
        assertThrows(ValidationException.class, () -> Percent.parse("0.005", "bps"));
        assertThrows(ValidationException.class, () -> Percent.parse("1e2x", "bps"));
        assertEquals("12.5", Percent.text(1250));
        assertEquals("10", Percent.text(1000));
        assertEquals("0.01", Percent.text(1));
        assertEquals("0", Percent.text(0));
        assertEquals(2534, Percent.fromSlider(25.3371));
        assertEquals(10000, Percent.fromSlider(100.2));
    }

    @Test
    void durationText() {
        assertEquals(90, Durations.parse("90", "d"));
        assertEquals(1800, Durations.parse("30m", "d"));
        assertEquals(7200, Durations.parse("2H", "d"));
        assertEquals(172800, Durations.parse("2d", "d"));
        assertEquals("soak", assertThrows(ValidationException.class, () -> Durations.parse("1 week", "soak")).field());
        assertEquals("1d", Durations.text(86400));
        assertEquals("15m", Durations.text(900));
        assertEquals("61s", Durations.text(61));
        assertEquals("0s", Durations.text(0));
    }
}
