package dev.patchbay.client;

import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.RolloutPlan;

/** TEMP stub (i5-rollui) until i5-core lands. */
public record RolloutStart(String targetBundle, Integer bps, RolloutPlan plan, HealthPolicy health, byte[] rollbackRelease,
                           String reason) {
}
