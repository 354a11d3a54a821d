package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchbay serve} options: the durations it reads and the values it refuses before starting. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void readsShortDurations() {
        assertEquals(Duration.ofMillis(500), ServeCommand.tick("500ms"));
        assertEquals(Duration.ofSeconds(10), ServeCommand.tick("10s"));
        assertEquals(Duration.ofMinutes(1), ServeCommand.tick("1m"));
        assertEquals(Duration.ofHours(1), ServeCommand.tick("1H"));
        assertEquals(Duration.ofSeconds(2), ServeCommand.tick("PT2S"));
        assertEquals(Duration.ofDays(30), ServeCommand.tick("30d"));
        assertThrows(IllegalArgumentException.class, () -> ServeCommand.tick("ten seconds"));
    }

    @Test
    void warnsWhenTheHeapIsNotCapped() {
        long gib = 1024L * 1024 * 1024;
        String warning = ServeCommand.heapWarning(8 * gib, java.util.List.of("-Dfile.encoding=UTF-8"));
        assertTrue(warning != null && warning.contains("-Xmx512m") && warning.contains("8192 MiB"), warning);
        assertEquals(null, ServeCommand.heapWarning(8 * gib, java.util.List.of("-Xmx8g")), "capped on purpose");
        assertEquals(null, ServeCommand.heapWarning(512L * 1024 * 1024, java.util.List.of()), "a small machine");
    }

    @Test
    void refusesABadRetentionOrWebhookWithoutStarting() {
        String[][] cases = {{"--event-retention", "30m", "--event-retention: the event retention must be at least 1 h"},
            {"--event-retention", "forever", "--event-retention: "},
            {"--health-webhook", "ftp://hooks.example.com", "--health-webhook: The health webhook must be an http(s) URL"},
            {"--trusted-proxy", "10.0.0.0/8,proxy.internal", "--trusted-proxy: \"proxy.internal\" is not an IP address"},
            {"--trusted-proxy", "10.0.0.0/40", "--trusted-proxy: \"10.0.0.0/40\": the prefix length must be 0"},
            {"--db", "jdbc:h2:file:./db;PASSWORD=hunter2", "--db: the database must be jdbc:postgresql://HOST[:PORT]/DATABASE or an"
                    + " H2 server URL such as jdbc:h2:tcp://HOST:PORT/NAME, not jdbc:h2:file:./db;PASSWORD=***"}};
        for (String[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.run(new String[] {"serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                c[0], c[1]}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            String message = err.toString(StandardCharsets.UTF_8);
            assertNotEquals(0, code, message);
            assertTrue(message.contains(c[2]), message);
            assertTrue(!Files.exists(dir.resolve("data")), "nothing created for " + c[1]);
        }
    }

    @Test
    void refusesABadTickWithoutStarting() {
        for (String bad : new String[] {"10x", "10ms", "2h"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.run(new String[] {"serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--rollout-tick", bad}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            String message = err.toString(StandardCharsets.UTF_8);
            assertNotEquals(0, code, message);
            assertTrue(message.contains("--rollout-tick: "), message);
            assertTrue(!Files.exists(dir.resolve("data")), "nothing created for " + bad);
        }
    }
}
