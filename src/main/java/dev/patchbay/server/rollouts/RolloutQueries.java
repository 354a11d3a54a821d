package dev.patchbay.server.rollouts;

import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The reads of the rollouts API and the supervisor: nothing here writes. */
final class RolloutQueries {
    private final Database db;

    RolloutQueries(Database db) {
        this.db = db;
    }

    /** The channel's active rollout, else its last ended one, else 404 naming {@code rollout}. */
    Rollout current(String appId, String channel) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            RolloutRows.requireChannel(c, appId, channel);
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE app_id = ? AND channel = ?"
                    + " ORDER BY CASE WHEN active_key IS NULL THEN 1 ELSE 0 END, started_at DESC, id DESC"
                    + " FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, appId);
                ps.setString(2, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ApiError(404, "not_found", "Channel '" + channel + "' of app '" + appId
                                + "' has no rollout", "rollout");
                    }
                    return RolloutRows.read(rs);
                }
            }
        });
    }

    /** A page of the app's rollouts, newest first; {@code state} active, ended or all. */
    List<Rollout> list(String appId, String state, int limit, String after) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            StringBuilder sql = new StringBuilder("SELECT * FROM rollouts WHERE app_id = ?");
            if (state.equals("active")) {
                sql.append(" AND active_key IS NOT NULL");
            } else if (state.equals("ended")) {
                sql.append(" AND active_key IS NULL");
            }
            Instant afterAt = null;
            if (after != null) {
                Rollout a = RolloutRows.find(c, after, false);
                if (a == null || !a.appId().equals(appId)) {
                    throw ApiError.badRequest("invalid_field", "Query parameter 'after' must be a rollout id of app '"
                            + appId + "' (the 'next' of a previous page)", "after");
                }
                afterAt = a.startedAt();
                sql.append(" AND (started_at < ? OR (started_at = ? AND id < ?))");
            }
            sql.append(" ORDER BY started_at DESC, id DESC FETCH FIRST ").append(limit).append(" ROWS ONLY");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setString(1, appId);
                if (afterAt != null) {
                    ps.setObject(2, Database.utc(afterAt));
                    ps.setObject(3, Database.utc(afterAt));
                    ps.setString(4, after);
                }
                List<Rollout> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(RolloutRows.read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Every change of the rollout, oldest first; 404 if the app has no such rollout. */
    List<RolloutService.Change> history(String appId, String rolloutId) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            Rollout r = RolloutRows.find(c, rolloutId, false);
            if (r == null || !r.appId().equals(appId)) {
                throw ApiError.notFound("App '" + appId + "' has no rollout '" + rolloutId + "'");
            }
            List<RolloutService.Change> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM rollout_history WHERE rollout_id = ? ORDER BY at, id")) {
                ps.setString(1, rolloutId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int fromBps = rs.getInt("from_bps");
                        Integer from = rs.wasNull() ? null : fromBps;
                        out.add(new RolloutService.Change(Database.instant(rs.getObject("at")), Principal.displayActor(rs.getString("actor")),
                                rs.getString("action"), rs.getString("from_state"), rs.getString("to_state"), from,
                                rs.getInt("to_bps"), rs.getString("reason")));
                    }
                }
            }
            return out;
        });
    }

    List<Rollout> active() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM rollouts WHERE active_key IS NOT NULL ORDER BY started_at, id")) {
                List<Rollout> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(RolloutRows.read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The active rollouts of one app by channel (inside a caller's transaction; the device catalog). */
    static Map<String, Rollout> activeIn(Connection c, String appId) throws SQLException {
        Map<String, Rollout> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM rollouts WHERE app_id = ? AND active_key IS NOT NULL")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Rollout r = RolloutRows.read(rs);
                    out.put(r.channel(), r);
                }
            }
        }
        return out;
    }
}
