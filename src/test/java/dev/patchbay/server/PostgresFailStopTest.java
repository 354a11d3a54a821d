package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.store.PostgresCluster;
import dev.patchbay.server.store.TestDatabases.OnPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-stop on PostgreSQL (ADR 0091, 0110): when the database goes away the server refuses writes with 503 and says
 * so in health and readiness, instead of answering from memory; when it is back the server takes writes again by
 * itself, and every write acknowledged before, during and after is there after a restart.
 */
@OnPostgres
class PostgresFailStopTest {
    @TempDir
    Path dataDir;

    @Test
    void writesStopWhilePostgresIsDownAndResumeWhenItIsBack() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        Assumptions.assumeTrue(cluster.owned(), "needs a PostgreSQL of its own to stop (not PATCHBAY_TEST_PG_URL)");
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertEquals(201, s.json("POST", "/api/v1/apps", app("com.example.before")).statusCode());
            cluster.stop();
            try {
                HttpResponse<String> refused = s.json("POST", "/api/v1/apps", app("com.example.during"));
                assertEquals(503, refused.statusCode(), refused.body());
                JsonNode error = Json.mapper().readTree(refused.body());
                assertEquals("storage_unavailable", error.path("error").asText());
                assertTrue(error.path("message").asText().contains("database server cannot be reached"), refused.body());
                assertEquals(503, s.json("POST", "/api/v1/apps", app("com.example.during2")).statusCode());
                HttpResponse<String> health = s.send("GET", "/api/v1/health", null, null, null);
                assertEquals(503, health.statusCode(), health.body());
                assertEquals(503, s.send("GET", "/api/v1/ready", null, null, null).statusCode());
            } finally {
                cluster.start();
            }
            long until = System.nanoTime() + 20_000_000_000L;
            while (s.send("GET", "/api/v1/ready", null, null, null).statusCode() != 200) {
                assertTrue(System.nanoTime() < until, "the server did not recover after PostgreSQL came back");
                Thread.sleep(100);
            }
            assertEquals(201, s.json("POST", "/api/v1/apps", app("com.example.after")).statusCode());
        }
        try (RunningServer s = RunningServer.start(dataDir)) {
            for (String id : new String[] {"com.example.before", "com.example.after"}) {
                assertEquals(200, s.json("GET", "/api/v1/apps/" + id, null).statusCode(), id);
            }
            assertEquals(404, s.json("GET", "/api/v1/apps/com.example.during", null).statusCode());
        }
    }

    /**
     * A PostgreSQL that answers but refuses writes (a hot standby after a failover, or an operator's
     * {@code default_transaction_read_only}): writes are 503 {@code storage_unavailable} saying so, not 500, and the
     * server takes writes again by itself once the database is writable.
     */
    @Test
    void writesStopWhilePostgresIsReadOnlyAndResumeAfter() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        Assumptions.assumeTrue(cluster.owned(), "needs a PostgreSQL of its own to make read-only (ALTER SYSTEM)");
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertEquals(201, s.json("POST", "/api/v1/apps", app("com.example.before")).statusCode());
            readOnly(true);
            try {
                HttpResponse<String> refused = s.json("POST", "/api/v1/apps", app("com.example.during"));
                assertEquals(503, refused.statusCode(), refused.body());
                JsonNode error = Json.mapper().readTree(refused.body());
                assertEquals("storage_unavailable", error.path("error").asText());
                assertTrue(error.path("message").asText().contains("database server is read-only"), refused.body());
                assertEquals(503, s.send("GET", "/api/v1/ready", null, null, null).statusCode());
                // Reads still work meanwhile.
                assertEquals(200, s.json("GET", "/api/v1/apps/com.example.before", null).statusCode());
            } finally {
                readOnly(false);
            }
            long until = System.nanoTime() + 20_000_000_000L;
            while (s.send("GET", "/api/v1/ready", null, null, null).statusCode() != 200) {
                assertTrue(System.nanoTime() < until, "the server did not recover after PostgreSQL became writable");
                Thread.sleep(100);
            }
            assertEquals(201, s.json("POST", "/api/v1/apps", app("com.example.after")).statusCode());
            assertEquals(404, s.json("GET", "/api/v1/apps/com.example.during", null).statusCode());
        }
    }

    /** Makes every session of the cluster read-only (or writable again) from its next transaction on. */
    private void readOnly(boolean on) throws Exception {
        try (java.sql.Connection c = dev.patchbay.server.store.TestDatabases.connect(dataDir);
             java.sql.Statement st = c.createStatement()) {
            st.execute("SET default_transaction_read_only = off");
            st.execute(on ? "ALTER SYSTEM SET default_transaction_read_only = on"
                    : "ALTER SYSTEM RESET default_transaction_read_only");
            st.execute("SELECT pg_reload_conf()");
        }
        Thread.sleep(300); // the backends apply the reloaded configuration when they next read a command
    }

    private static String app(String id) {
        return "{\"id\":\"" + id + "\",\"name\":\"App\"}";
    }
}
