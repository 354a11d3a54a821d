package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.store.PostgresCluster;
import dev.patchbay.server.store.PostgresConfig;
import dev.patchbay.server.store.TestDatabases;
import dev.patchbay.server.store.TestDatabases.OnPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Durable acknowledgements on PostgreSQL (ADR 0090, 0110): the same mixed load as {@link CrashDurabilityTest} on a real
 * {@code patchbay serve --db jdbc:postgresql://…} process, and each crash kills with SIGKILL both the server process and
 * every process of the PostgreSQL cluster (postmaster, backends, WAL writer: nothing shuts down cleanly, the restart
 * runs crash recovery from the WAL). After each crash every acknowledged write is there, exactly once, and nothing is
 * half-written.
 *
 * <p>The test database has {@code synchronous_commit = off} as its default, so the test also shows that the server's
 * sessions raise it to {@code on}: with it off a commit returns before its WAL record is written, and a crash of the
 * database server loses the last acknowledged writes.
 */
@OnPostgres
class CrashDurabilityPgTest extends CrashDurabilityTest {
    PostgresCluster cluster;

    @BeforeEach
    void asynchronousCommitsByDefault() throws Exception {
        cluster = PostgresCluster.get();
        Assumptions.assumeTrue(cluster.owned(), "needs a PostgreSQL of its own to kill (not PATCHBAY_TEST_PG_URL)");
        setDatabaseDefault("SET synchronous_commit = off");
    }

    @AfterEach
    void resetDatabaseDefault() throws Exception {
        if (cluster != null && cluster.owned()) {
            setDatabaseDefault("RESET synchronous_commit");
        }
    }

    private void setDatabaseDefault(String clause) throws Exception {
        try (Connection c = open(dir.resolve("data")); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I " + clause + "', current_database()); END $$");
        }
    }

    @Override
    int kills() {
        return Math.min(KILLS, 2);
    }

    @Override
    ServerProcess startServer(Path data) throws Exception {
        PostgresConfig db = (PostgresConfig) TestDatabases.apply(new ServerConfig("127.0.0.1", 0, data)).database();
        return ServerProcess.start(data, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                List.of("--db", db.url()), Map.of("PGUSER", db.user(), "PGPASSWORD",
                        db.password() == null ? "" : db.password()));
    }

    /** SIGKILL to every process of the cluster and to the server, then the cluster starts again (crash recovery). */
    @Override
    void crash(Path data, ServerProcess server) throws Exception {
        ProcessHandle postmaster;
        try (Connection c = open(data); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_backend_pid(), current_setting('synchronous_commit')")) {
            rs.next();
            // This session got the database's default: the server's sessions raise it themselves.
            assertEquals("off", rs.getString(2), "the test database defaults to asynchronous commits");
            postmaster = ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent)
                    .orElseThrow(() -> new AssertionError("no postmaster for the backend"));
        }
        List<ProcessHandle> cluster = new ArrayList<>();
        cluster.add(postmaster);
        postmaster.descendants().forEach(cluster::add);
        cluster.forEach(ProcessHandle::destroyForcibly);
        server.kill();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (cluster.stream().anyMatch(ProcessHandle::isAlive)) {
            assertTrue(System.nanoTime() < until, "PostgreSQL processes survived SIGKILL");
            Thread.sleep(20);
        }
        System.out.printf("killed the server and %d PostgreSQL processes%n", cluster.size());
        long t0 = System.nanoTime();
        this.cluster.start();
        System.out.printf("PostgreSQL recovered and up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
}
