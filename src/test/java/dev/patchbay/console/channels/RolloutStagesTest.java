package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.patchbay.client.RolloutChange;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stages a rollout ran, from its history: one per percentage held, named by the plan. */
class RolloutStagesTest {
    static final Instant T0 = Instant.parse("2026-11-22T14:00:00Z");

    static Rollout rollout(int bps, RolloutState state, Instant ended, RolloutPlan plan, HealthPolicy health) {
        return new Rollout("r1", "com.example.shop", "production", "1.0.0", "1.1.0", null, bps, state, "why", plan, 1,
                T0, health, null, null, 3L, T0, "alice", T0, ended);
    }

    static RolloutChange change(int minutes, String action, String to, Integer fromBps, int toBps) {
        return new RolloutChange(T0.plusSeconds(60L * minutes), "alice", action, null, to, fromBps, toBps, "why");
    }

    @Test
    void oneStagePerPercentageHeldNamedByThePlanPausesAndEndsDoNotStartOne() {
        RolloutPlan plan = new RolloutPlan(false, List.of(new RolloutStage(1000, 0, "healthy"),
                new RolloutStage(5000, 0, "healthy"), new RolloutStage(10_000, 0, "none")));
        List<RolloutChange> history = List.of(
                change(30, "rollout.set", "running", 5000, 2500),          // by hand, outside the plan
                change(0, "rollout.start", "running", null, 1000),
                change(10, "rollout.advance", "running", 1000, 5000),
                change(12, "rollout.pause", "paused", 5000, 5000),
                change(20, "rollout.resume", "running", 5000, 5000),
                change(40, "rollout.promote", "completed", 2500, 10_000));
        List<RolloutStages.Span> spans = RolloutStages.spans(rollout(10_000, RolloutState.COMPLETED,
                T0.plusSeconds(2400), plan, null), history, T0.plusSeconds(9999));
        assertEquals(List.of("Stage 1 · 10 %", "Stage 2 · 50 %", "25 %"),
                spans.stream().map(RolloutStages.Span::label).toList());
        assertEquals(List.of(T0, T0.plusSeconds(600), T0.plusSeconds(1800)),
                spans.stream().map(RolloutStages.Span::from).toList());
        assertEquals(List.of(T0.plusSeconds(600), T0.plusSeconds(1800), T0.plusSeconds(2400)),
                spans.stream().map(RolloutStages.Span::to).toList(), "the last stage ends with the rollout");
        assertEquals(List.of(false, false, false), spans.stream().map(RolloutStages.Span::open).toList());

        // Still running: the last stage runs until now, and is open (its counts still change).
        List<RolloutStages.Span> running = RolloutStages.spans(rollout(5000, RolloutState.RUNNING, null, plan, null),
                history.subList(1, 5), T0.plusSeconds(900));
        assertEquals(2, running.size());
        assertEquals(T0.plusSeconds(900), running.get(1).to());
        assertEquals(true, running.get(1).open());
    }

    @Test
    void theVerdictIsTheRolloutsPolicyOnTheStagesCounts() {
        HealthPolicy p = new HealthPolicy(3600L, 0.05, 0.95, 10L, 2L, 900L, null);
        Rollout r = rollout(1000, RolloutState.RUNNING, null, null, p);
        RolloutStages.Span s = RolloutStages.spans(r, List.of(change(0, "rollout.start", "running", null, 1000)),
                T0.plusSeconds(300)).get(0);
        assertEquals("10 %", s.label());
        assertEquals(HealthVerdict.INSUFFICIENT, RolloutStages.counted(r, s, 9, 9).verdict());
        assertEquals(HealthVerdict.FAILING, RolloutStages.counted(r, s, 40, 10).verdict());
        assertEquals(HealthVerdict.HEALTHY, RolloutStages.counted(r, s, 40, 1).verdict());
        assertEquals("10 %, 14:00–now: 10 of 40 devices failed (25.0 %), failing",
                RolloutStages.describe(RolloutStages.counted(r, s, 40, 10), ZoneOffset.UTC));
    }
}
