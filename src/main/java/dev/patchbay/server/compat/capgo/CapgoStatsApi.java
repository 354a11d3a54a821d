package dev.patchbay.server.compat.capgo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.devices.DeviceDecisions;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * {@code POST /compat/capgo/stats}: the plugin's events — one object (older plugins) or a JSON array (the queued
 * batches of current ones) — stored as Patchbay device events, so device state, timelines and rollout health see
 * them (the mapping: {@link CapgoActions}, docs/capgo-compat.md §4). The plugin sends no event id: one is derived
 * from the event's content and its {@code timestamp} (or, for plugins that send none, the minute it arrived), so a
 * batch the plugin re-sends after a lost answer is counted once.
 */
final class CapgoStatsApi {
    static final int MAX_BODY = 512 * 1024;
    static final int MAX_EVENTS = 200;
    private static final int MAX_DETAILS = 20;
    private static final int MAX_DETAIL_LENGTH = 1000;

    private final CapgoArtifacts artifacts;
    private final DeviceDecisions decisions;
    private final CapgoGate gate;
    private final LongSupplier clock;

    CapgoStatsApi(CapgoArtifacts artifacts, DeviceDecisions decisions, CapgoGate gate, LongSupplier clock) {
        this.artifacts = artifacts;
        this.decisions = decisions;
        this.gate = gate;
        this.clock = clock;
    }

    void register(Router router) {
        for (String prefix : CapgoCompat.PREFIXES) {
            router.open("POST", prefix + "/stats", MAX_BODY, this::post);
        }
    }

    /** One plugin event, parsed. */
    record PluginEvent(CapgoDevice device, String action, String versionName, String oldVersionName, Long timestamp,
                       Map<String, String> metadata) {
    }

    private ApiResponse post(ApiRequest r) {
        JsonNode body = CapgoDevice.parseJson(r.rawBody());
        boolean single = body.isObject();
        if (!single && !body.isArray()) {
            throw CapgoDevice.bad("invalid_json_body", "The body must be an event object or an array of events", null);
        }
        List<JsonNode> items = new ArrayList<>();
        if (single) {
            items.add(body);
        } else {
            body.forEach(items::add);
        }
        if (items.isEmpty()) {
            return ApiResponse.ok(Map.of("status", "ok", "results", List.of()));
        }
        if (items.size() > MAX_EVENTS) {
            throw CapgoDevice.bad("too_many_events", "A batch holds at most " + MAX_EVENTS + " events, not "
                    + items.size(), null);
        }
        List<PluginEvent> events = new ArrayList<>();
        for (JsonNode e : items) {
            events.add(parse(e));
        }
        String appId = events.get(0).device().appId();
        for (PluginEvent e : events) {
            if (!e.device().appId().equals(appId)) {
                throw CapgoDevice.bad("mixed_app_ids", "All events of a batch must have the same app_id", "app_id");
            }
        }
        if (!gate.stats().tryAcquire()) {
            return CapgoGate.busy();
        }
        try {
            CapgoArtifacts.AppState app = artifacts.app(appId);
            if (app == null || !app.enabled) {
                ApiResponse throttled = gate.unknownApp(r);
                if (throttled != null) {
                    return throttled;
                }
                Map<String, Object> unknown = new LinkedHashMap<>();
                unknown.put("error", "unknown_app");
                unknown.put("message", app == null ? "No app '" + appId + "' on this server"
                        : "App '" + appId + "' does not have Capgo-compatible delivery switched on");
                return new ApiResponse(404, unknown);
            }
            Map<String, List<DeviceDecisions.Event>> byDevice = new LinkedHashMap<>();
            long minute = clock.getAsLong() / 60_000;
            for (PluginEvent e : events) {
                byDevice.computeIfAbsent(e.device().deviceId(), k -> new ArrayList<>())
                        .addAll(CapgoActions.map(e, id(e, minute), () -> decisions.currentAndOffered(appId,
                                e.device().deviceId())));
            }
            byDevice.forEach((device, list) -> decisions.store(appId, device, list));
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("status", "ok");
            if (!single) {
                List<Map<String, Object>> results = new ArrayList<>();
                for (int i = 0; i < events.size(); i++) {
                    results.add(Map.of("status", "ok", "index", i));
                }
                ok.put("results", results);
            }
            return ApiResponse.ok(ok);
        } finally {
            gate.stats().release();
        }
    }

    static PluginEvent parse(JsonNode e) {
        CapgoDevice d = CapgoDevice.parse(e, false);
        String action = CapgoDevice.text(e, "action", true, 64, java.util.regex.Pattern.compile("[a-z0-9_]{1,64}"));
        String version = blank(CapgoDevice.text(e, "version_name", false, 300, CapgoDevice.PRINTABLE));
        String old = blank(CapgoDevice.text(e, "old_version_name", false, 128, CapgoDevice.PRINTABLE));
        Long timestamp = null;
        JsonNode t = e.get("timestamp");
        if (t != null && t.isIntegralNumber() && t.canConvertToLong() && t.longValue() > 0) {
            timestamp = t.longValue();
        }
        Map<String, String> metadata = new TreeMap<>();
        JsonNode m = e.get("metadata");
        if (m != null && m.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = m.fields();
            while (fields.hasNext() && metadata.size() < MAX_DETAILS - 2) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().length() <= 64 && f.getValue().isValueNode() && !f.getValue().isNull()) {
                    String v = f.getValue().asText();
                    metadata.put(f.getKey(), v.length() > MAX_DETAIL_LENGTH ? v.substring(0, MAX_DETAIL_LENGTH) : v);
                }
            }
        }
        return new PluginEvent(d, action, version, old, timestamp, metadata);
    }

    /** A stable id for the event's content: the same event re-sent gets the same id. */
    static String id(PluginEvent e, long minute) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String content = String.join("\n", "capgo", e.device().deviceId(), e.action(),
                    String.valueOf(e.versionName()), String.valueOf(e.oldVersionName()),
                    e.timestamp() != null ? "t" + e.timestamp() : "m" + minute,
                    Json.mapper().writeValueAsString(e.metadata()));
            byte[] digest = sha.digest(content.getBytes(StandardCharsets.UTF_8));
            return "cg" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 30);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String at(PluginEvent e) {
        return e.timestamp() == null ? null : Instant.ofEpochMilli(e.timestamp()).toString();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
