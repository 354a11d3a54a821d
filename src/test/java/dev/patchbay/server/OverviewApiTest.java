package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.overview.OverviewApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/apps/{app}/overview} on devices and events made through the device protocol. */
class OverviewApiTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    final MutableClock clock = new MutableClock();

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir, clock);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
    }

    @AfterEach
    void stop() {
        s.close();
    }

    /** Sends device events as the updater does ({@code POST /stats}). */
    void events(DeviceFixture app, String device, String... actions) throws Exception {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("appId", app.app);
        b.put("deviceId", device);
        ArrayNode list = b.putArray("events");
        for (String action : actions) {
            ObjectNode e = list.addObject();
            e.put("id", UUID.randomUUID().toString());
            e.put("action", action);
            e.put("bundle", "1.5.0");
            e.putNull("oldBundle");
            e.put("at", "2026-11-22T18:00:00Z");
            e.putObject("details");
        }
        json(app.post("/stats", b.toString()));
    }

    JsonNode overview() throws Exception {
        return json(s.json("GET", f.base + "/overview", null));
    }

    @Test
    void countsDevicesAndFailuresOfTheLastDay() throws Exception {
        JsonNode empty = overview();
        assertEquals(0, empty.path("devices").asLong());
        assertEquals(0, empty.path("devicesSeen24h").asLong());
        assertEquals(0, empty.path("failures24h").asLong());
        assertEquals(0, empty.path("rolloutsInFlight").size());

        String a = DeviceFixture.newDevice();
        String b = DeviceFixture.newDevice();
        String c = DeviceFixture.newDevice();
        String d = DeviceFixture.newDevice();
        f.check(a, Map.of());
        f.check(b, Map.of());
        events(f, a, "download_fail", "rollback");
        JsonNode now = overview();
        assertEquals(2, now.path("devices").asLong());
        assertEquals(2, now.path("devicesSeen24h").asLong());
        assertEquals(1, now.path("failures24h").asLong(), "a device that failed twice counts once");
        // Devices per bundle are counted at most once a minute per app: the empty count is served until then.
        assertEquals(0, now.path("devicesByBundle").size(), now.toString());
        assertEquals(empty.path("devicesByBundleAt").asText(), now.path("devicesByBundleAt").asText());
        clock.advance(Duration.ofSeconds(61));
        now = overview();
        assertEquals(1, now.path("devicesByBundle").size(), now.toString());
        assertEquals("builtin", now.path("devicesByBundle").get(0).path("bundle").asText(), "both run the builtin assets");
        assertEquals(2, now.path("devicesByBundle").get(0).path("devices").asLong());

        clock.advance(Duration.ofHours(25));
        f.check(c, Map.of());
        events(f, b, "rollback", "verify_fail", "download_fail");
        events(f, c, "download_fail");
        events(f, d, "app_ready", "download_start", "disk_full");
        // Another app's failing device is not counted.
        DeviceFixture other = new DeviceFixture(s, "com.example.news").create();
        events(other, DeviceFixture.newDevice(), "rollback");

        JsonNode o = overview();
        assertEquals(4, o.path("devices").asLong(), o.toString());
        assertEquals(3, o.path("devicesSeen24h").asLong(), "a was last seen 25 h ago: " + o);
        assertEquals(2, o.path("failures24h").asLong(), "b and c; a's failures are older than 24 h: " + o);
    }

    @Test
    void listsTheRunningAndPausedRollouts() throws Exception {
        f.channel("{\"name\":\"beta\"}");
        f.channel("{\"name\":\"canary\"}");
        Rollouts.insert(dataDir, APP, "production", "1.5.0", 1250, "running", null);
        Rollouts.insert(dataDir, APP, "beta", "1.6.0", 5000, "paused",
                "{\"auto\":true,\"stages\":[{\"bps\":100,\"minSoakSeconds\":0,\"gate\":\"none\"},"
                        + "{\"bps\":5000,\"minSoakSeconds\":60,\"gate\":\"healthy\"}]}");
        Rollouts.insert(dataDir, APP, "canary", "1.4.0", 10000, "completed", null);
        JsonNode list = overview().path("rolloutsInFlight");
        assertEquals(2, list.size(), list.toString());
        JsonNode beta = list.get(0);
        assertEquals("beta", beta.path("channel").asText());
        assertEquals("paused", beta.path("state").asText());
        assertEquals(5000, beta.path("bps").asInt());
        assertEquals(2, beta.path("plan").path("stages").size());
        assertEquals(1, beta.path("stageIndex").asInt());
        JsonNode production = list.get(1);
        assertEquals("production", production.path("channel").asText());
        assertEquals("running", production.path("state").asText());
        assertEquals(1250, production.path("bps").asInt());
        assertEquals("1.5.0", production.path("targetBundle").asText());
        assertTrue(production.path("plan").isNull());
    }

    /** The 24 h counts read index ranges, not every device or event of the app (measured: docs/benchmarks.md). */
    @Test
    void theCountsUseTheirIndexes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.patchbay.server.store.TestDatabases.onPostgres(),
                "reads H2's query plans");
        String url = "jdbc:h2:file:" + dataDir.resolve("db").resolve("patchbay").toAbsolutePath() + ";MODE=Regular";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "patchbay", "")) {
            Object since = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusHours(24);
            try (var ps = c.prepareStatement("EXPLAIN " + OverviewApi.SEEN_SQL)) {
                ps.setString(1, APP);
                ps.setObject(2, since);
                String plan = plan(ps);
                assertTrue(plan.matches(".*DEVICES_SEEN: APP_ID = \\S+ AND LAST_SEEN >= .*"), plan);
            }
            try (var ps = c.prepareStatement("EXPLAIN " + OverviewApi.FAILURES_SQL)) {
                for (int i = 0; i < 3; i++) {
                    ps.setString(3 * i + 1, APP);
                    ps.setString(3 * i + 2, "rollback");
                    ps.setObject(3 * i + 3, since);
                }
                String plan = plan(ps);
                assertEquals(3, plan.split("DEVICE_EVENTS_ACTION:", -1).length - 1, plan);
            }
        }
    }

    private static String plan(java.sql.PreparedStatement ps) throws Exception {
        try (var rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1).replaceAll("\\s+", " ");
        }
    }

    @Test
    void unknownOrMalformedApp() throws Exception {
        assertError(s.json("GET", "/api/v1/apps/com.example.nothere/overview", null), 404, "not_found", null);
        assertError(s.json("GET", "/api/v1/apps/shop/overview", null), 400, "validation_failed", "appId");
        assertEquals(401, s.send("GET", f.base + "/overview", null, null, null).statusCode());
    }
}
