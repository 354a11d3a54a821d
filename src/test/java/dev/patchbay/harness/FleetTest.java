package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleets of headless devices in one JVM run to completion against a real server. */
class FleetTest {
    @TempDir
    static Path dir;
    static DeviceLab server;

    @BeforeAll
    static void start() throws Exception {
        server = new DeviceLab(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFleetUpdatesInEveryModeAndReportsWhereEachDeviceEnded() throws Exception {
        try (DeviceLab lab = server.newApp()) {
            lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
            for (AutoUpdate mode : AutoUpdate.values()) {
                try (Fleet fleet = new Fleet(new Fleet.Options(lab.dir.resolve("fleet-" + mode), 8, lab.app(mode), 4,
                        Map.of(), null))) {
                    FleetSummary s = fleet.run(Duration.ofSeconds(60));
                    assertEquals(Map.of("updated", 8), s.byOutcome(), mode + ": " + s.devices());
                    assertEquals(Map.of("1.1.0 success", 8), s.byVersion());
                    s.devices().forEach(d -> assertNotNull(d.ready(), d.toString()));
                    assertTrue(s.peakHeapBytes() > 0);
                    assertNotNull(s.percentile(FleetSummary.DeviceResult::ready, 95));
                }
            }
        }
    }

    @Test
    void roundsWithAMixInjectFailuresOnTheSameDevicesEveryTimeAndTheServerSeesTheMix() throws Exception {
        try (DeviceLab lab = server.newApp()) {
            lab.app.channel("{\"name\":\"beta\",\"allowDeviceSelfAssign\":true}");
            lab.app.patchChannel(DeviceLab.CHANNEL, "{\"defaultFor\":[\"android\",\"ios\"]}");
            lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
            FleetMix mix = new FleetMix("fleet-test", Map.of("android", 60, "ios", 40),
                    new java.util.LinkedHashMap<>(Map.of("1.0.0", 70, "1.0.1", 30)), Map.of("beta", 20), 10, 10,
                    Map.of("1.1.0", 0.25), SimulatedBehaviour.neverReady(), 50);
            int n = 40;
            try (Fleet fleet = new Fleet(new Fleet.Options(lab.dir.resolve("rounds"), n,
                    lab.quickRollback(AutoUpdate.ALWAYS), 8, Map.of(), null, false, mix))) {
                List<FleetMix.Profile> profiles = fleet.profiles();
                Set<String> failing = new HashSet<>();
                for (FleetMix.Profile p : profiles) {
                    if (p.failing().contains("1.1.0")) {
                        failing.add(p.deviceId());
                    }
                    assertEquals(FleetMix.fails(p.deviceId(), "1.1.0", 0.25), p.failing().contains("1.1.0"));
                    assertEquals(p, mix.profile(p.serial(), "1.0.0"), "the same device every time");
                }
                assertTrue(failing.size() > 3 && failing.size() < 18, "about a quarter fail: " + failing.size());
                assertTrue(profiles.stream().anyMatch(p -> p.platform().equals("ios")));
                assertTrue(profiles.stream().anyMatch(p -> "beta".equals(p.channel())));

                // The beta channel serves nothing: beta devices stay on builtin; the others take 1.1.0 or roll it back.
                FleetRound r1 = fleet.round(Duration.ofSeconds(30), 8);
                assertEquals(n, r1.sessions().size());
                assertEquals(0, r1.errors(), r1.sessions().toString());
                for (FleetRound.Session s : r1.sessions()) {
                    FleetMix.Profile p = profiles.stream().filter(x -> x.serial().equals(s.serial())).findFirst()
                            .orElseThrow();
                    assertEquals(p.deviceId(), s.deviceId());
                    if ("beta".equals(p.channel())) {
                        assertEquals("up_to_date", s.outcome(), s.toString());
                        assertEquals(p.nativeVersion(), s.bundle(), s.toString());
                    } else if (failing.contains(p.deviceId())) {
                        assertEquals("rolled_back", s.outcome(), s.toString());
                        assertEquals(p.nativeVersion(), s.bundle(), s.toString());
                    } else {
                        assertEquals("updated", s.outcome(), s.toString());
                        assertEquals("1.1.0", s.bundle(), s.toString());
                    }
                }
                assertEquals(r1.count("rolled_back"), r1.rollbacksSoFar());
                assertTrue(r1.count("rolled_back") > 0, r1.line());

                // A rollback is not retried: the next round changes nothing.
                FleetRound r2 = fleet.round(Duration.ofSeconds(30), 8);
                assertEquals(Map.of("up_to_date", n), r2.byOutcome(), r2.sessions().toString());
                assertEquals(r1.byBundle(), r2.byBundle());
                assertEquals(r1.rollbacksSoFar(), r2.rollbacksSoFar());

                // What the server recorded: each device's platform, native version, emulator and build flags.
                JsonNode list = DeviceFixture.json(lab.server.json("GET", "/api/v1/apps/" + lab.appId
                        + "/devices?limit=500", null)).path("items");
                assertEquals(n, list.size(), list.toString());
                for (FleetMix.Profile p : profiles) {
                    JsonNode d = null;
                    for (JsonNode x : list) {
                        if (x.path("deviceId").asText().equals(p.deviceId())) {
                            d = x;
                        }
                    }
                    assertNotNull(d, p.toString());
                    assertEquals(p.platform(), d.path("platform").asText(), d.toString());
                    assertEquals(p.nativeVersion(), d.path("nativeVersion").asText(), d.toString());
                    assertEquals(p.emulator(), d.path("isEmulator").asBoolean(), d.toString());
                    assertEquals(!p.devBuild(), d.path("isProduction").asBoolean(), d.toString());
                }
            }
        }
    }

    @Test
    void mixOptionsAreCheckedAndNameTheField() {
        assertEquals(new java.util.LinkedHashMap<>(Map.of("1.4.0", 70)), FleetMix.weights("--native", "1.4.0=70"));
        assertEquals(0.2, FleetMix.rate("--failure-rate", "1.5.0=20%").getValue(), 1e-9);
        assertEquals(0.2, FleetMix.rate("--failure-rate", "1.5.0=0.2").getValue(), 1e-9);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetMix.rate("--failure-rate", "1.5.0=1.5"));
        assertTrue(e.getMessage().startsWith("--failure-rate"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetMix.weights("--native", "1.4.0"));
        assertTrue(e.getMessage().startsWith("--native"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FleetMix(null, Map.of("windows", 1), null, null, 0, 0, null, null, 0));
        assertTrue(e.getMessage().startsWith("platforms"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FleetMix(null, null, null, Map.of("a", 60, "b", 50), 0, 0, null, null, 0));
        assertTrue(e.getMessage().startsWith("channel"), e.getMessage());
    }

    @Test
    void aBundleThatNeverConfirmsEndsEveryDeviceRolledBack() throws Exception {
        try (DeviceLab lab = server.newApp()) {
            lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
            try (Fleet fleet = new Fleet(new Fleet.Options(lab.dir.resolve("fleet"), 6,
                    lab.quickRollback(AutoUpdate.ALWAYS), 3,
                    Map.of("1.1.0", SimulatedBehaviour.neverReady()), null))) {
                FleetSummary s = fleet.run(Duration.ofSeconds(60));
                assertEquals(Map.of("rolled_back", 6), s.byOutcome(), s.devices().toString());
                assertEquals(Map.of("1.0.0 success", 6), s.byVersion());
            }
        }
    }
}
