package dev.patchbay.domain.rollout;

import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.ValidationException;

/**
 * One stage of a staged plan.
 *
 * @param bps            the percentage of this stage in basis points (1..10000)
 * @param minSoakSeconds how long the stage runs at least before the plan may advance
 * @param gate           {@code healthy}: advance only on a healthy verdict; {@code none}: soak time only
 */
public record RolloutStage(int bps, long minSoakSeconds, String gate) {
    public static final String GATE_HEALTHY = "healthy";
    public static final String GATE_NONE = "none";

    public RolloutStage {
        if (bps < 1 || bps > RolloutBucket.FULL) {
            throw new ValidationException("plan.stages", "A stage's percentage is 1..10000 basis points, not " + bps);
        }
        if (minSoakSeconds < 0 || minSoakSeconds > 90L * 86_400) {
            throw new ValidationException("plan.stages", "A stage's soak time is 0 s..90 days, not " + minSoakSeconds + " s");
        }
        gate = gate == null ? GATE_HEALTHY : gate;
        if (!gate.equals(GATE_HEALTHY) && !gate.equals(GATE_NONE)) {
            throw new ValidationException("plan.stages", "A stage's gate is 'healthy' or 'none', not '" + gate + "'");
        }
    }

    public boolean healthGate() {
        return gate.equals(GATE_HEALTHY);
    }
}
