package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.offers.DiscardedReports;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.store.StoreException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * {@code POST /stats} (device-protocol §5): a batch of device events, stored in one transaction and acknowledged
 * only after the commit; events whose id the device sent before are skipped. At most {@code concurrency} batches are
 * stored at once: more get 429 with {@code Retry-After}.
 */
public final class StatsApi {
    public static final int MAX_BODY = 256 * 1024;
    public static final int MAX_EVENTS = 200;
    static final int RETRY_AFTER_SECONDS = 2;
    static final Set<String> ACTIONS = Set.of("app_launch", "foreground", "background", "check", "update_available",
            "download_start", "download_progress", "download_complete", "download_fail", "verify_fail",
            "freshness_fail", "disk_full", "set_next", "set", "app_ready", "rollback", "reset", "delete",
            "native_changed", "delay_set", "delay_cancel", "channel_set", "rate_limited", "stats_dropped");
    private static final Pattern EVENT_ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");
    private static final int MAX_DETAILS = 20;
    private static final int MAX_DETAIL_LENGTH = 1000;

    /** One event of a batch, validated. */
    record Event(String id, String action, String bundle, String oldBundle, String at, Map<String, String> details) {
    }

    private final Database db;
    private final Clock clock;
    private final Semaphore permits;
    private final DeviceCatalog catalog;
    private final DeviceRecorder recorder;

    /**
     * @param recorder the update checks' write-behind: a check of the device still waiting is written before its
     *                 events, so it cannot overwrite (as an older state) what the events set
     */
    public StatsApi(Database db, Clock clock, DeviceCatalog catalog, DeviceRecorder recorder, int concurrency) {
        this.db = db;
        this.clock = clock;
        this.catalog = catalog;
        this.recorder = recorder;
        this.permits = new Semaphore(concurrency);
    }

    public void register(Router router) {
        router.open("POST", "/stats", MAX_BODY, this::post);
    }

    static List<Event> events(JsonNode body) {
        JsonNode list = body.get("events");
        if (list == null || !list.isArray()) {
            throw DeviceFields.invalid("events", "Field 'events' must be an array of events");
        }
        if (list.size() > MAX_EVENTS) {
            throw ApiError.badRequest("too_many_events", "A batch holds at most " + MAX_EVENTS + " events, not "
                    + list.size(), "events");
        }
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "events[" + i + "]";
            JsonNode e = list.get(i);
            if (!e.isObject()) {
                throw DeviceFields.invalid(at, "Event " + i + " must be an object");
            }
            String id = DeviceFields.text(e, "id", at + ".id", true, 64, EVENT_ID);
            String action = DeviceFields.text(e, "action", at + ".action", true, 40, null);
            if (!ACTIONS.contains(action)) {
                throw ApiError.badRequest("unknown_action", "Event " + i + " has an unknown action '"
                        + DeviceFields.cut(action, 40) + "'", at + ".action").with("index", i);
            }
            String bundle = DeviceFields.text(e, "bundle", at + ".bundle", false, 128, DeviceFields.VERSION);
            String old = DeviceFields.text(e, "oldBundle", at + ".oldBundle", false, 128, DeviceFields.VERSION);
            String when = DeviceFields.text(e, "at", at + ".at", false, 64, null);
            if (when != null) {
                try {
                    java.time.OffsetDateTime.parse(when);
                } catch (java.time.format.DateTimeParseException ex) {
                    throw DeviceFields.invalid(at + ".at", "Field '" + at + ".at' must be an ISO-8601 time");
                }
            }
            Map<String, String> details = new LinkedHashMap<>();
            JsonNode d = e.get("details");
            if (d != null && !d.isNull()) {
                if (!d.isObject() || d.size() > MAX_DETAILS) {
                    throw DeviceFields.invalid(at + ".details", "Field '" + at + ".details' must be an object of at"
                            + " most " + MAX_DETAILS + " string values");
                }
                Iterator<Map.Entry<String, JsonNode>> fields = d.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    JsonNode v = f.getValue();
                    if (f.getKey().length() > 64 || !(v.isValueNode())) {
                        throw DeviceFields.invalid(at + ".details." + DeviceFields.cut(f.getKey(), 64),
                                "Details are short names with string, number or boolean values");
                    }
                    if (!v.isNull()) {
                        details.put(f.getKey(), DeviceFields.cut(v.asText(), MAX_DETAIL_LENGTH));
                    }
                }
            }
            out.add(new Event(id, action, bundle, old, when, details));
        }
        return out;
    }

    private ApiResponse post(ApiRequest r) {
        JsonNode body = DeviceFields.object(r.rawBody());
        String appId = DeviceFields.appId(body);
        String deviceId = DeviceFields.deviceId(body);
        List<Event> events = events(body);
        if (!permits.tryAcquire()) {
            Map<String, Object> busy = new LinkedHashMap<>();
            busy.put("error", "overloaded");
            busy.put("message", "Too many event batches at once; retry after " + RETRY_AFTER_SECONDS + " s");
            return new ApiResponse(429, busy, Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)));
        }
        try {
            if (catalog.get(appId) == null) {
                throw new ApiError(404, "unknown_app", "No app '" + appId + "' on this server", "appId");
            }
            if (recorder.pending(appId, deviceId)) {
                recorder.flush();
            }
            int[] result = null;
            // A rollback changes what this device is served: the other instances hear of it with the events (ADR 0116).
            String topic = events.stream().anyMatch(e -> e.action().equals("rollback"))
                    ? dev.patchbay.server.cluster.ChangeFeed.topic(appId) : null;
            for (int attempt = 1; result == null; attempt++) {
                try {
                    result = topic == null ? store(appId, deviceId, events)
                            : db.noting(topic, () -> store(appId, deviceId, events));
                } catch (StoreException e) {
                    // The same events raced themselves (a device retrying while its first attempt still ran): the
                    // next attempt sees them stored and counts them as duplicates.
                    if (attempt == 3 || !(e.getCause() instanceof SQLException sql) || !Database.isDuplicate(sql)) {
                        throw e;
                    }
                }
            }
            recorder.forget(appId, deviceId); // the reports changed the row: its next check is written (ADR 0115)
            if (events.stream().anyMatch(e -> e.action().equals("rollback"))) {
                // A device that rolled back a rollout's target gets the stable bundle from its next check on.
                catalog.invalidate(appId);
            }
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("accepted", result[0]);
            ok.put("duplicates", result[1]);
            return ApiResponse.ok(ok);
        } finally {
            permits.release();
        }
    }

    private int[] store(String appId, String deviceId, List<Event> events) {
        Instant now = clock.instant();
        return catalog.changes().write(db, c -> {
            DeviceStore.touch(c, appId, deviceId, now);
            Set<String> seen = DeviceStore.seen(c, appId, deviceId, events.stream().map(Event::id).distinct().toList());
            List<Event> fresh = new ArrayList<>();
            Set<String> inBatch = new HashSet<>();
            for (Event e : events) {
                if (!seen.contains(e.id()) && inBatch.add(e.id())) {
                    fresh.add(e);
                }
            }
            DeviceStore.insertEvents(c, appId, deviceId, fresh, now);
            DiscardedReports.tally(c, appId, deviceId,
                    fresh.stream().map(e -> new DiscardedReports.Report(e.action(), e.bundle())).toList(), now);
            for (Event e : fresh) {
                DeviceStore.apply(c, appId, deviceId, e, now);
            }
            return new int[] {fresh.size(), events.size() - fresh.size()};
        });
    }
}
