package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-stop on a full disk (ADR 0091), on a small tmpfs the test mounts (needs root, as CI runs; elsewhere the test is
 * skipped and says why): with the disk full, writes get 503 {@code storage_unavailable} naming the cause, reads and
 * health still answer, health and readiness say unhealthy; once space returns the server accepts writes again by
 * itself, and after a restart every acknowledged write is there.
 */
class DiskFullTest {
    static final String APP = "com.example.diskfull";

    @TempDir
    Path dir;
    Path mount;
    boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = dir.resolve("small");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        mounted = p.waitFor() == 0;
        assumeTrue(mounted, "Cannot mount a small tmpfs here (needs root; CI runs as root): " + out.strip());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aFullDiskStopsWritesUntilSpaceReturnsAndLosesNothingAcknowledged() throws Exception {
        Path data = mount.resolve("data");
        Set<String> ackedApps = new HashSet<>();
        Set<String> ackedEvents = new HashSet<>();
        String device = UUID.randomUUID().toString();
        int[] seq = {0};
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(dev.patchbay.server.store.StorageHealth.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (RunningServer s = RunningServer.start(data)) {
            assertEquals(201, s.json("POST", "/api/v1/apps", app(APP)).statusCode());
            ackedApps.add(APP);
            Path filler = mount.resolve("filler");
            fill(filler);

            // Writes until the first refusal: those answered 2xx are acknowledged; after it, nothing is.
            int refusedAt = -1;
            HttpResponse<String> refusal = null;
            for (int i = 0; i < 400 && refusedAt < 0; i++) {
                String id = "com.example.full" + i;
                HttpResponse<String> r = s.json("POST", "/api/v1/apps", app(id));
                if (r.statusCode() == 201) {
                    ackedApps.add(id);
                } else {
                    refusedAt = i;
                    refusal = r;
                }
                stats(s, device, seq, ackedEvents);
            }
            assertTrue(refusedAt >= 0, "the full disk was never noticed");
            assertEquals(503, refusal.statusCode(), refusal.body());
            JsonNode error = Json.mapper().readTree(refusal.body());
            assertEquals("storage_unavailable", error.path("error").asText());
            assertTrue(error.path("message").asText().contains("no space left"), refusal.body());
            assertTrue(refusal.headers().firstValue("Retry-After").isPresent());

            // While full: every write refused, device events too; health and readiness unhealthy; reads answer.
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = s.json("POST", "/api/v1/apps", app("com.example.later" + i));
                assertEquals(503, r.statusCode(), r.body());
                assertEquals(503, stats(s, device, seq, ackedEvents));
            }
            HttpResponse<String> health = s.send("GET", "/api/v1/health", null, null, null);
            assertEquals(503, health.statusCode());
            assertEquals("unhealthy", Json.mapper().readTree(health.body()).path("status").asText());
            assertTrue(health.body().contains("no space left"), health.body());
            assertEquals("storage_unavailable", Json.mapper().readTree(health.body()).path("error").asText());
            assertEquals(503, s.send("GET", "/api/v1/ready", null, null, null).statusCode());
            int read = s.json("GET", "/api/v1/apps/" + APP, null).statusCode();
            assertTrue(read == 200 || read == 503, "a read answers (served, or 503 if the store is closed): " + read);

            // Space returns: the server recovers by itself.
            Files.delete(filler);
            long until = System.nanoTime() + 20_000_000_000L;
            while (s.send("GET", "/api/v1/ready", null, null, null).statusCode() != 200) {
                assertTrue(System.nanoTime() < until, "the server did not recover after space returned");
                Thread.sleep(100);
            }
            assertEquals(200, s.send("GET", "/api/v1/health", null, null, null).statusCode());
            long errors = logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR).count();
            assertEquals(1, errors, "one log line per episode, not one per refused request");
            log.detachAppender(logged);
            for (int i = 0; i < 5; i++) {
                String id = "com.example.after" + i;
                assertEquals(201, s.json("POST", "/api/v1/apps", app(id)).statusCode());
                ackedApps.add(id);
                assertEquals(200, stats(s, device, seq, ackedEvents));
            }
        }
        // A restart finds every acknowledged write.
        try (RunningServer s = RunningServer.start(data)) {
            for (String id : ackedApps) {
                assertEquals(200, s.json("GET", "/api/v1/apps/" + id, null).statusCode(), "app " + id + " lost");
            }
            JsonNode events = Json.mapper().readTree(s.json("GET", "/api/v1/apps/" + APP + "/devices/" + device
                    + "/events?limit=500", null).body());
            Set<String> stored = new HashSet<>();
            events.path("items").forEach(e -> stored.add(e.path("eventId").asText(e.path("id").asText())));
            List<String> lost = new ArrayList<>(ackedEvents);
            lost.removeAll(stored);
            assertTrue(lost.isEmpty(), lost.size() + " of " + ackedEvents.size() + " acknowledged events lost: "
                    + events.toString().substring(0, Math.min(400, events.toString().length())));
        }
    }

    static String app(String id) {
        return "{\"id\":\"" + id + "\",\"name\":\"Disk full\"}";
    }

    static int stats(RunningServer s, String device, int[] seq, Set<String> acked) throws Exception {
        String id = "e" + seq[0]++;
        HttpResponse<String> r = s.send("POST", "/stats", "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + device
                + "\",\"events\":[{\"id\":\"" + id + "\",\"action\":\"app_launch\"}]}", null, "application/json");
        if (r.statusCode() == 200) {
            acked.add(id);
        }
        return r.statusCode();
    }

    /** Writes {@code file} until the file system is full. */
    static void fill(Path file) {
        byte[] mb = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(mb);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        }
    }
}
