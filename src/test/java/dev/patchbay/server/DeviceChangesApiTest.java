package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/apps/{app}/devices/changes} (rollouts §6) on a real server. */
class DeviceChangesApiTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"beta\"}");
    }

    @AfterEach
    void stop() {
        s.close();
    }

    JsonNode changes(String since, int limit) throws Exception {
        return json(s.json("GET", f.base + "/devices/changes?limit=" + limit + (since == null ? "" : "&since=" + since),
                null));
    }

    /** Pages until more is false: device id → the last state seen; answers the final cursor. */
    String drain(String since, int limit, Map<String, JsonNode> into) throws Exception {
        String cursor = since;
        while (true) {
            JsonNode page = changes(cursor, limit);
            for (JsonNode d : page.path("items")) {
                into.put(d.path("deviceId").asText(), d);
            }
            cursor = page.path("cursor").asText();
            if (!page.path("more").asBoolean()) {
                return cursor;
            }
        }
    }

    void event(String device, String action, Map<String, String> details) throws Exception {
        ok(f.post("/stats", "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + device + "\",\"events\":["
                + StatsApiTest.event(action, "builtin", details) + "]}"), 200);
    }

    @Test
    void changesAppearAfterWritesOldestFirstAndOnlyOnce() throws Exception {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String d = DeviceFixture.newDevice();
            devices.add(d);
            f.check(d, Map.of());
            // Checks are written behind in batches, in no particular order within one batch: a management read
            // writes this one now, so the change order is the order of the checks.
            ok(s.json("GET", f.base + "/devices/" + d, null), 200);
        }
        JsonNode first = changes(null, 10);
        assertEquals(10, first.path("items").size());
        assertTrue(first.path("more").asBoolean());
        assertEquals(devices.get(0), first.path("items").get(0).path("deviceId").asText(), "oldest change first");
        assertEquals("android", first.path("items").get(0).path("platform").asText(), "the device JSON of lists");
        Map<String, JsonNode> seen = new HashMap<>();
        first.path("items").forEach(d -> seen.put(d.path("deviceId").asText(), d));
        String cursor = drain(first.path("cursor").asText(), 10, seen);
        assertEquals(devices.size(), seen.size());

        // Nothing changed: an empty page, same or later cursor.
        JsonNode none = changes(cursor, 10);
        assertEquals(0, none.path("items").size());
        assertFalse(none.path("more").asBoolean());

        // A stats event, a check and an override each bring their device back, and only it.
        event(devices.get(4), "channel_set", Map.of("channel", "beta"));
        JsonNode after = changes(none.path("cursor").asText(), 100);
        assertEquals(1, after.path("items").size());
        assertEquals(devices.get(4), after.path("items").get(0).path("deviceId").asText());
        assertEquals("beta", after.path("items").get(0).path("channelAsked").asText());

        f.check(devices.get(7), Map.of("nativeVersion", "1.5.0"));
        ok(s.json("PUT", f.base + "/devices/" + devices.get(9) + "/channel-override", "{\"channel\":\"beta\"}"), 200);
        Map<String, JsonNode> again = new HashMap<>();
        drain(after.path("cursor").asText(), 100, again);
        assertEquals(java.util.Set.of(devices.get(7), devices.get(9)), again.keySet());
        assertEquals("1.5.0", again.get(devices.get(7)).path("nativeVersion").asText());
        assertEquals("beta", again.get(devices.get(9)).path("channelOverride").asText());
    }

    @Test
    void concurrentWritesAreNeverSkipped() throws Exception {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            devices.add(DeviceFixture.newDevice());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, JsonNode> cache = new HashMap<>();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int offset = w;
                writers.add(pool.submit(() -> {
                    for (int n = 0; n < 40; n++) {
                        String d = devices.get((n * 3 + offset) % devices.size());
                        if (n % 2 == 0) {
                            event(d, "channel_set", Map.of("channel", "c" + offset + "-" + n));
                        } else {
                            f.check(d, Map.of("nativeVersion", "1." + offset + "." + n));
                        }
                    }
                    return null;
                }));
            }
            // A reader syncing all along, as the console does.
            Future<String> reader = pool.submit(() -> {
                String cursor = null;
                while (!stop.get()) {
                    cursor = drain(cursor, 7, cache);
                }
                return cursor;
            });
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            String cursor = reader.get(60, TimeUnit.SECONDS);
            drain(cursor, 7, cache);
        } finally {
            pool.shutdownNow();
        }
        Map<String, JsonNode> truth = new HashMap<>();
        for (JsonNode d : json(s.json("GET", f.base + "/devices?limit=500", null)).path("items")) {
            truth.put(d.path("deviceId").asText(), d);
        }
        assertEquals(truth.keySet(), cache.keySet());
        for (String d : truth.keySet()) {
            assertEquals(truth.get(d).path("channelAsked"), cache.get(d).path("channelAsked"), d);
            assertEquals(truth.get(d).path("nativeVersion"), cache.get(d).path("nativeVersion"), d);
            assertEquals(truth.get(d).path("lastSeen"), cache.get(d).path("lastSeen"), d);
        }
    }

    @Test
    void badCursorAndLimitAreRefusedNamingTheField() throws Exception {
        for (String since : new String[] {"abc", "-1", "1.5", "01", ""}) {
            var r = s.json("GET", f.base + "/devices/changes?since=" + since, null);
            assertEquals(400, r.statusCode(), since);
            assertEquals("since", Json(r.body()).path("field").asText());
        }
        for (String limit : new String[] {"0", "10001", "x"}) {
            var r = s.json("GET", f.base + "/devices/changes?limit=" + limit, null);
            assertEquals(400, r.statusCode(), limit);
            assertEquals("limit", Json(r.body()).path("field").asText());
        }
        assertFalse(changes(null, 10000).path("more").asBoolean(), "10000 is a valid limit");
        assertFalse(changes("0", 1).path("more").asBoolean(), "0 is the cursor of the beginning");
        assertEquals(404, s.json("GET", "/api/v1/apps/com.example.none/devices/changes", null).statusCode());
        assertEquals(401, s.send("GET", f.base + "/devices/changes", null, null, null).statusCode());
    }

    static JsonNode Json(String body) throws Exception {
        return dev.patchbay.domain.Json.mapper().readTree(body);
    }
}
