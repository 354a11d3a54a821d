package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /stats} (device-protocol §5) and the device state it derives (§4). */
class StatsApiTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    final String device = DeviceFixture.newDevice();

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
    }

    @AfterEach
    void stop() {
        s.close();
    }

    static ObjectNode event(String action, String bundle, Map<String, String> details) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", UUID.randomUUID().toString());
        e.put("action", action);
        e.put("bundle", bundle);
        e.putNull("oldBundle");
        e.put("at", "2026-11-22T18:00:00Z");
        ObjectNode d = e.putObject("details");
        details.forEach(d::put);
        return e;
    }

    ObjectNode batch(String deviceId, ObjectNode... events) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("appId", APP);
        b.put("deviceId", deviceId);
        ArrayNode list = b.putArray("events");
        for (ObjectNode e : events) {
            list.add(e);
        }
        return b;
    }

    JsonNode send(ObjectNode batch) throws Exception {
        return json(f.post("/stats", batch.toString()));
    }

    JsonNode state() throws Exception {
        return json(s.json("GET", f.base + "/devices/" + device, null));
    }

    JsonNode bundle(JsonNode state, String version) {
        for (JsonNode b : state.path("bundles")) {
            if (b.path("bundle").asText().equals(version)) {
                return b;
            }
        }
        return null;
    }

    @Test
    void eventsAreStoredOnceAndAcknowledged() throws Exception {
        ObjectNode a = event("app_launch", null, Map.of());
        ObjectNode b = event("download_start", "1.5.0", Map.of());
        JsonNode ack = send(batch(device, a, b));
        assertEquals(2, ack.path("accepted").asInt());
        assertEquals(0, ack.path("duplicates").asInt());
        // The device retries the same batch plus one new event (and a duplicate inside the batch).
        ObjectNode c = event("download_progress", "1.5.0", Map.of("percent", "40"));
        ack = send(batch(device, a, b, c, c));
        assertEquals(1, ack.path("accepted").asInt());
        assertEquals(3, ack.path("duplicates").asInt());
        JsonNode events = json(s.json("GET", f.base + "/devices/" + device + "/events", null)).path("items");
        assertEquals(3, events.size());
        assertEquals("download_progress", events.get(0).path("action").asText());
        assertEquals("40", events.get(0).path("details").path("percent").asText());
        assertEquals(c.path("id").asText(), events.get(0).path("id").asText());
        assertEquals("app_launch", events.get(2).path("action").asText());
        // Event ids are per device: another device may use the same id.
        assertEquals(1, send(batch(DeviceFixture.newDevice(), a)).path("accepted").asInt());
        // Empty batches are fine.
        assertEquals(0, send(batch(device)).path("accepted").asInt());
    }

    @Test
    void theSameBatchSentConcurrentlyIsStoredOnce() throws Exception {
        ObjectNode[] events = new ObjectNode[50];
        for (int i = 0; i < events.length; i++) {
            events[i] = event("foreground", null, Map.of("n", String.valueOf(i)));
        }
        String body = batch(device, events).toString();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<java.net.http.HttpResponse<String>>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sent.add(pool.submit(() -> f.post("/stats", body)));
            }
            int accepted = 0;
            for (var r : sent) {
                var response = r.get();
                assertEquals(200, response.statusCode(), response.body());
                JsonNode ack = Json.mapper().readTree(response.body());
                assertEquals(50, ack.path("accepted").asInt() + ack.path("duplicates").asInt());
                accepted += ack.path("accepted").asInt();
            }
            assertEquals(50, accepted, "each event stored exactly once");
        } finally {
            pool.shutdownNow();
        }
        JsonNode stored = json(s.json("GET", f.base + "/devices/" + device + "/events?limit=500", null)).path("items");
        assertEquals(50, stored.size());
    }

    @Test
    void eventsDeriveTheDeviceState() throws Exception {
        send(batch(device, event("download_start", "1.5.0", Map.of())));
        JsonNode st = state();
        assertEquals("downloading", bundle(st, "1.5.0").path("state").asText());
        assertEquals(0, bundle(st, "1.5.0").path("percent").asInt());
        send(batch(device, event("download_progress", "1.5.0", Map.of("percent", "60"))));
        assertEquals(60, bundle(state(), "1.5.0").path("percent").asInt());
        send(batch(device, event("download_complete", "1.5.0", Map.of()), event("set_next", "1.5.0", Map.of())));
        st = state();
        assertEquals("pending", bundle(st, "1.5.0").path("state").asText());
        assertEquals("1.5.0", st.path("nextBundle").asText());
        send(batch(device, event("set", "1.5.0", Map.of())));
        st = state();
        assertEquals("1.5.0", st.path("currentBundle").asText());
        assertTrue(st.path("nextBundle").isNull());
        send(batch(device, event("app_ready", "1.5.0", Map.of())));
        assertEquals("success", bundle(state(), "1.5.0").path("state").asText());
        send(batch(device, event("download_fail", "1.6.0", Map.of("reason", "timeout"))));
        JsonNode failed = bundle(state(), "1.6.0");
        assertEquals("error", failed.path("state").asText());
        assertTrue(failed.path("reason").asText().contains("timeout"));
        send(batch(device, event("set", "1.7.0", Map.of()),
                event("rollback", "1.7.0", Map.of("reason", "app_ready_timeout", "to", "1.5.0"))));
        st = state();
        assertEquals("1.5.0", st.path("currentBundle").asText());
        assertTrue(bundle(st, "1.7.0").path("reason").asText().contains("app_ready_timeout"));
        send(batch(device, event("delete", "1.6.0", Map.of()), event("reset", null, Map.of("reason", "user"))));
        st = state();
        assertEquals(null, bundle(st, "1.6.0"));
        assertEquals("builtin", st.path("currentBundle").asText());
        send(batch(device, event("channel_set", null, Map.of("channel", "beta"))));
        assertEquals("beta", state().path("channelAsked").asText());
    }

    @Test
    void eventsRightAfterACheckAreNotOverwrittenByTheCheckStillWaitingToBeWritten() throws Exception {
        // A check is written behind (~200 ms); a device that installs and reports at once must not see its new
        // current bundle replaced by the older state of that check when the check is written after the events.
        for (int i = 0; i < 5; i++) {
            String d = DeviceFixture.newDevice();
            f.check(d, Map.of("currentBundle", "builtin"));
            send(batch(d, event("set", "1.5.0", Map.of()), event("app_ready", "1.5.0", Map.of())));
            JsonNode st = json(s.json("GET", f.base + "/devices/" + d, null));
            assertEquals("1.5.0", st.path("currentBundle").asText(), "device " + i);
        }
    }

    @Test
    void aCheckAfterReportsIsWrittenEvenIfItRepeatsTheDevicesEarlierCheck() throws Exception {
        // ADR 0115: a check that repeats the device's last written check within a minute is not written again, but
        // reports change the row in between: the next check must be written, so the row shows what the device said last.
        String d = DeviceFixture.newDevice();
        f.check(d, Map.of("currentBundle", "builtin"));
        assertEquals("builtin", json(s.json("GET", f.base + "/devices/" + d, null)).path("currentBundle").asText());
        send(batch(d, event("set", "1.5.0", Map.of())));
        assertEquals("1.5.0", json(s.json("GET", f.base + "/devices/" + d, null)).path("currentBundle").asText());
        f.check(d, Map.of("currentBundle", "builtin"));
        assertEquals("builtin", json(s.json("GET", f.base + "/devices/" + d, null)).path("currentBundle").asText());
    }

    @Test
    void checksAndEventsShareTheTimeline() throws Exception {
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        f.check(device, Map.of("customId", "tester-1"));
        send(batch(device, event("app_launch", null, Map.of())));
        JsonNode events = json(s.json("GET", f.base + "/devices/" + device + "/events", null)).path("items");
        assertEquals(2, events.size());
        assertEquals("app_launch", events.get(0).path("action").asText());
        assertEquals("update_check", events.get(1).path("action").asText());
        assertEquals("up_to_date", events.get(1).path("details").path("outcome").asText());
        JsonNode st = state();
        assertEquals("tester-1", st.path("customId").asText());
        assertEquals("1.4.0", st.path("nativeVersion").asText());
        assertEquals("up_to_date", st.path("lastOutcome").asText());
        assertEquals("already_on_builtin", st.path("lastError").asText());
        assertEquals("default", st.path("channelSource").asText());
    }

    @Test
    void malformedBatchesAreRefusedByIndex() throws Exception {
        ObjectNode bad = batch(device, event("app_launch", null, Map.of()), event("jump", null, Map.of()));
        var r = f.post("/stats", bad.toString());
        assertEquals(400, r.statusCode(), r.body());
        JsonNode err = Json.mapper().readTree(r.body());
        assertEquals("unknown_action", err.path("error").asText());
        assertEquals("events[1].action", err.path("field").asText());
        assertEquals(1, err.path("index").asInt());
        // Nothing of a refused batch is stored.
        assertEquals(404, s.json("GET", f.base + "/devices/" + device, null).statusCode());
        ObjectNode[] many = new ObjectNode[201];
        for (int i = 0; i < many.length; i++) {
            many[i] = event("foreground", null, Map.of());
        }
        r = f.post("/stats", batch(device, many).toString());
        assertEquals(400, r.statusCode());
        assertEquals("too_many_events", Json.mapper().readTree(r.body()).path("error").asText());
        ObjectNode huge = batch(device, event("foreground", null, Map.of("reason", "x".repeat(300 * 1024))));
        assertEquals(413, f.post("/stats", huge.toString()).statusCode());
        ObjectNode badId = batch(device, event("foreground", null, Map.of()));
        ((ObjectNode) badId.path("events").get(0)).put("id", "has spaces");
        assertEquals("events[0].id", Json.mapper().readTree(f.post("/stats", badId.toString()).body()).path("field").asText());
        ObjectNode badAt = batch(device, event("foreground", null, Map.of()));
        ((ObjectNode) badAt.path("events").get(0)).put("at", "yesterday");
        assertEquals("events[0].at", Json.mapper().readTree(f.post("/stats", badAt.toString()).body()).path("field").asText());
        ObjectNode unknownApp = batch(device, event("foreground", null, Map.of()));
        unknownApp.put("appId", "com.example.nothere");
        assertEquals(404, f.post("/stats", unknownApp.toString()).statusCode());
    }

    @Test
    void fuzzedBatchesNeverGetA5xx() throws Exception {
        Random random = new Random(7);
        String good = batch(device, event("download_progress", "1.5.0", Map.of("percent", "10")),
                event("set", "1.5.0", Map.of())).toString();
        for (int i = 0; i < 300; i++) {
            String body = Fuzz.mutate(good, random);
            var r = f.post("/stats", body);
            assertTrue(r.statusCode() < 500, body + " -> " + r.statusCode() + " " + r.body());
        }
        for (int i = 0; i < 100; i++) {
            String body = Fuzz.mutate(f.checkBody(device, Map.of()).toString(), random);
            var r = f.post("/channel_self", body);
            assertTrue(r.statusCode() < 500, body + " -> " + r.statusCode() + " " + r.body());
        }
    }

    @Test
    void tooManyConcurrentBatchesGet429WithRetryAfter(@TempDir Path other) throws Exception {
        try (RunningServer busy = RunningServer.start(new ServerConfig("127.0.0.1", 0, other).withStatsConcurrency(0))) {
            DeviceFixture g = new DeviceFixture(busy, APP).create();
            var r = g.post("/stats", batch(device, event("foreground", null, Map.of())).toString());
            assertEquals(429, r.statusCode(), r.body());
            assertEquals("2", r.headers().firstValue("Retry-After").orElse(""));
            assertEquals("overloaded", Json.mapper().readTree(r.body()).path("error").asText());
            // Nothing stored: the device keeps its queue.
            assertEquals(404, busy.json("GET", g.base + "/devices/" + device, null).statusCode());
        }
    }
}
