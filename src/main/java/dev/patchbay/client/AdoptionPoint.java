package dev.patchbay.client;

import java.time.Instant;

/** TEMP stub (i5-rollui) until i5-health lands. */
public record AdoptionPoint(Instant at, long stable, long target, long other) {
}
