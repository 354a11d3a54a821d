package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.store.PostgresCluster;
import dev.patchbay.server.store.TestDatabases;
import dev.patchbay.server.store.TestDatabases.OnPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL whose disk is full (ADR 0091, 0127): the test's database is moved into a tablespace on a small tmpfs
 * it mounts (needs root and a PostgreSQL of its own, as CI has; elsewhere skipped, saying why), the tmpfs is filled,
 * and PostgreSQL itself refuses to extend a table with SQLSTATE 53100 (disk_full) — no fault injected at the JDBC
 * boundary. Writes get 503 {@code storage_unavailable} saying the database server has no space left; health and
 * readiness say so; once space returns, writes are taken again by themselves, and after a restart every acknowledged
 * write is there.
 */
@OnPostgres
class PostgresDiskFullTest {
    static final String APP = DiskFullTest.APP;
    static final String TABLESPACE = "patchbay_small_disk";

    @TempDir
    Path dir;
    Path mount;
    Path dataDir;
    boolean mounted;
    boolean moved;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        assumeTrue(cluster.owned(), "needs a PostgreSQL of its own (a tablespace on a disk the test fills), not"
                + " PATCHBAY_TEST_PG_URL");
        dataDir = dir.resolve("data");
        mount = dir.resolve("small");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        mounted = p.waitFor() == 0;
        assumeTrue(mounted, "Cannot mount a small tmpfs here (needs root; CI runs as root): " + out.strip());
        Path location = mount.resolve("pg");
        Files.createDirectories(location);
        if ("root".equals(System.getProperty("user.name"))) { // the cluster runs as postgres (PostgresCluster)
            var postgres = location.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(location, postgres);
            Files.setOwner(dir, postgres); // the tablespace's path must be reachable by the cluster's user
            Files.setOwner(mount, postgres);
        }
        // The schema exists once a server has started on the database; then every table and index moves to the
        // small disk. PostgreSQL's WAL stays on its own disk, so a full tablespace fails writes, not the cluster.
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertEquals(201, s.json("POST", "/api/v1/apps", DiskFullTest.app(APP)).statusCode());
        }
        try (Connection c = TestDatabases.connect(dataDir); Statement st = c.createStatement()) {
            st.execute("CREATE TABLESPACE " + TABLESPACE + " LOCATION '" + location + "'");
            moved = true;
            st.execute("ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE " + TABLESPACE);
            st.execute("ALTER INDEX ALL IN TABLESPACE pg_default SET TABLESPACE " + TABLESPACE);
            // As after an earlier episode: the recovery probe's row exists (its update needs no new page).
            st.execute("INSERT INTO storage_probe(id, probed_at) VALUES (1, now()) ON CONFLICT (id) DO NOTHING");
        }
    }

    @AfterEach
    void moveBackAndUnmount() throws Exception {
        try {
            if (moved) {
                Files.deleteIfExists(mount.resolve("filler"));
                try (Connection c = TestDatabases.connect(dataDir); Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE ALL IN TABLESPACE " + TABLESPACE + " SET TABLESPACE pg_default");
                    st.execute("ALTER INDEX ALL IN TABLESPACE " + TABLESPACE + " SET TABLESPACE pg_default");
                    st.execute("DROP TABLESPACE " + TABLESPACE);
                }
            }
        } finally {
            if (mounted) {
                new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void aFullDatabaseDiskStopsWritesUntilSpaceReturnsAndLosesNothingAcknowledged() throws Exception {
        Set<String> ackedApps = new HashSet<>(Set.of(APP));
        Set<String> ackedEvents = new HashSet<>();
        String device = UUID.randomUUID().toString();
        int[] seq = {0};
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(dev.patchbay.server.store.StorageHealth.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (RunningServer s = RunningServer.start(dataDir)) {
            Path filler = mount.resolve("filler");
            DiskFullTest.fill(filler);

            // Writes until the first refusal: those answered 2xx are acknowledged (committed: the WAL is elsewhere);
            // a table's last page still has room for a few rows, so the first writes may succeed.
            HttpResponse<String> refusal = null;
            for (int i = 0; i < 400 && refusal == null; i++) {
                String id = "com.example.full" + i;
                HttpResponse<String> r = s.json("POST", "/api/v1/apps", DiskFullTest.app(id));
                if (r.statusCode() == 201) {
                    ackedApps.add(id);
                } else {
                    refusal = r;
                }
                DiskFullTest.stats(s, device, seq, ackedEvents);
            }
            assertTrue(refusal != null, "PostgreSQL's full disk was never noticed");
            assertEquals(503, refusal.statusCode(), refusal.body());
            JsonNode error = Json.mapper().readTree(refusal.body());
            assertEquals("storage_unavailable", error.path("error").asText());
            assertTrue(error.path("message").asText().contains("database server has no space left"), refusal.body());
            assertTrue(refusal.headers().firstValue("Retry-After").isPresent());

            // While full, also after the recovery probe ran a few times: writes refused, health and readiness say
            // why; reads answer.
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = s.json("POST", "/api/v1/apps", DiskFullTest.app("com.example.later" + i));
                assertEquals(503, r.statusCode(), r.body());
                assertEquals(503, DiskFullTest.stats(s, device, seq, ackedEvents));
                Thread.sleep(300);
            }
            HttpResponse<String> health = s.send("GET", "/api/v1/health", null, null, null);
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("no space left"), health.body());
            assertEquals(503, s.send("GET", "/api/v1/ready", null, null, null).statusCode());
            assertEquals(200, s.json("GET", "/api/v1/apps/" + APP, null).statusCode());

            long episodes = logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                    .count();
            assertEquals(1, episodes, "one episode while the disk stays full (the probe must not end it)");

            // Space returns: the server takes writes again by itself.
            Files.delete(filler);
            long until = System.nanoTime() + 20_000_000_000L;
            while (s.send("GET", "/api/v1/ready", null, null, null).statusCode() != 200) {
                assertTrue(System.nanoTime() < until, "the server did not recover after space returned");
                Thread.sleep(100);
            }
            for (int i = 0; i < 5; i++) {
                String id = "com.example.after" + i;
                HttpResponse<String> r = s.json("POST", "/api/v1/apps", DiskFullTest.app(id));
                assertEquals(201, r.statusCode(), r.body());
                ackedApps.add(id);
                assertEquals(200, DiskFullTest.stats(s, device, seq, ackedEvents));
            }
        }
        log.detachAppender(logged);
        // A restart finds every acknowledged write.
        try (RunningServer s = RunningServer.start(dataDir)) {
            for (String id : ackedApps) {
                assertEquals(200, s.json("GET", "/api/v1/apps/" + id, null).statusCode(), "app " + id + " lost");
            }
            JsonNode events = Json.mapper().readTree(s.json("GET", "/api/v1/apps/" + APP + "/devices/" + device
                    + "/events?limit=500", null).body());
            Set<String> stored = new HashSet<>();
            events.path("items").forEach(e -> stored.add(e.path("eventId").asText(e.path("id").asText())));
            Set<String> lost = new HashSet<>(ackedEvents);
            lost.removeAll(stored);
            assertTrue(lost.isEmpty(), lost.size() + " of " + ackedEvents.size() + " acknowledged events lost");
        }
    }
}
