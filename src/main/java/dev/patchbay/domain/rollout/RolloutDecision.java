package dev.patchbay.domain.rollout;

/**
 * Why a device gets what it gets from a channel with a rollout (docs/rollouts.md §2): the rollout, the device's
 * bucket, whether it is selected, the bundle chosen (null = builtin) and an explanation in words.
 */
public record RolloutDecision(String id, String channel, RolloutState state, int bps, int bucket,
                              boolean selected, String targetBundle, String stableBundle, String bundle,
                              String explanation) {
}
