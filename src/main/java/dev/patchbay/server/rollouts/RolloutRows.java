package dev.patchbay.server.rollouts;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The rollout tables in SQL, inside a caller's transaction: reading and writing {@code rollouts} rows, the
 * {@code rollout_history} row and audit entry of every change, and the channel and bundle facts the verbs check.
 */
final class RolloutRows {
    private RolloutRows() {
    }

    static void update(Connection c, Rollout r, boolean restartHealth) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rollouts SET rollback_bundle = ?, bps = ?, state = ?,"
                + " reason = ?, plan_json = ?, stage_index = ?, stage_started_at = ?, health_json = ?,"
                + " health_since = CASE WHEN ? THEN ? ELSE health_since END, last_action_at = ?, revision = ?,"
                + " updated_at = ?, ended_at = ?, active_key = ? WHERE id = ?")) {
            ps.setString(1, r.rollbackBundle());
            ps.setInt(2, r.bps());
            ps.setString(3, r.state().wireName());
            ps.setString(4, r.reason());
            ps.setString(5, json(r.plan()));
            ps.setObject(6, r.stageIndex());
            ps.setObject(7, r.stageStartedAt() == null ? null : Database.utc(r.stageStartedAt()));
            ps.setString(8, json(r.health()));
            ps.setBoolean(9, restartHealth);
            ps.setObject(10, Database.utc(r.updatedAt()));
            ps.setObject(11, r.lastActionAt() == null ? null : Database.utc(r.lastActionAt()));
            ps.setLong(12, r.revision());
            ps.setObject(13, Database.utc(r.updatedAt()));
            ps.setObject(14, r.endedAt() == null ? null : Database.utc(r.endedAt()));
            ps.setString(15, r.active() ? activeKey(r.appId(), r.channel()) : null);
            ps.setString(16, r.id());
            ps.executeUpdate();
        }
    }

    static void history(Connection c, Instant now, Principal actor, String action, Rollout before,
                                Rollout after, String reason) throws SQLException {
        history(c, now, actor, action, before, after, reason, null);
    }

    static void history(Connection c, Instant now, Principal actor, String action, Rollout before,
                                Rollout after, String reason, String preflight) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_history(rollout_id, at, actor, action,"
                + " from_state, to_state, from_bps, to_bps, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, after.id());
            ps.setObject(2, Database.utc(now));
            ps.setString(3, actor.actor());
            ps.setString(4, action);
            ps.setString(5, before == null ? null : before.state().wireName());
            ps.setString(6, after.state().wireName());
            ps.setObject(7, before == null ? null : before.bps());
            ps.setInt(8, after.bps());
            ps.setString(9, reason);
            ps.executeUpdate();
        }
        StringBuilder detail = new StringBuilder("rollout=").append(after.id())
                .append(" target=").append(after.targetBundle())
                .append(" stable=").append(after.stableBundle() == null ? "builtin" : after.stableBundle());
        if (after.rollbackBundle() != null) {
            detail.append(" rollback=").append(after.rollbackBundle());
        }
        detail.append(" state=").append(before == null ? "" : before.state().wireName() + "->")
                .append(after.state().wireName())
                .append(" bps=").append(before == null ? "" : before.bps() + "->").append(after.bps())
                .append(" revision=").append(after.revision())
                .append(" reason=").append(reason);
        if (preflight != null) {
            detail.append(" preflight=").append(preflight);
        }
        AuditLog.record(c, now, actor, action, after.appId(), after.appId() + "/" + after.channel(), detail.toString());
    }

    /** The channel's bundle (null = builtin), or 404 naming the channel. */
    static String requireChannel(Connection c, String appId, String channel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT bundle_version FROM channels WHERE app_id = ? AND name = ?")) {
            ps.setString(1, appId);
            ps.setString(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ApiError(404, "not_found", "App '" + appId + "' has no channel named '" + channel + "'",
                            "channel");
                }
                return rs.getString(1);
            }
        }
    }

    static void setChannelBundle(Connection c, String appId, String channel, String bundle, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE channels SET bundle_version = ?, updated_at = ? WHERE app_id = ? AND name = ?")) {
            ps.setString(1, bundle);
            ps.setObject(2, Database.utc(now));
            ps.setString(3, appId);
            ps.setString(4, channel);
            ps.executeUpdate();
        }
    }

    static Long sequence(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sequence FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static Rollout findActive(Connection c, String appId, String channel, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE active_key = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, activeKey(appId, channel));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    static Rollout lastEnded(Connection c, String appId, String channel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE app_id = ? AND channel = ?"
                + " AND active_key IS NULL ORDER BY started_at DESC, id DESC FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, appId);
            ps.setString(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    static Rollout find(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    static String activeKey(String appId, String channel) {
        return appId + "/" + channel;
    }

    static Rollout read(ResultSet rs) throws SQLException {
        int stage = rs.getInt("stage_index");
        Integer stageIndex = rs.wasNull() ? null : stage;
        return new Rollout(rs.getString("id"), rs.getString("app_id"), rs.getString("channel"),
                rs.getString("stable_bundle"), rs.getString("target_bundle"), rs.getString("rollback_bundle"),
                rs.getInt("bps"), RolloutState.parse(rs.getString("state")), rs.getString("reason"),
                parse(rs.getString("plan_json"), RolloutPlan.class), stageIndex,
                Database.instant(rs.getObject("stage_started_at")),
                parse(rs.getString("health_json"), HealthPolicy.class),
                parse(rs.getString("last_health_json"), HealthReading.class),
                Database.instant(rs.getObject("last_action_at")), rs.getLong("revision"),
                Database.instant(rs.getObject("started_at")), Principal.displayActor(rs.getString("started_by")),
                Database.instant(rs.getObject("updated_at")), Database.instant(rs.getObject("ended_at")));
    }

    static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static <T> T parse(String text, Class<T> type) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("Stored " + type.getSimpleName() + " is not readable: " + e.getMessage(), e);
        }
    }
}
