package dev.patchbay.console.channels;

import dev.patchbay.client.RolloutChange;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutStage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The stages a rollout ran, read from its history: one stage per percentage it held, from the change that set it to
 * the next change of percentage (or the rollout's end, or now). A stage is named by the plan stage of that percentage
 * ("Stage 2 · 50 %"); a percentage set by hand outside the plan is named by its percentage alone.
 */
public final class RolloutStages {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_CLOCK = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ROOT);

    /**
     * One stage that ran.
     *
     * @param number    1, 2, … in the order they ran (the bar's place)
     * @param planStage the plan's stage index (0-based) of this percentage, or -1 when set by hand
     * @param open      whether it is still running (its counts still change)
     */
    public record Span(int number, int bps, int planStage, Instant from, Instant to, boolean open) {
        /** "Stage 2 · 50 %", or "25 %" for a percentage outside the plan. */
        public String label() {
            String percent = Rollout.percent(bps).replace(".00 %", " %");
            return planStage >= 0 ? "Stage " + (planStage + 1) + " · " + percent : percent;
        }
    }

    /** A stage with the distinct devices that tried the target in it, those that failed, and the policy's verdict. */
    public record StageFailures(Span span, long attempts, long failures, HealthVerdict verdict) {
        public double rate() {
            return attempts == 0 ? 0.0 : (double) failures / attempts;
        }
    }

    private RolloutStages() {
    }

    /** The stages {@code r} ran, oldest first, from its {@code history} (any order) up to {@code now}. */
    public static List<Span> spans(Rollout r, List<RolloutChange> history, Instant now) {
        List<Span> out = new ArrayList<>();
        if (r == null || r.startedAt() == null) {
            return out;
        }
        Instant end = r.endedAt() != null ? r.endedAt() : now;
        List<RolloutChange> changes = history.stream().filter(c -> c.at() != null)
                .sorted(Comparator.comparing(RolloutChange::at)).toList();
        Integer bps = null;
        Instant from = r.startedAt();
        int lastPlan = -1;
        for (RolloutChange c : changes) {
            if (bps == null) {
                bps = c.toBps();
                continue;
            }
            boolean ends = c.toState() != null && !c.toState().equals("running") && !c.toState().equals("paused");
            if (ends || c.toBps() == bps) {
                continue;
            }
            lastPlan = planStage(r, bps, lastPlan);
            out.add(new Span(out.size() + 1, bps, lastPlan, from, c.at().isAfter(end) ? end : c.at(), false));
            bps = c.toBps();
            from = c.at();
        }
        int current = bps == null ? r.bps() : bps;
        out.add(new Span(out.size() + 1, current, planStage(r, current, lastPlan), from, end.isBefore(from) ? from : end,
                r.endedAt() == null));
        return out;
    }

    /** The plan stage with {@code bps}: the first at or after the one before, else any; -1 when none. */
    static int planStage(Rollout r, int bps, int after) {
        if (r.plan() == null) {
            return -1;
        }
        List<RolloutStage> stages = r.plan().stages();
        for (int i = Math.max(0, after); i < stages.size(); i++) {
            if (stages.get(i).bps() == bps) {
                return i;
            }
        }
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).bps() == bps) {
                return i;
            }
        }
        return -1;
    }

    /** The verdict of the rollout's policy (or the default one) on a stage's counts. */
    public static StageFailures counted(Rollout r, Span s, long attempts, long failures) {
        HealthPolicy p = r.health() == null ? HealthPolicy.DEFAULT : r.health();
        return new StageFailures(s, attempts, failures, p.verdict(failures, attempts));
    }

    /** "Stage 2 · 50 %, 14:05–14:20: 3 of 40 devices failed (7.5 %), failing" */
    public static String describe(StageFailures f, ZoneId zone) {
        Span s = f.span();
        DateTimeFormatter fmt = java.time.Duration.between(s.from(), s.to()).toHours() >= 20 ? DAY_CLOCK : CLOCK;
        return s.label() + ", " + fmt.format(s.from().atZone(zone)) + "–" + (s.open() ? "now" : fmt.format(s.to()
                .atZone(zone))) + ": " + f.failures() + " of " + f.attempts() + " devices failed ("
                + String.format(Locale.ROOT, "%.1f %%", f.rate() * 100) + "), " + verdictText(f.verdict());
    }

    /** "healthy", "failing", "too few devices to judge". */
    public static String verdictText(HealthVerdict v) {
        return switch (v) {
            case HEALTHY -> "healthy";
            case FAILING -> "failing";
            case INSUFFICIENT -> "too few devices to judge";
        };
    }
}
