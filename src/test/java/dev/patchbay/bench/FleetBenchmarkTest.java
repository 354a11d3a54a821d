package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.updater.AutoUpdate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/fleet.sh's code path with 20 devices, so the benchmark cannot rot (the 10,000-device run is manual). */
class FleetBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void twentyDevicesUpdateAndAreMeasured() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        FleetBenchmark.Result r = FleetBenchmark.run(new FleetBenchmark.Options(20, AutoUpdate.ALWAYS, 0,
                dir.resolve("fleet"), false, Duration.ofSeconds(60), false), new PrintStream(buf, true,
                StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, r.notUpdated(), out);
        assertEquals(20, r.checks(), out);
        assertEquals(0, r.failedChecks(), out);
        assertNotNull(r.checkP99(), out);
        assertTrue(r.checksPerSecond() > 0 && r.peakAfterGcBytes() > 0, out);
        assertTrue(r.bytesPerDevice() > 200_000 && r.filesPerDevice() >= 20, "builtin + the 20-file bundle: " + out);
        assertTrue(out.contains("RESULT devices=20 notUpdated=0"), out);
    }
}
