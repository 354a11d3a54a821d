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
 */
public record RolloutStart(String targetBundle, Integer bps, RolloutPlan plan, HealthPolicy health,
                           byte[] rollbackRelease, String reason) {
}
