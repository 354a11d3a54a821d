package dev.patchbay.server.overview;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Devices per current bundle of an app (the Overview's adoption, {@code devicesByBundle}), counted at most once per
 * {@link #MAX_AGE} per app on this instance and shared by every request meanwhile (ADR 0130). The count itself walks
 * the app's range of index {@code devices_channel_bundle}: it costs what the app's device count costs (about 0.1 s
 * for 100,000 devices on H2, docs/benchmarks.md), so it is not paid on every 15 s refresh of every open console.
 * Memory: at most {@link #BUNDLES} entries per app that was asked for.
 */
final class BundleCounts {
    /** How long a count is served before it is made again. */
    static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** Bundles kept at most, most devices first. */
    static final int BUNDLES = 20;
    /** Devices per current bundle of one app, most first. */
    static final String SQL = "SELECT current_bundle, COUNT(*) n FROM devices WHERE app_id = ?"
            + " GROUP BY current_bundle ORDER BY n DESC, current_bundle FETCH FIRST " + BUNDLES + " ROWS ONLY";

    /** One count: when it was made and its rows ({@code bundle}, {@code devices}). */
    record Counted(Instant at, List<Map<String, Object>> bundles) {
    }

    private final Map<String, Counted> byApp = new ConcurrentHashMap<>();

    /** The app's count, made again on {@code c} when there is none younger than {@link #MAX_AGE} at {@code now}. */
    Counted get(Connection c, String appId, Instant now) throws SQLException {
        Counted last = byApp.get(appId);
        if (last != null && !last.at().plus(MAX_AGE).isBefore(now) && !last.at().isAfter(now)) {
            return last;
        }
        Counted fresh = new Counted(now, count(c, appId));
        byApp.put(appId, fresh);
        return fresh;
    }

    /** Forgets an app's count (it was deleted, or a test wants the next read counted). */
    void forget(String appId) {
        byApp.remove(appId);
    }

    /** The count itself: {@link #SQL} on {@code c}. */
    static List<Map<String, Object>> count(Connection c, String appId) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("bundle", rs.getString(1));
                    e.put("devices", rs.getLong(2));
                    out.add(e);
                }
            }
        }
        return List.copyOf(out);
    }
}
