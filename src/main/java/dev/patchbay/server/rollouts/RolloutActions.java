package dev.patchbay.server.rollouts;

import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.http.Principal;
import java.util.List;

/**
 * What the rollout supervisor (health policy, staged plans) may do to rollouts: the same verbs as the management API,
 * with a system actor, each in one transaction with its audit entry and history row (docs/rollouts.md §4, §5).
 * Implemented by {@code RolloutService}. A verb whose {@code expectedRevision} no longer matches throws
 * {@code ApiError.conflict(..., "revision")}; the supervisor then re-reads on its next tick.
 */
public interface RolloutActions {
    /** The system actors of the audit log. */
    Principal HEALTH_POLICY = new Principal("system", "health-policy");
    Principal PLAN = new Principal("system", "plan");

    /** Every running or paused rollout of every app. */
    List<Rollout> active();

    Rollout pause(Principal actor, String appId, String channel, String reason, Long expectedRevision);

    /** Rolls back with the armed rollback release (or to the builtin); {@code rollbackRelease} may carry a new one. */
    Rollout rollback(Principal actor, String appId, String channel, String reason, byte[] rollbackRelease,
                     Long expectedRevision);

    /** Moves to the next plan stage (bps and stage index, stage start = now). */
    Rollout advance(Principal actor, String appId, String channel, String reason, Long expectedRevision);

    /** The target becomes the channel's bundle; state completed. */
    Rollout promote(Principal actor, String appId, String channel, String reason, Long expectedRevision);

    /**
     * Stores the latest health reading on the rollout (no history row, no revision change); when {@code actionTaken},
     * also sets {@code lastActionAt} = the reading's time.
     */
    void recordHealth(String rolloutId, HealthReading reading, boolean actionTaken);

    /** The {@code notify} action: an audit entry {@code rollout.health.notify} with the reason, nothing else changes. */
    void notify(Principal actor, String rolloutId, String reason);
}
