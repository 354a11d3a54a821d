package dev.patchbay.domain.rollout;

import dev.patchbay.domain.ValidationException;
import java.util.List;

/**
 * A staged plan: 1..10 stages with strictly increasing percentages, advanced by the server's supervisor when
 * {@code auto}, else by hand.
 */
public record RolloutPlan(boolean auto, List<RolloutStage> stages) {
    public static final int MAX_STAGES = 10;

    public RolloutPlan {
        if (stages == null || stages.isEmpty() || stages.size() > MAX_STAGES) {
            throw new ValidationException("plan.stages", "A plan has 1.." + MAX_STAGES + " stages, not "
                    + (stages == null ? 0 : stages.size()));
        }
        stages = List.copyOf(stages);
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).bps() <= stages.get(i - 1).bps()) {
                throw new ValidationException("plan.stages", "Stage percentages must increase: stage " + (i + 1)
                        + " (" + stages.get(i).bps() + " bps) is not above stage " + i + " ("
                        + stages.get(i - 1).bps() + " bps)");
            }
        }
    }

    /** The index of the last stage whose percentage is at most {@code bps}, or -1 when {@code bps} is below all. */
    public int stageFor(int bps) {
        int found = -1;
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).bps() <= bps) {
                found = i;
            }
        }
        return found;
    }
}
