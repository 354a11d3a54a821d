package dev.patchbay.client;

import java.time.Instant;

/** TEMP stub (i5-rollui) until i5-health lands. */
public record FailureBucket(Instant from, Instant to, long attempts, long failures, double rate) {
}
