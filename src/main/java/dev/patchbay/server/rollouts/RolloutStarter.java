package dev.patchbay.server.rollouts;

import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.Database;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Starting a rollout (docs/rollouts.md §1): checks the target against the channel's stable bundle, arms the optional
 * rollback release, and inserts the rollout with its first history row; the unique {@code active_key} keeps one
 * active rollout per channel.
 */
final class RolloutStarter {
    private final Database db;
    private final Clock clock;
    private final RollbackReleaseStore releases;
    private final SecureRandom random = new SecureRandom();

    RolloutStarter(Database db, Clock clock, RollbackReleaseStore releases) {
        this.db = db;
        this.clock = clock;
        this.releases = releases;
    }

    Rollout start(Principal actor, String appId, String channel, RolloutService.Start s) {
        String reason = RolloutService.reason(s.reason());
        if (s.targetBundle() == null || s.targetBundle().isBlank()) {
            throw ApiError.validation("targetBundle", "Field 'targetBundle' is required: the bundle version to roll out");
        }
        String target = s.targetBundle().strip();
        Instant now = clock.instant();
        int bps;
        Integer stageIndex = null;
        Instant stageStartedAt = null;
        if (s.bps() != null) {
            bps = RolloutService.bps(s.bps());
            if (s.plan() != null) {
                int i = s.plan().stageFor(bps);
                stageIndex = i < 0 ? null : i;
                stageStartedAt = now;
            }
        } else if (s.plan() != null) {
            bps = s.plan().stages().get(0).bps();
            stageIndex = 0;
            stageStartedAt = now;
        } else {
            bps = 0;
        }
        int startBps = bps;
        Integer startStage = stageIndex;
        Instant startStageAt = stageStartedAt;
        RollbackReleaseStore.Verified rollbackRelease = s.rollbackRelease() == null ? null
                : releases.verify(appId, s.rollbackRelease());
        Rollout started = db.inTransaction(c -> {
            AppStore.require(c, appId);
            String stable = RolloutRows.requireChannel(c, appId, channel);
            Rollout existing = RolloutRows.findActive(c, appId, channel, true);
            if (existing != null) {
                throw ApiError.conflict("Channel '" + channel + "' already has an active rollout (" + existing.id()
                        + ", " + existing.state().wireName() + " at " + Rollout.percent(existing.bps())
                        + " of " + existing.targetBundle() + "); promote or roll it back first", "rollout");
            }
            Long targetSeq = RolloutRows.sequence(c, appId, target);
            if (targetSeq == null) {
                throw new ApiError(404, "not_found", "App '" + appId + "' has no bundle version '" + target + "'",
                        "targetBundle");
            }
            if (target.equals(stable)) {
                throw ApiError.validation("targetBundle", "Channel '" + channel + "' already serves " + target
                        + "; roll out a newer bundle");
            }
            if (stable != null) {
                long stableSeq = RolloutRows.sequence(c, appId, stable);
                if (targetSeq <= stableSeq) {
                    throw ApiError.conflict("Bundle " + target + " has sequence " + targetSeq + ", not above the"
                            + " sequence " + stableSeq + " of " + stable + " that channel '" + channel
                            + "' serves; devices would refuse it", "targetBundle");
                }
            }
            String rollbackBundle = null;
            if (rollbackRelease != null) {
                if (stable == null) {
                    throw ApiError.validation("rollbackRelease", "Channel '" + channel + "' serves the builtin"
                            + " assets; rolling back to them needs no rollback release");
                }
                rollbackBundle = releases.store(c, actor, appId, stable, rollbackRelease, now);
            } else if (stable != null && s.health() != null && s.health().action() == HealthAction.ROLLBACK) {
                throw ApiError.validation("rollbackRelease", "The health action 'rollback' needs a rollback release"
                        + " of " + stable + " (start the rollout with the app's keys)");
            }
            String id = newId();
            Rollout r = new Rollout(id, appId, channel, stable, target, rollbackBundle, startBps, RolloutState.RUNNING,
                    reason, s.plan(), startStage, startStageAt, s.health(), null, null, 1, now, actor.actor(), now,
                    null);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollouts(id, app_id, channel, stable_bundle,"
                    + " target_bundle, rollback_bundle, bps, state, reason, plan_json, stage_index, stage_started_at,"
                    + " health_json, last_health_json, health_since, last_action_at, revision, started_at, started_by,"
                    + " updated_at, ended_at, active_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL,"
                    + " ?, ?, ?, ?, NULL, ?)")) {
                ps.setString(1, id);
                ps.setString(2, appId);
                ps.setString(3, channel);
                ps.setString(4, stable);
                ps.setString(5, target);
                ps.setString(6, rollbackBundle);
                ps.setInt(7, startBps);
                ps.setString(8, r.state().wireName());
                ps.setString(9, reason);
                ps.setString(10, RolloutRows.json(s.plan()));
                ps.setObject(11, startStage);
                ps.setObject(12, startStageAt == null ? null : Database.utc(startStageAt));
                ps.setString(13, RolloutRows.json(s.health()));
                ps.setObject(14, Database.utc(now));
                ps.setLong(15, 1);
                ps.setObject(16, Database.utc(now));
                ps.setString(17, actor.actor());
                ps.setObject(18, Database.utc(now));
                ps.setString(19, RolloutRows.activeKey(appId, channel));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Database.isDuplicate(e)) {
                    throw ApiError.conflict("Channel '" + channel + "' already has an active rollout", "rollout");
                }
                throw e;
            }
            RolloutRows.history(c, now, actor, "rollout.start", null, r, reason, s.preflight());
            return r;
        });
        return started;
    }

    private String newId() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
