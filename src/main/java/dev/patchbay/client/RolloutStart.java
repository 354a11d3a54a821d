package dev.patchbay.client;

import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.RolloutPlan;

/**
 * What starts a rollout (docs/rollouts.md §5).
 *
 * @param bps             the first percentage in basis points; null = the plan's first stage, or 0
 * @param plan            the staged plan, or null
 * @param health          the health policy, or null
 * @param rollbackRelease the signed envelope JSON of the rollback release (§3), or null
 * @param preflight       one line saying how the preflight run before the start went (kept in the audit log), or null
 */
public record RolloutStart(String targetBundle, Integer bps, RolloutPlan plan, HealthPolicy health,
                           byte[] rollbackRelease, String reason, String preflight) {
    /** A start without a preflight note. */
    public RolloutStart(String targetBundle, Integer bps, RolloutPlan plan, HealthPolicy health, byte[] rollbackRelease,
                        String reason) {
        this(targetBundle, bps, plan, health, rollbackRelease, reason, null);
    }

    /** The same start carrying {@code note} as its preflight note. */
    public RolloutStart withPreflight(String note) {
        return new RolloutStart(targetBundle, bps, plan, health, rollbackRelease, reason, note);
    }
}
