package dev.patchbay.client;

import java.util.List;

/**
 * A rollout's charts (docs/rollouts.md §5): the channel's devices by bundle over time, the target's failures per
 * step (distinct devices), and the health policy's threshold.
 */
public record RolloutSeries(List<AdoptionPoint> adoption, List<FailureBucket> failures, double threshold,
                            java.util.Map<String, Long> discarded) {
    public RolloutSeries {
        adoption = adoption == null ? List.of() : List.copyOf(adoption);
        failures = failures == null ? List.of() : List.copyOf(failures);
        discarded = discarded == null ? java.util.Map.of() : java.util.Map.copyOf(discarded);
    }
}
