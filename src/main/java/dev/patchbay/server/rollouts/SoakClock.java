package dev.patchbay.server.rollouts;

import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * A stage's soak time does not run while the rollout is paused (docs/rollouts.md §3): on resume the stage's start
 * moves later by the time spent paused, so the soak left is what it was when the pause began.
 */
final class SoakClock {
    private SoakClock() {
    }

    /** {@code resumed} (the rollout after its resume) with its stage start moved by the pause that ends at {@code now}. */
    static Rollout afterPause(Connection c, Rollout resumed, Instant now) throws SQLException {
        if (resumed.stageStartedAt() == null) {
            return resumed;
        }
        Instant pausedAt = pausedAt(c, resumed.id());
        if (pausedAt == null || pausedAt.isAfter(now)) {
            return resumed;
        }
        // A stage started while paused (advanced by hand) soaked none of the pause either.
        Instant from = pausedAt.isBefore(resumed.stageStartedAt()) ? resumed.stageStartedAt() : pausedAt;
        Instant start = resumed.stageStartedAt().plus(Duration.between(from, now));
        return new Rollout(resumed.id(), resumed.appId(), resumed.channel(), resumed.stableBundle(),
                resumed.targetBundle(), resumed.rollbackBundle(), resumed.bps(), resumed.state(), resumed.reason(),
                resumed.plan(), resumed.stageIndex(), start, resumed.health(), resumed.lastHealth(),
                resumed.lastActionAt(), resumed.revision(), resumed.startedAt(), resumed.startedBy(),
                resumed.updatedAt(), resumed.endedAt());
    }

    /** When the rollout last became paused (its history), or null. */
    static Instant pausedAt(Connection c, String rolloutId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(at) FROM rollout_history WHERE rollout_id = ?"
                + " AND to_state = 'paused' AND (from_state IS NULL OR from_state <> 'paused')")) {
            ps.setString(1, rolloutId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null ? Database.instant(rs.getObject(1)) : null;
            }
        }
    }
}
