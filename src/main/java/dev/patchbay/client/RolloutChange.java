package dev.patchbay.client;

import java.time.Instant;

/** One change of a rollout's history: who, which verb, state and percentage before and after, why. */
public record RolloutChange(Instant at, String actor, String action, String fromState, String toState, Integer fromBps,
                            int toBps, String reason) {
}
