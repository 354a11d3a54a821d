package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SQL of device state (device-protocol §4), for the device endpoints and the management API. */
final class DeviceStore {
    /** Timeline action of an update check answered by the server. */
    static final String CHECK_ACTION = "update_check";

    private DeviceStore() {
    }

    static String cut(String s, int max) {
        return DeviceFields.cut(s, max);
    }

    /** Creates the device row if missing and marks it seen. */
    static void touch(Connection c, String appId, String deviceId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE devices SET last_seen = ?, change_seq = " + DeviceChangeLog.NEXT + " WHERE app_id = ? AND device_id = ?")) {
            ps.setObject(1, Database.utc(now));
            ps.setString(2, appId);
            ps.setString(3, deviceId);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices(app_id, device_id, first_seen, last_seen, change_seq) VALUES (?, ?, ?, ?, "
                        + DeviceChangeLog.NEXT + ")")) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            ps.setObject(3, Database.utc(now));
            ps.setObject(4, Database.utc(now));
            ps.executeUpdate();
        }
    }

    static boolean exists(Connection c, String appId, String deviceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM devices WHERE app_id = ? AND device_id = ?")) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Event ids among {@code ids} already stored for the device. */
    static Set<String> seen(Connection c, String appId, String deviceId, List<String> ids) throws SQLException {
        Set<String> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        StringBuilder sql = new StringBuilder(
                "SELECT event_id FROM device_events WHERE app_id = ? AND device_id = ? AND event_id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(3 + i, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static void insertEvents(Connection c, String appId, String deviceId, List<StatsApi.Event> events, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id, event_id, action,"
                + " bundle, old_bundle, device_at, received_at, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StatsApi.Event e : events) {
                ps.setString(1, appId);
                ps.setString(2, deviceId);
                ps.setString(3, e.id());
                ps.setString(4, e.action());
                ps.setString(5, e.bundle());
                ps.setString(6, e.oldBundle());
                ps.setString(7, e.at());
                ps.setObject(8, Database.utc(now));
                ps.setString(9, e.details().isEmpty() ? null : json(e.details()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Applies what an event says about the device's bundles (device-protocol §4). */
    static void apply(Connection c, String appId, String deviceId, StatsApi.Event e, Instant now) throws SQLException {
        String b = e.bundle();
        String reason = e.details().get("reason");
        switch (e.action()) {
            case "download_start" -> bundle(c, appId, deviceId, b, "downloading", 0, null, now);
            case "download_progress" -> bundle(c, appId, deviceId, b, "downloading", percent(e.details().get("percent")),
                    null, now);
            case "download_complete" -> bundle(c, appId, deviceId, b, "pending", null, null, now);
            case "download_fail", "verify_fail", "disk_full", "freshness_fail" ->
                    bundle(c, appId, deviceId, b, "error", null, reason == null ? e.action() : e.action() + ": " + reason,
                            now);
            case "set_next" -> {
                bundle(c, appId, deviceId, b, "pending", null, null, now);
                column(c, appId, deviceId, "next_bundle", b);
            }
            case "set" -> {
                setCurrent(c, appId, deviceId, b);
            }
            case "app_ready" -> {
                bundle(c, appId, deviceId, b, "success", null, null, now);
                setCurrent(c, appId, deviceId, b);
                clearRolledBack(c, appId, deviceId, b);
            }
            case "rollback" -> {
                bundle(c, appId, deviceId, b, "error", null, reason == null ? "rollback" : "rollback: " + reason, now);
                if (b != null && !b.equals("builtin")) {
                    column(c, appId, deviceId, "rolled_back", b);
                }
                String to = e.details().getOrDefault("to", e.oldBundle());
                if (to != null) {
                    setCurrent(c, appId, deviceId, to);
                }
            }
            case "reset" -> {
                setCurrent(c, appId, deviceId, "builtin");
                column(c, appId, deviceId, "next_bundle", null);
            }
            case "delete" -> {
                if (b != null) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM device_bundles WHERE app_id = ? AND device_id = ? AND bundle = ?")) {
                        ps.setString(1, appId);
                        ps.setString(2, deviceId);
                        ps.setString(3, b);
                        ps.executeUpdate();
                    }
                }
            }
            case "channel_set" -> column(c, appId, deviceId, "channel_asked", cut(e.details().get("channel"), 64));
            default -> {
                // timeline only
            }
        }
    }

    private static Integer percent(String s) {
        try {
            int p = Integer.parseInt(s == null ? "" : s.strip());
            return p < 0 || p > 100 ? null : p;
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private static void setCurrent(Connection c, String appId, String deviceId, String bundle) throws SQLException {
        if (bundle == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET current_bundle = ?, next_bundle ="
                + " CASE WHEN next_bundle = ? THEN NULL ELSE next_bundle END, change_seq = " + DeviceChangeLog.NEXT + " WHERE app_id = ? AND device_id = ?")) {
            ps.setString(1, bundle);
            ps.setString(2, bundle);
            ps.setString(3, appId);
            ps.setString(4, deviceId);
            ps.executeUpdate();
        }
    }

    /** A device that confirms the bundle it once rolled back from is no longer "rolled back". */
    private static void clearRolledBack(Connection c, String appId, String deviceId, String bundle)
            throws SQLException {
        if (bundle == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET rolled_back = NULL, change_seq = "
                + DeviceChangeLog.NEXT + " WHERE app_id = ? AND device_id = ? AND rolled_back = ?")) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            ps.setString(3, bundle);
            ps.executeUpdate();
        }
    }

    /** The devices of {@code appId} that rolled back {@code bundle} (their copy of it is in state error, "rollback…"). */
    static java.util.Set<String> rolledBack(Connection c, String appId, String bundle) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT device_id FROM device_bundles WHERE app_id = ?"
                + " AND bundle = ? AND state = 'error' AND reason LIKE 'rollback%'")) {
            ps.setString(1, appId);
            ps.setString(2, bundle);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void column(Connection c, String appId, String deviceId, String column, String value)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE devices SET " + column + " = ?, change_seq = " + DeviceChangeLog.NEXT + " WHERE app_id = ? AND device_id = ?")) {
            ps.setString(1, value);
            ps.setString(2, appId);
            ps.setString(3, deviceId);
            ps.executeUpdate();
        }
    }

    private static void bundle(Connection c, String appId, String deviceId, String bundle, String state,
                               Integer percent, String reason, Instant now) throws SQLException {
        if (bundle == null || bundle.equals("builtin")) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE device_bundles SET state = ?, percent = ?, reason = ?,"
                + " updated_at = ? WHERE app_id = ? AND device_id = ? AND bundle = ?")) {
            bindBundle(ps, state, percent, reason, now);
            ps.setString(5, appId);
            ps.setString(6, deviceId);
            ps.setString(7, bundle);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_bundles(state, percent, reason, updated_at,"
                + " app_id, device_id, bundle) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bindBundle(ps, state, percent, reason, now);
            ps.setString(5, appId);
            ps.setString(6, deviceId);
            ps.setString(7, bundle);
            ps.executeUpdate();
        }
    }

    private static void bindBundle(PreparedStatement ps, String state, Integer percent, String reason, Instant now)
            throws SQLException {
        ps.setString(1, state);
        if (percent == null) {
            ps.setNull(2, java.sql.Types.INTEGER);
        } else {
            ps.setInt(2, percent);
        }
        ps.setString(3, cut(reason, 500));
        ps.setObject(4, Database.utc(now));
    }

    static void setOverride(Connection c, String appId, String deviceId, String channel) throws SQLException {
        column(c, appId, deviceId, "channel_override", channel);
    }

    // ---- reads for the management API ----

    /** A page of devices by id (ascending), after the cursor {@code after} (a device id). */
    static List<Map<String, Object>> list(Connection c, String appId, String after, int limit) throws SQLException {
        String sql = "SELECT * FROM devices WHERE app_id = ?" + (after == null ? "" : " AND device_id > ?")
                + " ORDER BY app_id, device_id FETCH FIRST " + limit + " ROWS ONLY";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, appId);
            if (after != null) {
                ps.setString(2, after);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(device(rs));
                }
                return out;
            }
        }
    }

    /**
     * Devices with {@code since < change_seq < horizon}, by change_seq, at most {@code limit}, added to {@code out};
     * answers the change_seq of the last one (or {@code since}).
     */
    /**
     * The change feed's page (append the limit and {@code " ROWS ONLY"}). {@code ORDER BY app_id, change_seq} rather
     * than {@code change_seq} alone: only then does H2 read the page off the {@code devices_change} index in order
     * instead of reading every later change and sorting them (which made a 1,000,000-device sync quadratic).
     */
    public static final String CHANGES_SQL = "SELECT * FROM devices WHERE app_id = ? AND change_seq > ?"
            + " AND change_seq < ? ORDER BY app_id, change_seq FETCH FIRST ";

    static long changes(Connection c, String appId, long since, long horizon, int limit, List<Map<String, Object>> out)
            throws SQLException {
        long last = since;
        try (PreparedStatement ps = c.prepareStatement(CHANGES_SQL + limit + " ROWS ONLY")) {
            ps.setString(1, appId);
            ps.setLong(2, since);
            ps.setLong(3, horizon);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(device(rs));
                    last = rs.getLong("change_seq");
                }
            }
        }
        return last;
    }

    /** One device with its bundles, or {@code null}. */
    static Map<String, Object> get(Connection c, String appId, String deviceId) throws SQLException {
        Map<String, Object> d;
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM devices WHERE app_id = ? AND device_id = ?")) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                d = device(rs);
            }
        }
        List<Map<String, Object>> bundles = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM device_bundles WHERE app_id = ? AND device_id = ?"
                + " ORDER BY updated_at DESC, bundle")) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> b = new LinkedHashMap<>();
                    b.put("bundle", rs.getString("bundle"));
                    b.put("state", rs.getString("state"));
                    Object p = rs.getObject("percent");
                    b.put("percent", p == null ? null : ((Number) p).intValue());
                    b.put("reason", rs.getString("reason"));
                    b.put("updatedAt", Database.instant(rs.getObject("updated_at")));
                    bundles.add(b);
                }
            }
        }
        d.put("bundles", bundles);
        return d;
    }

    /**
     * Timeline entries newest first (by the server's receive time, then seq), older than the cursor {@code before}
     * ({@code [receivedAt epoch ms, seq]}) if given.
     */
    static List<Map<String, Object>> events(Connection c, String appId, String deviceId, long[] before, int limit)
            throws SQLException {
        String sql = "SELECT * FROM device_events WHERE app_id = ? AND device_id = ?"
                + (before == null ? "" : " AND (received_at < ? OR (received_at = ? AND id < ?))")
                + " ORDER BY received_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            if (before != null) {
                Object at = Database.utc(Instant.ofEpochMilli(before[0]));
                ps.setObject(3, at);
                ps.setObject(4, at);
                ps.setLong(5, before[1]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("seq", rs.getLong("id"));
                    e.put("id", rs.getString("event_id"));
                    e.put("action", rs.getString("action"));
                    e.put("bundle", rs.getString("bundle"));
                    e.put("oldBundle", rs.getString("old_bundle"));
                    e.put("at", rs.getString("device_at"));
                    e.put("receivedAt", Database.instant(rs.getObject("received_at")));
                    String details = rs.getString("details");
                    JsonNode node = null;
                    if (details != null) {
                        try {
                            node = Json.mapper().readTree(details);
                        } catch (IOException ex) {
                            node = null;
                        }
                    }
                    e.put("details", node == null ? Map.of() : node);
                    out.add(e);
                }
                return out;
            }
        }
    }

    private static Map<String, Object> device(ResultSet rs) throws SQLException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("appId", rs.getString("app_id"));
        d.put("deviceId", rs.getString("device_id"));
        d.put("customId", rs.getString("custom_id"));
        d.put("platform", rs.getString("platform"));
        d.put("osVersion", rs.getString("os_version"));
        d.put("nativeVersion", rs.getString("native_version"));
        d.put("nativeBuild", longOrNull(rs, "native_build"));
        d.put("runtimeVersion", rs.getString("runtime_version"));
        d.put("isEmulator", boolOrNull(rs, "is_emulator"));
        d.put("isProduction", boolOrNull(rs, "is_production"));
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("root", rs.getString("root_key_id"));
        keys.put("content", rs.getString("content_key_id"));
        d.put("keyIds", keys);
        d.put("channelAsked", rs.getString("channel_asked"));
        d.put("channelOverride", rs.getString("channel_override"));
        d.put("channel", rs.getString("channel"));
        d.put("channelSource", rs.getString("channel_source"));
        d.put("channelReason", rs.getString("channel_reason"));
        d.put("currentBundle", rs.getString("current_bundle"));
        d.put("currentSequence", longOrNull(rs, "current_sequence"));
        d.put("nextBundle", rs.getString("next_bundle"));
        d.put("lastOutcome", rs.getString("last_outcome"));
        d.put("lastError", rs.getString("last_error"));
        d.put("lastMessage", rs.getString("last_message"));
        d.put("rolledBack", rs.getString("rolled_back"));
        d.put("firstSeen", Database.instant(rs.getObject("first_seen")));
        d.put("lastSeen", Database.instant(rs.getObject("last_seen")));
        return d;
    }

    private static Long longOrNull(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static Boolean boolOrNull(ResultSet rs, String col) throws SQLException {
        boolean v = rs.getBoolean(col);
        return rs.wasNull() ? null : v;
    }

    static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
