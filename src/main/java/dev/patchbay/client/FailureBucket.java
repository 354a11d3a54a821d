package dev.patchbay.client;

import java.time.Instant;

/** Distinct devices that tried the target in {@code [from, to)} and how many of them failed. */
public record FailureBucket(Instant from, Instant to, long attempts, long failures, double rate) {
}
