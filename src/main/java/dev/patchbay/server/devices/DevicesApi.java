package dev.patchbay.server.devices;

import dev.patchbay.domain.Names;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutDecision;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Management API of device state (device-protocol §4): {@code /api/v1/apps/{appId}/devices} paged by device id,
 * one device with its bundles, its timeline newest first, and the console's channel override.
 */
public final class DevicesApi {
    private static final String BASE = "/api/v1/apps/{appId}/devices";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int CHANGES_DEFAULT_LIMIT = 5000;
    static final int CHANGES_MAX_LIMIT = 10_000;
    /** 9999-12-31: cursors beyond are not ones this server made. */
    static final long MAX_CURSOR_MILLIS = 253_402_300_799_000L;

    record Override(String channel) {
    }

    private final Database db;
    private final Clock clock;
    private final DeviceRecorder recorder;
    private final DeviceCatalog catalog;
    private final DeviceChangeLog changes;

    public DevicesApi(Database db, Clock clock, DeviceRecorder recorder, DeviceCatalog catalog) {
        this.db = db;
        this.clock = clock;
        this.recorder = recorder;
        this.catalog = catalog;
        this.changes = catalog.changes();
    }

    public void register(Router router) {
        router.get(BASE, this::list);
        router.get(BASE + "/changes", this::changes);
        router.get(BASE + "/{deviceId}", this::get);
        router.get(BASE + "/{deviceId}/events", this::events);
        router.put(BASE + "/{deviceId}/channel-override", this::putOverride);
        router.delete(BASE + "/{deviceId}/channel-override", this::deleteOverride);
    }

    private ApiResponse list(ApiRequest r) {
        String appId = AppsApi.appId(r);
        int limit = limit(r);
        String after = r.query("after");
        if (after != null && (after.isEmpty() || after.length() > 64)) {
            throw ApiError.badRequest("invalid_field", "Query parameter 'after' must be a device id", "after");
        }
        recorder.flush();
        List<Map<String, Object>> items = db.inTransaction(c -> {
            AppStore.require(c, appId);
            return DeviceStore.list(c, appId, after, limit);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("next", items.size() == limit ? items.get(items.size() - 1).get("deviceId") : null);
        return ApiResponse.ok(out);
    }

    /**
     * Devices whose row changed after the cursor {@code since}, oldest change first (rollouts §6). The cursor is the
     * last handed-out {@code change_seq} as text; only rows below {@link DeviceChangeLog#horizon} are handed out, so a
     * row committed late with a lower sequence value is never skipped.
     */
    private ApiResponse changes(ApiRequest r) {
        String appId = AppsApi.appId(r);
        int limit = limit(r, CHANGES_DEFAULT_LIMIT, CHANGES_MAX_LIMIT);
        String s = r.query("since");
        long since;
        try {
            since = s == null ? 0 : Long.parseLong(s);
            if (since < 0 || (s != null && !s.equals(Long.toString(since)))) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_field",
                    "Query parameter 'since' must be the 'cursor' of a previous answer", "since");
        }
        if (recorder != null) {
            recorder.flush();
        }
        Map<String, Object> out = db.inTransaction(c -> {
            AppStore.require(c, appId);
            long horizon = changes.horizon(c);
            List<Map<String, Object>> items = new java.util.ArrayList<>();
            long last = DeviceStore.changes(c, appId, since, horizon, limit, items);
            boolean more = items.size() == limit;
            // A short page has handed out everything below the horizon: the cursor moves up to it.
            long cursor = more ? last : Math.max(since, horizon - 1);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("items", items);
            o.put("cursor", Long.toString(cursor));
            o.put("more", more);
            return o;
        });
        return ApiResponse.ok(out);
    }

    private ApiResponse get(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String deviceId = deviceId(r);
        recorder.flush();
        Map<String, Object> d = db.inTransaction(c -> {
            AppStore.require(c, appId);
            return DeviceStore.get(c, appId, deviceId);
        });
        if (d == null) {
            throw ApiError.notFound("App '" + appId + "' has no device '" + deviceId + "'");
        }
        d.put("rollout", rollout(appId, deviceId, d));
        return ApiResponse.ok(d);
    }

    /**
     * How the rollout of the device's channel (its override if that channel exists, else the channel of its last
     * check) treats it now, from what it last reported; null when that channel has no active rollout.
     */
    private RolloutDecision rollout(String appId, String deviceId, Map<String, Object> d) {
        DeviceCatalog.AppView app = catalog.get(appId);
        if (app == null) {
            return null;
        }
        String override = (String) d.get("channelOverride");
        String channel = override != null && app.channel(override) != null ? override : (String) d.get("channel");
        Rollout r = channel == null ? null : app.rollouts().get(channel);
        if (r == null) {
            return null;
        }
        String current = (String) d.get("currentBundle");
        Object seq = d.get("currentSequence");
        Long sequence = seq == null ? null : ((Number) seq).longValue();
        return RolloutPick.of(app, r, deviceId, current == null ? "builtin" : current, sequence).decision(sequence);
    }

    private ApiResponse events(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String deviceId = deviceId(r);
        int limit = limit(r);
        long[] before = null;
        String b = r.query("before");
        if (b != null) {
            String[] parts = b.split("\\.", -1);
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                before = new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
                if (before[0] < 0 || before[0] > MAX_CURSOR_MILLIS) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("invalid_field",
                        "Query parameter 'before' must be the 'next' cursor of a previous page", "before");
            }
        }
        long[] cursor = before;
        recorder.flush();
        List<Map<String, Object>> items = db.inTransaction(c -> {
            AppStore.require(c, appId);
            if (!DeviceStore.exists(c, appId, deviceId)) {
                throw ApiError.notFound("App '" + appId + "' has no device '" + deviceId + "'");
            }
            return DeviceStore.events(c, appId, deviceId, cursor, limit);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        Map<String, Object> last = items.isEmpty() ? null : items.get(items.size() - 1);
        out.put("next", items.size() == limit
                ? ((Instant) last.get("receivedAt")).toEpochMilli() + "." + last.get("seq") : null);
        return ApiResponse.ok(out);
    }

    private ApiResponse putOverride(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String deviceId = deviceId(r);
        Override body = r.body(Override.class);
        String channel = Names.channelName("channel", body.channel());
        Instant now = clock.instant();
        recorder.flush();
        Map<String, Object> d = changes.write(db, c -> {
            AppStore.require(c, appId);
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM channels WHERE app_id = ? AND name = ?")) {
                ps.setString(1, appId);
                ps.setString(2, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ApiError(404, "not_found", "App '" + appId + "' has no channel named '" + channel
                                + "'", "channel");
                    }
                }
            }
            Map<String, Object> before = DeviceStore.get(c, appId, deviceId);
            if (before == null) {
                // A device can be pinned before its first check.
                DeviceStore.touch(c, appId, deviceId, now);
            }
            DeviceStore.setOverride(c, appId, deviceId, channel);
            AuditLog.record(c, now, r.principal(), "device.override", appId, appId + "/" + deviceId,
                    "override=" + (before == null ? null : before.get("channelOverride")) + " -> " + channel);
            return DeviceStore.get(c, appId, deviceId);
        });
        return ApiResponse.ok(d);
    }

    private ApiResponse deleteOverride(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String deviceId = deviceId(r);
        Instant now = clock.instant();
        changes.write(db, c -> {
            AppStore.require(c, appId);
            Map<String, Object> before = DeviceStore.get(c, appId, deviceId);
            if (before == null) {
                throw ApiError.notFound("App '" + appId + "' has no device '" + deviceId + "'");
            }
            DeviceStore.setOverride(c, appId, deviceId, null);
            AuditLog.record(c, now, r.principal(), "device.override.clear", appId, appId + "/" + deviceId,
                    "override=" + before.get("channelOverride") + " -> null");
            return null;
        });
        return ApiResponse.noContent();
    }

    private static String deviceId(ApiRequest r) {
        String id = r.pathParam("deviceId");
        if (!DeviceFields.DEVICE_ID.matcher(id).matches()) {
            throw ApiError.badRequest("invalid_field", "'" + DeviceFields.cut(id, 64)
                    + "' is not a device id (a lower-case UUID)", "deviceId");
        }
        return id;
    }

    private static int limit(ApiRequest r) {
        return limit(r, DEFAULT_LIMIT, MAX_LIMIT);
    }

    private static int limit(ApiRequest r, int defaultLimit, int max) {
        String l = r.query("limit");
        if (l == null) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(l);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiError.badRequest("invalid_field", "Query parameter 'limit' must be from 1 to " + max, "limit");
    }
}
