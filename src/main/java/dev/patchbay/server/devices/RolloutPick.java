package dev.patchbay.server.devices;

import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutDecision;
import dev.patchbay.domain.rollout.RolloutState;

/**
 * Which bundle a channel's active rollout gives a device (docs/rollouts.md §2 steps 1–4): the device's bucket, whether
 * it is selected, and the bundle chosen (null = the builtin assets) before the rest of the rule chain. Built once per
 * update check of a channel with a rollout; words ({@link #decision}) only for the management API.
 *
 * @param bundle the chosen bundle; for {@link Why#KEPT} the one the device runs
 */
record RolloutPick(Rollout rollout, int bucket, boolean selected, String bundle, Why why) {
    enum Why {
        /** Running and selected: the target. */
        SELECTED,
        /** Running and selected, but the device rolled the target back: the stable, never the target again. */
        ROLLED_BACK,
        /** Not selected (or paused and not on the target): the stable. */
        STABLE,
        /** Paused: the device already runs the target and keeps it. */
        PAUSED_KEEPS,
        /** Left the selection after running something newer than the stable: the rollback release. */
        ROLLBACK,
        /** Left the selection after running something newer than the stable, and there is no rollback release. */
        KEPT
    }

    static RolloutPick of(DeviceCatalog.AppView app, Rollout r, String deviceId, String currentBundle,
                          Long currentSequence) {
        int bucket = RolloutBucket.of(r.id(), deviceId);
        boolean selected = bucket < r.bps();
        if (r.state() == RolloutState.RUNNING && selected && app.rolledBack(r.targetBundle(), deviceId)
                && !r.targetBundle().equals(currentBundle)) {
            return new RolloutPick(r, bucket, true, r.stableBundle(), Why.ROLLED_BACK);
        }
        if (r.state() == RolloutState.RUNNING && selected) {
            return new RolloutPick(r, bucket, true, r.targetBundle(), Why.SELECTED);
        }
        if (r.state() == RolloutState.PAUSED && r.targetBundle().equals(currentBundle)) {
            return new RolloutPick(r, bucket, selected, r.targetBundle(), Why.PAUSED_KEEPS);
        }
        if (r.stableBundle() != null && currentSequence != null) {
            DeviceCatalog.Release stable = app.releases().get(r.stableBundle());
            if (stable != null && currentSequence > stable.sequence()) {
                return r.rollbackBundle() != null
                        ? new RolloutPick(r, bucket, selected, r.rollbackBundle(), Why.ROLLBACK)
                        : new RolloutPick(r, bucket, selected, currentBundle, Why.KEPT);
            }
        }
        return new RolloutPick(r, bucket, selected, r.stableBundle(), Why.STABLE);
    }

    /** The message of the {@code rollout_kept} answer. */
    String keptMessage() {
        return "The device runs " + bundle + ", newer than the stable " + rollout.stableBundle() + " of rollout "
                + rollout.id() + " that it no longer belongs to; it keeps " + bundle + " because the rollout has no"
                + " rollback release (start it with the app's keys to return such devices)";
    }

    /** The rollout as the device page shows it, with the explanation in words. */
    RolloutDecision decision(Long currentSequence) {
        String share = Rollout.percent(rollout.bps());
        String cmp = selected ? "bucket " + bucket + " < " + rollout.bps() + " (" + share + "): selected"
                : "bucket " + bucket + " ≥ " + rollout.bps() + " (" + share + "): not selected";
        String stable = rollout.stableBundle() == null ? "the builtin assets" : "stable " + rollout.stableBundle();
        String text = switch (why) {
            case SELECTED -> cmp + ", gets " + rollout.targetBundle();
            case ROLLED_BACK -> cmp + ", but it rolled " + rollout.targetBundle() + " back: gets " + stable
                    + " and is not offered " + rollout.targetBundle() + " again";
            case STABLE -> rollout.state() == RolloutState.PAUSED
                    ? "rollout paused: no new device moves (" + cmp + "), gets " + stable
                    : cmp + ", gets " + stable;
            case PAUSED_KEEPS -> "rollout paused: keeps " + rollout.targetBundle() + ", which it already runs";
            case ROLLBACK -> (rollout.state() == RolloutState.PAUSED ? "rollout paused: " : "") + cmp
                    + ", but it ran a newer release (sequence " + currentSequence + "): gets the rollback release "
                    + rollout.rollbackBundle() + " (the content of " + rollout.stableBundle() + ")";
            case KEPT -> (rollout.state() == RolloutState.PAUSED ? "rollout paused: " : "") + cmp
                    + ", but it ran a newer release (sequence " + currentSequence + ") and the rollout has no rollback"
                    + " release: keeps " + bundle;
        };
        return new RolloutDecision(rollout.id(), rollout.channel(), rollout.state(), rollout.bps(), bucket, selected,
                rollout.targetBundle(), rollout.stableBundle(), bundle, text);
    }
}
