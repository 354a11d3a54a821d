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
    void failureBarsCarryRateInPercentAndTheirBucket() {
        FailureBucket a = new FailureBucket(T0, T0.plusSeconds(60), 40, 3, 0.075);
        FailureBucket b = new FailureBucket(T0.plusSeconds(60), T0.plusSeconds(120), 0, 0, 0);
        XYChart.Series<String, Number> s = RolloutCharts.failureRate(List.of(a, b), ZoneOffset.UTC);
        assertEquals(List.of("14:00", "14:01"), s.getData().stream().map(XYChart.Data::getXValue).toList());
        assertEquals(7.5, s.getData().get(0).getYValue().doubleValue(), 1e-9);
        assertSame(a, s.getData().get(0).getExtraValue());
        assertSame(b, s.getData().get(1).getExtraValue());
        // Steps of 10 s show seconds, so two bars never share a label.
        XYChart.Series<String, Number> fine = RolloutCharts.failureRate(List.of(
                new FailureBucket(T0.plusSeconds(10), T0.plusSeconds(20), 1, 1, 1.0)), ZoneOffset.UTC);
        assertEquals("14:00:10", fine.getData().get(0).getXValue());
        assertEquals("14:00:00 – 14:01:00: 3 of 40 devices failed (7.5 %)", RolloutCharts.describe(a, ZoneOffset.UTC));
    }

    @Test
    void stepKeepsChartsSmall() {
        assertEquals(10, RolloutCharts.step(T0, T0));
        assertEquals(10, RolloutCharts.step(T0, T0.plusSeconds(300)));
        assertEquals(60, RolloutCharts.step(T0, T0.plusSeconds(3600)));
        assertEquals(1440, RolloutCharts.step(T0, T0.plusSeconds(86_400)));
        assertEquals(20, RolloutCharts.step(T0, T0.plusSeconds(601)), "rounded up to a multiple of 10 s");
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
