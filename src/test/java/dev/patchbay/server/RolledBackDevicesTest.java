package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.Device;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/rollouts.md §2: a device that rolled back a running rollout's target is served the channel's stable bundle and
 * is never offered the target again, while the devices that did not still get it; the device says "rolled back"
 * ({@code rolledBack}) until it confirms that bundle, and its rollout explanation says why.
 */
class RolledBackDevicesTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        f.publish("1.4.0", 1);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        f.publish("1.5.0", 2);
        client = PatchbayClient.connect(s.url(), s.adminKey);
        client.startRollout(APP, "production", new RolloutStart("1.5.0", 10000, null, null, null, "all at once"));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void aDeviceThatRolledTheTargetBackGetsTheStableAndNotTheTargetAgain() throws Exception {
        String failing = DeviceFixture.newDevice();
        String fine = DeviceFixture.newDevice();
        JsonNode first = f.check(failing, Map.of());
        assertEquals("update", first.path("kind").asText(), first.toString());
        assertEquals("1.5.0", first.path("release").path("release").path("version").asText());

        // 1.5.0 never called notifyAppReady: the runtime went back to the builtin assets and said so.
        stats(failing, "rollback", "1.5.0", Map.of("reason", "app_ready_timeout", "to", "builtin"));
        JsonNode again = f.check(failing, Map.of());
        assertEquals("update", again.path("kind").asText(), again.toString());
        assertEquals("1.4.0", again.path("release").path("release").path("version").asText(), "the stable, not the failing target");
        JsonNode onStable = f.check(failing, Map.of("currentBundle", "1.4.0", "currentSequence", 1));
        assertEquals("up_to_date", onStable.path("kind").asText(), onStable.toString());

        JsonNode other = f.check(fine, Map.of());
        assertEquals("1.5.0", other.path("release").path("release").path("version").asText(), "devices that did not fail still move");

        Device d = client.device(APP, failing);
        assertEquals("1.5.0", d.rolledBack());
        assertTrue(d.rollout().explanation().contains("rolled 1.5.0 back: gets stable 1.4.0 and is not offered 1.5.0"
                + " again"), d.rollout().explanation());
        assertNull(client.device(APP, fine).rolledBack());
        // In the change feed the Devices page syncs from, too.
        JsonNode changes = json(s.json("GET", f.base + "/devices/changes", null));
        boolean listed = false;
        for (JsonNode item : changes.path("items")) {
            if (item.path("deviceId").asText().equals(failing)) {
                listed = "1.5.0".equals(item.path("rolledBack").asText());
            }
        }
        assertTrue(listed, changes.toString());

        // Confirming 1.5.0 later (a fixed native build, say) ends "rolled back".
        stats(failing, "app_ready", "1.5.0", Map.of());
        assertNull(client.device(APP, failing).rolledBack());
    }

    private void stats(String device, String action, String bundle, Map<String, String> details) throws Exception {
        ObjectNode batch = Json.mapper().createObjectNode();
        batch.put("appId", APP);
        batch.put("deviceId", device);
        ObjectNode e = batch.putArray("events").addObject();
        e.put("id", UUID.randomUUID().toString());
        e.put("action", action);
        e.put("bundle", bundle);
        e.put("at", Instant.now().toString());
        ObjectNode d = e.putObject("details");
        details.forEach(d::put);
        DeviceFixture.ok(f.post("/stats", batch.toString()), 200);
    }
}
