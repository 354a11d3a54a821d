package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices in the management API: paging, state, timeline, overrides; and /channel_self. */
class DevicesApiTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void devicesArePagedById() throws Exception {
        TreeSet<String> ids = new TreeSet<>();
        for (int i = 0; i < 7; i++) {
            String d = DeviceFixture.newDevice();
            ids.add(d);
            f.check(d, Map.of());
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = json(s.json("GET", f.base + "/devices?limit=3" + (after == null ? "" : "&after=" + after), null));
            page.path("items").forEach(d -> seen.add(d.path("deviceId").asText()));
            after = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (after != null);
        assertEquals(new ArrayList<>(ids), seen);
        assertEquals(3, pages);
        assertError(s.json("GET", f.base + "/devices?limit=0", null), 400, "invalid_field", "limit");
        assertError(s.json("GET", f.base + "/devices?limit=x", null), 400, "invalid_field", "limit");
        assertError(s.json("GET", "/api/v1/apps/com.example.nothere/devices", null), 404, "not_found", null);
        assertError(s.json("GET", f.base + "/devices/NOT-A-UUID", null), 400, "invalid_field", "deviceId");
        assertError(s.json("GET", f.base + "/devices/" + DeviceFixture.newDevice(), null), 404, "not_found", null);
        assertEquals(401, s.send("GET", f.base + "/devices", null, null, null).statusCode());
    }

    @Test
    void checkStateIsVisibleWithinASecondWithoutAManagementRead() throws Exception {
        String d = DeviceFixture.newDevice();
        f.check(d, Map.of());
        // The write-behind flushes on its own (no management read forces it here): look in the database itself.
        long deadline = System.currentTimeMillis() + 1000;
        boolean found = false;
        try (java.sql.Connection c = dev.patchbay.server.store.TestDatabases.connect(dataDir)) {
            while (!found && System.currentTimeMillis() < deadline) {
                try (var ps = c.prepareStatement("SELECT COUNT(*) FROM devices WHERE device_id = ?")) {
                    ps.setString(1, d);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        found = rs.getInt(1) == 1;
                    }
                }
                Thread.sleep(20);
            }
        }
        assertTrue(found, "device state written within 1 s");
    }

    @Test
    void timelineIsNewestFirstAndPaged() throws Exception {
        String d = DeviceFixture.newDevice();
        for (int i = 0; i < 5; i++) {
            f.check(d, Map.of("currentBundle", "0.9." + i));
        }
        JsonNode first = json(s.json("GET", f.base + "/devices/" + d + "/events?limit=2", null));
        assertEquals(2, first.path("items").size());
        long newest = first.path("items").get(0).path("seq").asLong();
        assertTrue(newest > first.path("items").get(1).path("seq").asLong());
        JsonNode rest = json(s.json("GET", f.base + "/devices/" + d + "/events?limit=10&before="
                + first.path("next").asText(), null));
        assertEquals(3, rest.path("items").size());
        assertTrue(rest.path("next").isNull());
        for (String bad : new String[] {"x", "1", "1.x", "-5.3", "9223372036854775807.1", "1.2.3", "99999999999999999999.1"}) {
            assertError(s.json("GET", f.base + "/devices/" + d + "/events?before=" + bad, null), 400, "invalid_field",
                    "before");
        }
        assertEquals(0, json(s.json("GET", f.base + "/devices/" + d + "/events?before=0.0", null)).path("items").size());
        assertError(s.json("GET", f.base + "/devices?after=" + "x".repeat(65), null), 400, "invalid_field", "after");
        assertError(s.json("GET", f.base + "/devices/" + d + "/events?limit=501", null), 400, "invalid_field", "limit");
    }

    @Test
    void aRepeatedAnswerOnlyMovesLastSeen() throws Exception {
        String d = DeviceFixture.newDevice();
        for (int i = 0; i < 4; i++) {
            f.check(d, Map.of());
        }
        JsonNode first = json(s.json("GET", f.base + "/devices/" + d, null));
        f.check(d, Map.of());
        JsonNode events = json(s.json("GET", f.base + "/devices/" + d + "/events", null)).path("items");
        assertEquals(1, events.size(), events.toString());
        JsonNode after = json(s.json("GET", f.base + "/devices/" + d, null));
        assertTrue(java.time.Instant.parse(after.path("lastSeen").asText())
                .isAfter(java.time.Instant.parse(first.path("lastSeen").asText()).minusMillis(1)));
        // Another answer (the channel now serves a bundle) is a new entry.
        f.publish("1.5.0", 8);
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        f.check(d, Map.of());
        events = json(s.json("GET", f.base + "/devices/" + d + "/events", null)).path("items");
        assertEquals(2, events.size(), events.toString());
        assertEquals("update", events.get(0).path("details").path("outcome").asText());
        assertEquals("1.5.0", events.get(0).path("bundle").asText());
    }

    @Test
    void overridesAreValidatedAndAudited() throws Exception {
        f.channel("{\"name\":\"internal\"}");
        String d = DeviceFixture.newDevice();
        // A device can be pinned before it ever checked.
        JsonNode pinned = ok(s.json("PUT", f.base + "/devices/" + d + "/channel-override", "{\"channel\":\"internal\"}"), 200);
        assertEquals("internal", pinned.path("channelOverride").asText());
        JsonNode a = f.check(d, Map.of());
        assertEquals("internal", a.path("channel").asText());
        assertEquals("override", a.path("channelSource").asText());
        JsonNode st = json(s.json("GET", f.base + "/devices/" + d, null));
        assertEquals("override", st.path("channelSource").asText());
        assertEquals("internal", st.path("channel").asText());
        assertError(s.json("PUT", f.base + "/devices/" + d + "/channel-override", "{\"channel\":\"nope\"}"), 404,
                "not_found", "channel");
        assertError(s.json("PUT", f.base + "/devices/" + d + "/channel-override", "{\"channel\":\"bad name\"}"), 400,
                "validation_failed", "channel");
        assertError(s.json("PUT", f.base + "/devices/" + d + "/channel-override", "{\"chanel\":\"x\"}"), 400,
                "unknown_field", null);
        ok(s.json("DELETE", f.base + "/devices/" + d + "/channel-override", null), 204);
        assertTrue(json(s.json("GET", f.base + "/devices/" + d, null)).path("channelOverride").isNull());
        assertError(s.json("DELETE", f.base + "/devices/" + DeviceFixture.newDevice() + "/channel-override", null), 404,
                "not_found", null);
        assertEquals(401, s.send("PUT", f.base + "/devices/" + d + "/channel-override", "{\"channel\":\"internal\"}",
                null, "application/json").statusCode());
    }

    @Test
    void channelSelf() throws Exception {
        f.channel("{\"name\":\"beta\",\"allowDeviceSelfAssign\":true}");
        f.channel("{\"name\":\"ios-beta\",\"platforms\":[\"ios\"],\"allowDeviceSelfAssign\":true}");
        f.channel("{\"name\":\"internal\"}");
        String d = DeviceFixture.newDevice();
        String body = "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + d + "\",\"platform\":\"android\",\"channel\":";
        JsonNode ok = json(f.post("/channel_self", body + "\"beta\"}"));
        assertEquals("ok", ok.path("status").asText());
        assertEquals("beta", ok.path("channel").asText());
        assertEquals("self_assign_not_allowed", json(f.post("/channel_self", body + "\"internal\"}")).path("error").asText());
        assertEquals("channel_not_found", json(f.post("/channel_self", body + "\"nope\"}")).path("error").asText());
        assertEquals("channel_not_found", json(f.post("/channel_self", body + "\"ios-beta\"}")).path("error").asText());
        JsonNode cleared = json(f.post("/channel_self", body + "null}"));
        assertEquals("ok", cleared.path("status").asText());
        assertTrue(cleared.path("channel").isNull());
        assertEquals(400, f.post("/channel_self", "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + d
                + "\",\"platform\":\"android\"}").statusCode());
        JsonNode list = json(s.send("GET", "/channel_self?appId=" + APP + "&platform=android", null, null, null));
        assertEquals(1, list.path("items").size());
        assertEquals("beta", list.path("items").get(0).path("name").asText());
        JsonNode ios = json(s.send("GET", "/channel_self?appId=" + APP + "&platform=ios", null, null, null));
        assertEquals(2, ios.path("items").size());
        assertEquals(400, s.send("GET", "/channel_self?appId=" + APP, null, null, null).statusCode());
        assertEquals(400, s.send("GET", "/channel_self?platform=ios", null, null, null).statusCode());
        assertEquals(404, s.send("GET", "/channel_self?appId=com.example.none&platform=ios", null, null, null).statusCode());
    }

    @Test
    void stateIsFlushedOnStopAndSurvivesARestart() throws Exception {
        String d = DeviceFixture.newDevice();
        f.check(d, Map.of("customId", "kept"));
        s.close();
        s = RunningServer.start(dataDir);
        JsonNode st = json(s.json("GET", f.base + "/devices/" + d, null));
        assertEquals("kept", st.path("customId").asText());
        assertEquals(Json.mapper().readTree("{\"root\":\"" + f.keys.trust.rootKeyId() + "\",\"content\":\""
                + f.keys.trust.contentKeyId() + "\"}"), st.path("keyIds"));
    }
}
