package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.patchbay.client.AdoptionPoint;
import dev.patchbay.client.FailureBucket;
import dev.patchbay.client.RolloutSeries;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.scene.shape.Path;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The rollout charts in a stage (headless): bars as wide as their minute on the time axis, the same bar nodes in the
 * same places after a refresh, a click opening that step's devices; adoption colours distinct and not red in both
 * themes.
 */
@ExtendWith(ApplicationExtension.class)
class RolloutChartsViewTest {
    static final Instant T0 = Instant.parse("2026-11-22T14:00:00Z");
    static final Rollout ROLLOUT = new Rollout("r1", "com.example.shop", "production", "1.0.0", "1.1.0", null, 1000,
            RolloutState.RUNNING, "why", null, null, null, null, null, null, 1L, T0, "alice", T0, null);

    private RolloutChartsViewModel vm;
    private final List<String> opened = new ArrayList<>();

    @Start
    void start(Stage stage) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        vm = new RolloutChartsViewModel(ZoneOffset.UTC);
        vm.setOpener((appId, rolloutId, from, to, label) -> opened.add(appId + " " + rolloutId + " " + from + " " + to
                + " " + label));
        Scene scene = new Scene((javafx.scene.Parent) new RolloutChartsView(vm).root(), 1000, 420);
        scene.getStylesheets().add(getClass().getResource("/dev/patchbay/console/console.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    @AfterAll
    static void lightAgain() {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
    }

    private static RolloutChartsViewModel.Reading reading(Instant now, long failuresInFirst) {
        List<FailureBucket> buckets = List.of(
                new FailureBucket(T0, T0.plusSeconds(60), 10, failuresInFirst, failuresInFirst / 10.0),
                new FailureBucket(T0.plusSeconds(60), T0.plusSeconds(120), 8, 0, 0),
                new FailureBucket(T0.plusSeconds(120), now, 4, 1, 0.25));
        List<AdoptionPoint> adoption = List.of(new AdoptionPoint(T0, 90, 10, 0),
                new AdoptionPoint(T0.plusSeconds(60), 80, 19, 1), new AdoptionPoint(T0.plusSeconds(120), 70, 28, 2));
        return new RolloutChartsViewModel.Reading(new RolloutSeries(adoption, buckets, 0.2, null), 60, "");
    }

    @Test
    void barsHaveRealWidthsStayInPlaceAndOpenTheirDevices(FxRobot robot) throws Exception {
        robot.interact(() -> vm.apply(ROLLOUT, reading(T0.plusSeconds(130), 3)));
        WaitForAsyncUtils.waitForFxEvents();
        List<Node> bars = onFx(() -> List.copyOf(robot.lookup(".failure-bar").queryAll()));
        assertEquals(3, bars.size());
        double w = onFx(() -> bars.get(0).getBoundsInParent().getWidth());
        double x0 = onFx(() -> bars.get(0).getBoundsInParent().getMinX());
        double x1 = onFx(() -> bars.get(1).getBoundsInParent().getMinX());
        // The axis holds 12 minutes: each minute's bar is a twelfth of the plot, side by side.
        double plot = onFx(() -> robot.lookup("#rollout-failure-chart .chart-plot-background").<Region>query().getWidth());
        assertEquals(plot / 12, x1 - x0, 1.0, "one minute apart");
        assertEquals(plot / 12 - 2, w, 1.0, "a minute wide, less the gaps");
        assertTrue(onFx(() -> bars.get(0).getPseudoClassStates().contains(FailureBarChart.OVER)), "30 % > 20 %");
        assertFalse(onFx(() -> bars.get(1).getPseudoClassStates().contains(FailureBarChart.OVER)), "0 %");

        // Three refreshes later (new numbers, the last step longer): the same nodes in the same places.
        for (int i = 0; i < 3; i++) {
            int n = i;
            robot.interact(() -> vm.apply(ROLLOUT, reading(T0.plusSeconds(133 + 3 * n), 4 + n)));
        }
        WaitForAsyncUtils.waitForFxEvents();
        List<Node> after = onFx(() -> List.copyOf(robot.lookup(".failure-bar").queryAll()));
        for (int i = 0; i < 3; i++) {
            assertSame(bars.get(i), after.get(i));
        }
        assertEquals(x0, onFx(() -> after.get(0).getBoundsInParent().getMinX()), 0.01);
        assertEquals(x1, onFx(() -> after.get(1).getBoundsInParent().getMinX()), 0.01);

        robot.clickOn(bars.get(0));
        assertEquals(List.of("com.example.shop r1 2026-11-22T14:00:00Z 2026-11-22T14:01:00Z failed 1.1.0 on production,"
                + " 14:00–14:01"), opened);
        robot.clickOn(bars.get(1));
        assertEquals(1, opened.size(), "a step without failures opens nothing");
    }

    @Test
    void perStageOneBarPerStageThatRanKeptInPlaceAndOpeningThatStagesDevices(FxRobot robot) throws Exception {
        RolloutStages.Span first = new RolloutStages.Span(1, 1000, 0, T0, T0.plusSeconds(600), false);
        RolloutStages.Span second = new RolloutStages.Span(2, 5000, 1, T0.plusSeconds(600), T0.plusSeconds(700), true);
        java.util.function.IntFunction<RolloutChartsViewModel.Reading> withStages = failed -> {
            RolloutChartsViewModel.Reading r = reading(T0.plusSeconds(700), 3);
            return new RolloutChartsViewModel.Reading(r.series(), r.step(), "", List.of(
                    RolloutStages.counted(ROLLOUT, first, 60, 1), RolloutStages.counted(ROLLOUT, second, 60, failed)));
        };
        assertTrue(onFx(() -> robot.lookup("#rollout-stage-chart").query().isVisible()) == false, "per time step first");
        robot.clickOn("#rollout-failures-by-stage");
        assertTrue(onFx(() -> vm.byStageProperty().get()));
        robot.interact(() -> vm.apply(ROLLOUT, withStages.apply(20)));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(onFx(() -> robot.lookup("#rollout-failure-chart").query().isVisible()));
        List<Node> bars = onFx(() -> robot.lookup("#rollout-stage-chart .chart-bar").queryAll().stream()
                .filter(n -> !n.getStyleClass().contains("bar-legend-symbol")).toList());
        assertEquals(2, bars.size());
        assertTrue(onFx(() -> bars.get(1).getPseudoClassStates().contains(StageFailuresView.FAILING)), "20 of 60");
        assertFalse(onFx(() -> bars.get(0).getPseudoClassStates().contains(StageFailuresView.FAILING)), "1 of 60");
        double x1 = onFx(() -> bars.get(1).getBoundsInParent().getMinX());
        assertTrue(onFx(() -> bars.get(1).getBoundsInParent().getWidth()) >= 40, "a bar a person can click");

        // The stage chosen for the keyboard and the bars survive refreshes with new numbers.
        robot.interact(() -> vm.chosenStageProperty().set(vm.stagesWithFailures().get(1)));
        for (int i = 0; i < 3; i++) {
            int n = i;
            robot.interact(() -> vm.apply(ROLLOUT, withStages.apply(21 + n)));
        }
        WaitForAsyncUtils.waitForFxEvents();
        List<Node> after = onFx(() -> robot.lookup("#rollout-stage-chart .chart-bar").queryAll().stream()
                .filter(n -> !n.getStyleClass().contains("bar-legend-symbol")).toList());
        assertSame(bars.get(0), after.get(0));
        assertSame(bars.get(1), after.get(1));
        assertEquals(x1, onFx(() -> after.get(1).getBoundsInParent().getMinX()), 0.01);
        assertEquals(23, onFx(() -> vm.chosenStageProperty().get().failures()));

        robot.clickOn(bars.get(1));
        assertEquals(List.of("com.example.shop r1 2026-11-22T14:10:00Z 2026-11-22T14:11:40Z failed 1.1.0 on production,"
                + " Stage 2 · 50 %"), opened);
        robot.clickOn("#rollout-failure-stage-devices");
        assertEquals(2, opened.size(), "Failed devices… opens the chosen stage");
        robot.clickOn("#rollout-failures-by-time");
        assertFalse(onFx(() -> vm.byStageProperty().get()));
        assertTrue(onFx(() -> robot.lookup("#rollout-failure-chart").query().isVisible()));
    }

    @Test
    void adoptionColoursAreDistinctAndNotRedInBothThemes(FxRobot robot) throws Exception {
        robot.interact(() -> vm.apply(ROLLOUT, reading(T0.plusSeconds(130), 3)));
        for (String theme : List.of(new PrimerLight().getUserAgentStylesheet(), new PrimerDark().getUserAgentStylesheet())) {
            robot.interact(() -> Application.setUserAgentStylesheet(theme));
            WaitForAsyncUtils.waitForFxEvents();
            Color stable = fill(robot, ".default-color0.chart-series-area-fill");
            Color target = fill(robot, ".default-color1.chart-series-area-fill");
            double hueGap = Math.abs(stable.getHue() - target.getHue());
            hueGap = Math.min(hueGap, 360 - hueGap);
            assertTrue(hueGap >= 60, theme + ": stable " + stable + " and target " + target + " are hard to tell apart");
            for (Color c : List.of(stable, target)) {
                assertFalse(c.getHue() < 30 || c.getHue() > 330, theme + ": " + c + " reads as an alarm");
            }
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static Color fill(FxRobot robot, String query) throws Exception {
        Paint p = onFx(() -> robot.lookup("#rollout-adoption-chart " + query).<Path>query().getFill());
        return (Color) p;
    }
}
