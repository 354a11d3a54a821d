package dev.patchbay.client;

import java.util.List;

/** TEMP stub (i5-rollui) until i5-health lands. */
public record RolloutSeries(List<AdoptionPoint> adoption, List<FailureBucket> failures, double threshold) {
}
