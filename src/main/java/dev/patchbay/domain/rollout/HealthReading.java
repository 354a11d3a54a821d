package dev.patchbay.domain.rollout;

import java.time.Instant;

/**
 * One evaluation of a health policy: distinct devices that attempted the target and failed over the window, the
 * observed rate, its Wilson lower bound, the threshold, the verdict and a sentence with the numbers.
 */
public record HealthReading(Instant at, long attempts, long failures, double rate, double lowerBound, double threshold,
                            HealthVerdict verdict, String reason) {
}
