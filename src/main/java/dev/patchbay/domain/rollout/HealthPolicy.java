package dev.patchbay.domain.rollout;

import dev.patchbay.domain.ValidationException;

/**
 * When a rollout is unhealthy (docs/rollouts.md §4): over the last {@code windowSeconds}, the Wilson lower bound (at
 * {@code confidence}) of the failure rate above {@code threshold}, with at least {@code minAttempts} attempts and
 * {@code minFailures} failures; then {@code action}, at most once per {@code cooldownSeconds}. Null fields of the
 * JSON form take the defaults of {@link #DEFAULT}.
 */
public record HealthPolicy(Long windowSeconds, Double threshold, Double confidence, Long minAttempts, Long minFailures,
                           Long cooldownSeconds, HealthAction action) {
    public static final HealthPolicy DEFAULT = new HealthPolicy(3600L, 0.05, 0.95, 50L, 5L, 900L, HealthAction.PAUSE);

    public HealthPolicy {
        windowSeconds = windowSeconds == null ? 3600L : windowSeconds;
        threshold = threshold == null ? 0.05 : threshold;
        confidence = confidence == null ? 0.95 : confidence;
        minAttempts = minAttempts == null ? 50L : minAttempts;
        minFailures = minFailures == null ? 5L : minFailures;
        cooldownSeconds = cooldownSeconds == null ? 900L : cooldownSeconds;
        action = action == null ? HealthAction.PAUSE : action;
        if (windowSeconds < 10 || windowSeconds > 30L * 86_400) {
            throw new ValidationException("health.windowSeconds", "The health window is 10 s..30 days, not "
                    + windowSeconds + " s");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new ValidationException("health.threshold", "The failure threshold is a rate between 0 and 1"
                    + " (0.05 = 5 %), not " + threshold);
        }
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new ValidationException("health.confidence", "The confidence is 0.5..0.999, not " + confidence);
        }
        if (minAttempts < 1 || minFailures < 0 || minFailures > minAttempts) {
            throw new ValidationException("health.minAttempts", "Minimum attempts must be ≥ 1 and minimum failures"
                    + " 0..minimum attempts (got " + minAttempts + " and " + minFailures + ")");
        }
        if (cooldownSeconds < 0 || cooldownSeconds > 7L * 86_400) {
            throw new ValidationException("health.cooldownSeconds", "The cooldown is 0 s..7 days, not "
                    + cooldownSeconds + " s");
        }
    }

    /**
     * The verdict of §4 for distinct devices over a window: too few attempts to say, or failing when the Wilson lower
     * bound of the rate is above the threshold with at least the minimum failures, else healthy.
     */
    public HealthVerdict verdict(long failures, long attempts) {
        if (attempts < minAttempts) {
            return HealthVerdict.INSUFFICIENT;
        }
        double lower = dev.patchbay.domain.WilsonBound.lower(Math.min(failures, attempts), attempts, confidence);
        return lower > threshold && failures >= minFailures ? HealthVerdict.FAILING : HealthVerdict.HEALTHY;
    }
}
