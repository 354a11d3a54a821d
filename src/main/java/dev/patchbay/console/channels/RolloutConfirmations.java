package dev.patchbay.console.channels;

import dev.patchbay.console.common.Times;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;

/**
 * What a rollout's confirmation dialogs and its health line say: the effect of the verb and, for the verbs that send
 * the target to more devices (raise, resume, advance, promote), the current health reading, with a warning when it is
 * failing — so nobody raises a failing rollout without being told.
 */
final class RolloutConfirmations {
    private RolloutConfirmations() {
    }

    /** What the confirmation dialog of {@code a} says will happen, for {@code requestedBps} when it sets the share. */
    static String text(RolloutViewModel.Action a, Rollout r, int requestedBps) {
        if (r == null) {
            return "";
        }
        String stable = r.stableBundle() == null ? "the builtin assets" : r.stableBundle();
        String target = r.targetBundle();
        boolean raise = a == RolloutViewModel.Action.SET && requestedBps > r.bps();
        String effect = switch (a) {
            case SET -> !raise
                    ? "Lower the share on " + target + " from " + Rollout.percent(r.bps()) + " to "
                    + Rollout.percent(requestedBps) + ". Devices that leave the selection go back to " + stable
                    + (r.stableBundle() == null || r.rollbackBundle() != null ? "" : " only with a rollback release;"
                    + " without one they keep " + target) + "."
                    : "Raise the share on " + target + " from " + Rollout.percent(r.bps()) + " to "
                    + Rollout.percent(requestedBps) + "." + (r.plan() == null ? ""
                    : " The plan continues from the last stage at or below the new value.");
            case PAUSE -> "No new device moves to " + target + "; devices already on it keep it.";
            case RESUME -> "Devices selected at " + Rollout.percent(r.bps()) + " move to " + target
                    + " again; the health window starts now.";
            case ADVANCE -> {
                int next = RolloutViewModel.nextStage(r);
                yield next < 0 ? "" : "Go to stage " + (next + 1) + " (" + Rollout.percent(r.plan().stages().get(next)
                        .bps()) + ") now, without waiting for the soak time or the health gate.";
            }
            case ROLLBACK -> "The rollout ends and channel " + r.channel() + " serves " + stable
                    + (r.stableBundle() == null ? "" : " (as its rollback release)") + " to every device, also those on "
                    + target + ".";
            case PROMOTE -> "The rollout ends and channel " + r.channel() + " serves " + target + " to every device.";
        };
        boolean widens = raise || a == RolloutViewModel.Action.RESUME || a == RolloutViewModel.Action.ADVANCE
                || a == RolloutViewModel.Action.PROMOTE;
        if (!widens || effect.isEmpty()) {
            return effect;
        }
        HealthReading h = r.lastHealth();
        if (h == null) {
            return effect + "\n\nHealth: not evaluated yet.";
        }
        String reading = "Health " + h.verdict().wireName() + " (" + Times.format(h.at()) + "): " + h.reason();
        return h.verdict() == HealthVerdict.FAILING
                ? "⚠ This rollout is failing. " + effect + "\n\n" + reading
                : effect + "\n\n" + reading;
    }

    /** The rollout panel's health line. */
    static String healthLine(Rollout r) {
        if (r == null) {
            return "";
        }
        if (r.health() == null && r.lastHealth() == null) {
            return "No health policy.";
        }
        HealthReading h = r.lastHealth();
        return h == null ? "Health: not evaluated yet."
                : "Health " + h.verdict().wireName() + " (" + Times.format(h.at()) + "): " + h.reason()
                + (r.health() == null ? " (no health policy: nothing acts on it)" : "")
                + (h.discardedTotal() == 0 ? "" : "\n" + h.discardedSummary());
    }
}
