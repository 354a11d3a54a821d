package dev.patchbay.client;

import java.time.Instant;

/** TEMP stub (i5-rollui) until i5-core lands. */
public record RolloutChange(Instant at, String actor, String action, String fromState, String toState, Integer fromBps,
                            int toBps, String reason) {
}
