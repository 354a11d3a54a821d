package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
