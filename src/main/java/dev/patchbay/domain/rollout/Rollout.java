package dev.patchbay.domain.rollout;

import java.time.Instant;

/**
 * A staged rollout of one channel (docs/rollouts.md §1).
 *
 * @param stableBundle   the channel's bundle when the rollout started; null = the builtin assets
 * @param rollbackBundle the armed rollback release (stable content, higher sequence), or null
 * @param bps            the share of the channel's devices that get the target, in basis points
 * @param reason         why the last change happened
 * @param plan           the staged plan, or null
 * @param stageIndex     the plan stage the rollout is in, or null without a plan (or below the first stage)
 * @param health         the health policy, or null for none
 * @param lastHealth     the last evaluation of the health policy, or null
 * @param revision       increases with every change (optimistic concurrency)
 */
public record Rollout(String id, String appId, String channel, String stableBundle, String targetBundle,
                      String rollbackBundle, int bps, RolloutState state, String reason, RolloutPlan plan,
                      Integer stageIndex, Instant stageStartedAt, HealthPolicy health, HealthReading lastHealth,
                      Instant lastActionAt, long revision, Instant startedAt, String startedBy, Instant updatedAt,
                      Instant endedAt) {

    public boolean active() {
        return state != null && state.active();
    }

    /** The percentage as text: 1250 → "12.50 %". */
    public static String percent(int bps) {
        return String.format(java.util.Locale.ROOT, "%d.%02d %%", bps / 100, bps % 100);
    }
}
