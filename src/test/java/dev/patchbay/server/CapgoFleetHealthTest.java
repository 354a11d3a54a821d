package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of emulated compat devices, each following the reference plugin's documented cycle (check on foreground;
 * download the zip with its progress events; {@code set} the new bundle and reload; then either confirm, or miss
 * {@code notifyAppReady()} and roll back with {@code update_fail}; stats in queued batches), goes through a staged
 * rollout whose health policy pauses it when too many of them fail.
 */
class CapgoFleetHealthTest {
    static final String APP = "com.example.fleet";
    static final HealthPolicy POLICY = new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 900L, HealthAction.PAUSE);

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock();
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir).withRolloutTick(Duration.ofHours(1)), clock);
        f = new DeviceFixture(s, APP).create();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        f.publish("1.4.0", 1);
        f.publish("1.5.0", 2);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        CapgoPlugin.uploadPlain(s, APP, "1.4.0", CapgoPlugin.zip(Map.of("index.html", "<html>1.4.0</html>")));
        CapgoPlugin.uploadPlain(s, APP, "1.5.0", CapgoPlugin.zip(Map.of("index.html", "<html>1.5.0</html>")));
        DeviceFixture.json(s.json("PATCH", "/api/v1/apps/" + APP, "{\"capgoCompat\":true}"));
        client = PatchbayClient.connect(s.url(), s.adminKey);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    /** One foreground of a device: check, and if offered a bundle, install it; broken bundles roll back. */
    static void foreground(CapgoPlugin d, boolean bundleIsBroken, long t) throws Exception {
        JsonNode a = d.check();
        if (a.has("error") || !a.has("url")) {
            d.stats(d.event("app_moved_to_foreground", d.versionName, "", t, null));
            return;
        }
        String target = a.path("version").asText();
        String before = d.versionName;
        d.stats(d.event("download_zip_start", target, "", t, null), d.event("download_50", target, "", t + 1, null),
                d.event("download_complete", target, "", t + 2, null), d.event("set", target, before, t + 3, null));
        d.versionName = target;
        if (bundleIsBroken) {
            // appReadyTimeout passes without notifyAppReady(): the plugin reverts to the fallback and reports it.
            d.stats(d.event("update_fail", target, "", t + 10_000, null),
                    d.event("app_launch_timeout", target, "", t + 10_001, null));
            d.versionName = before;
        }
    }

    @Test
    void aStagedRolloutOfCompatDevicesPausesWhenTheyRollBack() throws Exception {
        Rollout r = client.startRollout(APP, "production", new RolloutStart("1.5.0", 10000, null, POLICY, null,
                "compat fleet"));
        clock.advance(Duration.ofMinutes(1));
        List<CapgoPlugin> fleet = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            CapgoPlugin d = new CapgoPlugin(s, APP, DeviceFixture.newDevice(), 6 + i % 3);
            d.versionName = "1.4.0";
            fleet.add(d);
        }
        long t = clock.instant().toEpochMilli();
        int broken = 0;
        for (int i = 0; i < fleet.size(); i++) {
            boolean fails = i % 3 == 0;                 // a third of the devices cannot start 1.5.0
            broken += fails ? 1 : 0;
            foreground(fleet.get(i), fails, t + i * 100L);
        }
        // A flush of the plugin's queue repeated after a lost answer changes nothing.
        CapgoPlugin first = fleet.get(0);
        first.stats(first.event("update_fail", "1.5.0", "", t + 10_000, null),
                first.event("app_launch_timeout", "1.5.0", "", t + 10_001, null));
        clock.advance(Duration.ofMinutes(5));
        s.server.supervisor().tick(clock.instant());

        Rollout paused = client.rollout(APP, "production");
        assertEquals(r.id(), paused.id());
        assertEquals(RolloutState.PAUSED, paused.state(), paused.reason());
        assertEquals(fleet.size(), paused.lastHealth().attempts(), paused.lastHealth().reason());
        assertEquals(broken, paused.lastHealth().failures(), paused.lastHealth().reason());
        assertTrue(paused.reason().startsWith("health policy: " + broken + " of " + fleet.size()
                + " devices failed"), paused.reason());

        // Paused: devices that rolled back stay on 1.4.0, devices on 1.5.0 keep it.
        for (CapgoPlugin d : fleet) {
            JsonNode a = d.check();
            assertEquals("up_to_date", a.path("kind").asText(), d.versionName + ": " + a);
        }
        // The device page tells the rolled-back bundle and why.
        JsonNode dev = DeviceFixture.json(s.json("GET", f.base + "/devices/" + first.deviceId, null));
        assertEquals("1.4.0", dev.path("currentBundle").asText(), dev.toString());
    }

    /** ADR 0094 on the compat road: compat stats from device ids the server never offered the target move nothing. */
    @Test
    void compatRollbacksFromDevicesNeverOfferedTheTargetMoveNothing() throws Exception {
        client.startRollout(APP, "production", new RolloutStart("1.5.0", 10000, null, POLICY, null, "compat fleet"));
        clock.advance(Duration.ofMinutes(1));
        long t = clock.instant().toEpochMilli();
        for (int i = 0; i < 30; i++) {
            CapgoPlugin spoof = new CapgoPlugin(s, APP, DeviceFixture.newDevice(), 7);
            spoof.versionName = "1.5.0";
            spoof.stats(spoof.event("update_fail", "1.5.0", "", t + i, null));
        }
        clock.advance(Duration.ofSeconds(30));
        s.server.supervisor().tick(clock.instant());
        Rollout r = client.rollout(APP, "production");
        assertEquals(RolloutState.RUNNING, r.state(), r.reason());
        assertEquals(0, r.lastHealth().failures(), r.lastHealth().reason());
        assertEquals(Map.of("not_offered", 30L), r.lastHealth().discarded());
    }
}
