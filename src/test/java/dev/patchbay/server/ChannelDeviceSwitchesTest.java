package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel switches "physical devices" and "production builds" (ADR 0105), beside the emulator and dev-build ones:
 * stored with the channel, enforced by the update check with a reason, recorded as the device's last check (the
 * device detail's "why this bundle"), and audited.
 */
class ChannelDeviceSwitchesTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void aQaChannelServesOnlyEmulatorsWithDevelopmentBuilds() throws Exception {
        f.publish("1.5.0", 8);
        f.channel("{\"name\":\"qa\",\"defaultFor\":[\"android\"],\"allowPhysicalDevices\":false,"
                + "\"allowProductionBuilds\":false}");
        f.patchChannel("qa", "{\"bundle\":\"1.5.0\"}");
        JsonNode channel = json(s.json("GET", f.base + "/channels/qa", null));
        assertFalse(channel.path("allowPhysicalDevices").asBoolean(true), channel.toString());
        assertFalse(channel.path("allowProductionBuilds").asBoolean(true), channel.toString());
        assertTrue(channel.path("allowEmulators").asBoolean(), channel.toString());

        String phone = DeviceFixture.newDevice();
        JsonNode a = f.check(phone, Map.of("isProduction", false));
        assertEquals("blocked", a.path("kind").asText(), a.toString());
        assertEquals("physical_device_disabled", a.path("error").asText());
        assertTrue(a.path("message").asText().contains("does not update physical devices"), a.toString());

        String emulator = DeviceFixture.newDevice();
        JsonNode b = f.check(emulator, Map.of("isEmulator", true));
        assertEquals("production_build_disabled", b.path("error").asText(), b.toString());
        assertTrue(b.path("message").asText().contains("does not update production builds"), b.toString());

        JsonNode c = f.check(emulator, Map.of("isEmulator", true, "isProduction", false));
        assertEquals("update", c.path("kind").asText(), c.toString());

        // The device detail says why: its last check's outcome and reason.
        JsonNode detail = json(s.json("GET", f.base + "/devices/" + phone, null));
        assertEquals("physical_device_disabled", detail.path("lastError").asText(), detail.toString());
        assertTrue(detail.path("lastMessage").asText().contains("emulators only"), detail.toString());

        f.patchChannel("qa", "{\"allowPhysicalDevices\":true}");
        assertEquals("update", f.check(phone, Map.of("isProduction", false)).path("kind").asText());
        assertEquals("production_build_disabled", f.check(phone, Map.of()).path("error").asText());

        JsonNode audit = json(s.json("GET", "/api/v1/audit?action=channel.update", null));
        assertTrue(audit.toString().contains("physicalDevices=false") && audit.toString().contains("physicalDevices=true"),
                audit.toString());
    }
}
