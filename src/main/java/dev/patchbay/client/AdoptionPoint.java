package dev.patchbay.client;

import java.time.Instant;

/** Devices on a rollout's channel at {@code at} by current bundle: the stable (or its rollback), the target, other. */
public record AdoptionPoint(Instant at, long stable, long target, long other) {
}
