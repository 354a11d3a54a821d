package dev.patchbay.server.rollouts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.offers.DiscardedReports;
import dev.patchbay.server.offers.ReleaseOffers;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rollout charts (docs/rollouts.md §5): {@code …/rollouts/{id}/series} (adoption from the supervisor's samples,
 * failures per step from device events, the policy's threshold) and {@code …/rollouts/{id}/failed-devices} (the
 * devices behind a failure bar).
 */
public final class RolloutSeriesApi {
    private static final String BASE = "/api/v1/apps/{appId}/rollouts/{rolloutId}";
    static final int DEFAULT_STEP = 60;
    static final int MIN_STEP = 10;
    static final long MAX_STEPS = 10_000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** What the charts need of a rollout. */
    record Target(String id, String appId, String bundle, double threshold, Instant startedAt, Instant endedAt) {
    }

    private final Database db;
    private final Clock clock;

    public RolloutSeriesApi(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void register(Router router) {
        router.get(BASE + "/series", this::series);
        router.get(BASE + "/failed-devices", this::failedDevices);
    }

    private ApiResponse series(ApiRequest r) {
        String appId = AppsApi.appId(r);
        int step = intParam(r, "step", DEFAULT_STEP, MIN_STEP, Integer.MAX_VALUE);
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            Target t = target(c, appId, r.pathParam("rolloutId"));
            Instant[] range = range(r, t, now);
            long millis = range[1].toEpochMilli() - range[0].toEpochMilli();
            long steps = (millis + step * 1000L - 1) / (step * 1000L);
            if (steps > MAX_STEPS) {
                throw ApiError.validation("step", "From " + range[0] + " to " + range[1] + " in steps of " + step
                        + " s makes " + steps + " points, more than " + MAX_STEPS + ": choose a larger step or a"
                        + " shorter range");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("adoption", adoption(c, t, range[0], range[1], step));
            out.put("failures", failures(c, t, range[0], range[1], step, (int) steps));
            out.put("threshold", t.threshold());
            out.put("discarded", DiscardedReports.of(c, t.id()));
            return ApiResponse.ok(out);
        });
    }

    private ApiResponse failedDevices(ApiRequest r) {
        String appId = AppsApi.appId(r);
        int limit = intParam(r, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            Target t = target(c, appId, r.pathParam("rolloutId"));
            Instant[] range = range(r, t, now);
            return ApiResponse.ok(Map.of("items", failed(c, t, range[0], range[1], limit)));
        });
    }

    /** The last sample of each step (the supervisor writes one per tick; a chart needs one per step). */
    private static List<Map<String, Object>> adoption(Connection c, Target t, Instant from, Instant to, int step)
            throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        long lastBucket = Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement("SELECT at, stable_devices, target_devices, other_devices"
                + " FROM rollout_samples WHERE rollout_id = ? AND at >= ? AND at <= ? ORDER BY at")) {
            ps.setString(1, t.id());
            ps.setObject(2, Database.utc(from));
            ps.setObject(3, Database.utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = Database.instant(rs.getObject(1));
                    long bucket = (at.toEpochMilli() - from.toEpochMilli()) / (step * 1000L);
                    Map<String, Object> point = new LinkedHashMap<>();
                    point.put("at", at);
                    point.put("stable", rs.getLong(2));
                    point.put("target", rs.getLong(3));
                    point.put("other", rs.getLong(4));
                    if (bucket == lastBucket) {
                        out.set(out.size() - 1, point);
                    } else {
                        out.add(point);
                        lastBucket = bucket;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Distinct devices per step with a failure, and with a failure or app_ready, for the target (as the health policy
     * counts them); every step is answered, empty ones with zeros. The last step ends at {@code to}, inclusive.
     */
    private static List<Map<String, Object>> failures(Connection c, Target t, Instant from, Instant to, int step,
                                                      int steps) throws SQLException {
        long[] attempts = new long[steps];
        long[] failures = new long[steps];
        if (steps > 0) {
            try (PreparedStatement ps = c.prepareStatement("SELECT b, COUNT(DISTINCT device_id),"
                    + " COUNT(DISTINCT CASE WHEN action IN " + HealthEvaluator.FAILURES_SQL + " THEN device_id END)"
                    + " FROM (SELECT FLOOR((EXTRACT(EPOCH FROM received_at) - ?) / ?) AS b, device_id, action"
                    + " FROM device_events WHERE app_id = ? AND bundle = ? AND received_at >= ? AND received_at <= ?"
                    + " AND action IN " + HealthEvaluator.ATTEMPTS_SQL + " AND " + ReleaseOffers.COUNTED_SQL
                    + ") e GROUP BY b")) {
                ps.setBigDecimal(1, java.math.BigDecimal.valueOf(from.toEpochMilli(), 3));
                ps.setInt(2, step);
                ps.setString(3, t.appId());
                ps.setString(4, t.bundle());
                ps.setObject(5, Database.utc(from));
                ps.setObject(6, Database.utc(to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int b = (int) Math.max(0, Math.min(steps - 1, rs.getLong(1)));
                        attempts[b] += rs.getLong(2);
                        failures[b] += rs.getLong(3);
                    }
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            Map<String, Object> bar = new LinkedHashMap<>();
            Instant start = from.plusSeconds((long) i * step);
            Instant end = start.plusSeconds(step);
            bar.put("from", start);
            bar.put("to", end.isAfter(to) ? to : end);
            bar.put("attempts", attempts[i]);
            bar.put("failures", failures[i]);
            bar.put("rate", attempts[i] == 0 ? 0.0 : (double) failures[i] / attempts[i]);
            out.add(bar);
        }
        return out;
    }

    /** Each failed device once (its latest failure in the range), newest first. */
    private static List<Map<String, Object>> failed(Connection c, Target t, Instant from, Instant to, int limit)
            throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.device_id, d.custom_id, e.action, e.details,"
                + " e.received_at FROM device_events e LEFT JOIN devices d"
                + " ON d.app_id = e.app_id AND d.device_id = e.device_id"
                + " WHERE e.app_id = ? AND e.bundle = ? AND e.received_at >= ? AND e.received_at <= ?"
                + " AND e.action IN " + HealthEvaluator.FAILURES_SQL + " AND " + ReleaseOffers.counted("e")
                + " ORDER BY e.received_at DESC, e.id DESC")) {
            ps.setString(1, t.appId());
            ps.setString(2, t.bundle());
            ps.setObject(3, Database.utc(from));
            ps.setObject(4, Database.utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (out.size() < limit && rs.next()) {
                    String device = rs.getString(1);
                    if (!seen.add(device)) {
                        continue;
                    }
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("deviceId", device);
                    item.put("customId", rs.getString(2));
                    item.put("action", rs.getString(3));
                    item.put("reason", reason(rs.getString(4)));
                    item.put("at", Database.instant(rs.getObject(5)));
                    out.add(item);
                }
            }
        }
        return out;
    }

    private static String reason(String details) {
        if (details == null) {
            return null;
        }
        try {
            JsonNode d = Json.mapper().readTree(details);
            JsonNode reason = d == null ? null : d.get("reason");
            return reason == null || reason.isNull() ? null : reason.asText();
        } catch (IOException e) {
            return null;
        }
    }

    static Target target(Connection c, String appId, String rolloutId) throws SQLException {
        AppStore.require(c, appId);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, app_id, target_bundle, health_json, started_at,"
                + " ended_at FROM rollouts WHERE id = ? AND app_id = ?")) {
            ps.setString(1, rolloutId);
            ps.setString(2, appId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ApiError(404, "not_found", "App '" + appId + "' has no rollout '"
                            + (rolloutId.length() > 32 ? rolloutId.substring(0, 32) + "…" : rolloutId) + "'", "rollout");
                }
                return new Target(rs.getString(1), rs.getString(2), rs.getString(3), threshold(rs.getString(4)),
                        Database.instant(rs.getObject(5)), Database.instant(rs.getObject(6)));
            }
        }
    }

    private static double threshold(String healthJson) {
        if (healthJson == null) {
            return HealthPolicy.DEFAULT.threshold();
        }
        try {
            return Json.mapper().readValue(healthJson, HealthPolicy.class).threshold();
        } catch (IOException | RuntimeException e) {
            return HealthPolicy.DEFAULT.threshold();
        }
    }

    /** {@code from} (default: the rollout's start) and {@code to} (default: its end, else now). */
    private static Instant[] range(ApiRequest r, Target t, Instant now) {
        Instant from = instantParam(r, "from", t.startedAt());
        Instant to = instantParam(r, "to", t.endedAt() != null ? t.endedAt() : now);
        if (from.isAfter(to)) {
            throw ApiError.validation("from", "'from' (" + from + ") is after 'to' (" + to + ")");
        }
        return new Instant[] {from, to};
    }

    private static Instant instantParam(ApiRequest r, String name, Instant fallback) {
        String v = r.query(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return java.time.OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.validation(name, "Query parameter '" + name + "' must be an ISO-8601 time such as"
                    + " 2026-11-22T18:00:00Z");
        }
    }

    private static int intParam(ApiRequest r, String name, int fallback, int min, int max) {
        String v = r.query(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiError.validation(name, "Query parameter '" + name + "' must be "
                + (max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max)
                + (name.equals("step") ? " (seconds)" : ""));
    }
}
