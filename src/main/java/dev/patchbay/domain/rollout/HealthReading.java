package dev.patchbay.domain.rollout;

import java.time.Instant;

/**
 * One evaluation of a health policy: distinct devices that attempted the target and failed over the window, the
 * observed rate, its Wilson lower bound, the threshold, the verdict and a sentence with the numbers; and the reports
 * about the target the server refused to count since the rollout started, by reason ({@code not_offered},
 * {@code address_limit}; ADR 0094).
 */
public record HealthReading(Instant at, long attempts, long failures, double rate, double lowerBound, double threshold,
                            HealthVerdict verdict, String reason, java.util.Map<String, Long> discarded) {
    public HealthReading {
        discarded = discarded == null ? java.util.Map.of() : java.util.Map.copyOf(discarded);
    }

    public HealthReading(Instant at, long attempts, long failures, double rate, double lowerBound, double threshold,
                         HealthVerdict verdict, String reason) {
        this(at, attempts, failures, rate, lowerBound, threshold, verdict, reason, null);
    }

    /**
     * The discarded reports in words, e.g. "60 reports not counted: 60 from devices never offered the target", or ""
     * when none were discarded.
     */
    public String discardedSummary() {
        long total = discardedTotal();
        if (total == 0) {
            return "";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        new java.util.TreeMap<>(discarded).forEach((reason, n) -> parts.add(n + " " + switch (reason) {
            case "not_offered" -> "from devices never offered the target";
            case "address_limit" -> "over their network address's share of devices";
            default -> reason.replace('_', ' ');
        }));
        return total + (total == 1 ? " report" : " reports") + " not counted: " + String.join(", ", parts);
    }

    /** All discarded reports. */
    public long discardedTotal() {
        return discarded.values().stream().mapToLong(Long::longValue).sum();
    }
}
