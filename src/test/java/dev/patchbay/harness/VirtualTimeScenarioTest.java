package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices on virtual time: the runtime's timers (the 10 s app-ready timeout) pass when the test says so. */
class VirtualTimeScenarioTest {
    @TempDir
    Path dir;

    @Test
    void theAppReadyTimeoutPassesInVirtualTime() throws Exception {
        VirtualTime time = new VirtualTime(Instant.parse("2026-06-01T12:00:00Z"));
        try (DeviceLab lab = new DeviceLab(dir); DeviceEnvironment env = DeviceEnvironment.create(2, time)) {
            lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
            EmulatedDevice d = EmulatedDevice.builder(dir.resolve("devices"), "virtual-1").environment(env)
                    .simulated(Map.of("1.1.0", SimulatedBehaviour.neverReady()), SimulatedBehaviour.readyAfter(
                            Duration.ZERO)).build();
            d.install(lab.app(c -> c.autoUpdate(AutoUpdate.ALWAYS).appReadyTimeout(Duration.ofSeconds(10))));
            d.coldStart();
            long deadline = System.nanoTime() + Await.LONG.toNanos();
            while (!Await.current("1.1.0", "pending").test(d.state()) && System.nanoTime() < deadline) {
                time.advance(Duration.ofMillis(100));
                Thread.sleep(10);
            }
            Await.until(d, Await.showing("1.1.0"));
            Instant installed = time.now();
            d.updater().awaitIdle(Duration.ofSeconds(10));
            assertEquals("pending", d.state().current().status(), "no real time passes for a virtual timer");
            time.advance(Duration.ofSeconds(11));
            DeviceState s = Await.until(d, Await.current("1.0.0", "success").and(Await.showing("1.0.0")));
            assertEquals("builtin", s.current().id());
            assertTrue(Duration.between(installed, time.now()).toSeconds() <= 12);
            d.close();
        }
    }
}
