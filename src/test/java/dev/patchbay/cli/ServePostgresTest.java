package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.store.PostgresCluster;
import dev.patchbay.server.store.PostgresConfig;
import dev.patchbay.server.store.TestDatabases.OnPostgres;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchbay serve --db jdbc:postgresql://…}: the server runs on PostgreSQL with the password from the
 * environment or a file, and a bad URL, an unreachable server, a wrong password or a missing database end the command
 * with one line that says which, never a stack trace.
 */
@OnPostgres
class ServePostgresTest {
    @TempDir
    Path dir;

    @Test
    void servesFromPostgresWithThePasswordInAFile() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        PostgresConfig db = cluster.createDatabase();
        Path passwordFile = dir.resolve("pgpass");
        Files.writeString(passwordFile, (db.password() == null ? "unused" : db.password()) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.patchbay.Launcher", "serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--db", db.url(), "--db-pool-size", "6", "--db-timeout", "3s"));
        if (db.password() != null) {
            cmd.addAll(List.of("--db-password-file", passwordFile.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGUSER", db.user());
        pb.environment().remove("PGPASSWORD");
        Process serve = pb.start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            ServeOutput started = ServeOutput.read(lines, "Java heap cap");
            String url = started.url();
            assertTrue(url != null, "serve did not start:\n" + started.text());
            assertTrue(started.text().contains("Database: PostgreSQL " + db.where()), started.text());
            assertTrue(started.text().contains("(pool 6, timeout 3 s)"), started.text());
            String key = Files.readString(dir.resolve("data").resolve("admin-api-key")).strip();
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/apps")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"com.example.pg\",\"name\":\"On PG\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
        } finally {
            serve.destroy();
            assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
        try (java.sql.Connection c = PostgresCluster.connect(db); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT name FROM apps WHERE id = 'com.example.pg'")) {
            assertTrue(rs.next(), "the app is in PostgreSQL");
            assertEquals("On PG", rs.getString(1));
        }
        cluster.dropDatabase(db);
    }

    @Test
    void badDatabasesEndWithOneLine() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        String base = cluster.baseUrl();
        List<String[]> cases = new ArrayList<>(List.of(
                new String[] {"jdbc:mysql://127.0.0.1/patchbay", "--db: the database must be jdbc:postgresql://"},
                new String[] {"jdbc:postgresql://127.0.0.1", "--db: the database URL must look like"},
                new String[] {"jdbc:postgresql://127.0.0.1:1/patchbay", "Cannot reach PostgreSQL at 127.0.0.1:1/patchbay"},
                new String[] {base + "no_such_db", "has no database 'no_such_db'"}));
        if (cluster.owned()) {
            cases.add(new String[] {base + "postgres?user=postgres&password=wrong",
                "refused the password of user 'postgres'"});
        }
        Map<String, String> env = Map.of("PGUSER", "postgres", "PGPASSWORD", passwordOf(cluster));
        for (String[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.run(new String[] {"serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--db", c[0]}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), env);
            String message = err.toString(StandardCharsets.UTF_8);
            assertNotEquals(0, code, message);
            assertTrue(message.contains(c[1]), c[0] + ": " + message);
            assertEquals(1, message.strip().lines().count(), "one line: " + message);
            assertFalse(message.contains("Exception") || message.contains("password=wrong"), message);
        }
    }

    @Test
    void badPoolOptionsEndWithOneLine() throws Exception {
        String db = PostgresCluster.get().baseUrl() + "postgres";
        String data = dir.resolve("data").toString();
        List<String[]> cases = List.of(
                new String[] {"--db", db, "--db-pool-size", "2"},
                new String[] {"--db", db, "--db-pool-size", "501"},
                new String[] {"--db", db, "--db-timeout", "500ms"},
                new String[] {"--db", db, "--db-timeout", "soon"},
                new String[] {"--db-pool-size", "10"});
        String[] expected = {"--db-pool-size: the pool size must be between 4 and 500, not 2",
            "--db-pool-size: the pool size must be between 4 and 500, not 501",
            "--db-timeout: the timeout must be between 1 s and 5 min", "--db-timeout: ",
            "--db-pool-size and --db-timeout need --db"};
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--data-dir", data));
            args.addAll(List.of(cases.get(i)));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            String message = err.toString(StandardCharsets.UTF_8);
            assertNotEquals(0, code, message);
            assertTrue(message.contains(expected[i]), args + ": " + message);
            assertEquals(1, message.strip().lines().count(), "one line: " + message);
        }
    }

    @Test
    void aWrongPasswordPrintsNoStackTrace() throws Exception {
        PostgresCluster cluster = PostgresCluster.get();
        Assumptions.assumeTrue(cluster.owned(), "needs a cluster that checks passwords");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.patchbay.Launcher",
                "serve", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--db",
                cluster.baseUrl() + "postgres?user=postgres&password=wrong").redirectErrorStream(true).start();
        String out = new String(serve.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(serve.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, serve.exitValue(), out);
        assertTrue(out.contains("patchbay: PostgreSQL at 127.0.0.1:"), out);
        assertFalse(out.contains("\tat ") || out.contains("Exception"), "no stack trace:\n" + out);
    }

    private static String passwordOf(PostgresCluster cluster) throws Exception {
        PostgresConfig probe = cluster.createDatabase();
        cluster.dropDatabase(probe);
        return probe.password() == null ? "" : probe.password();
    }
}
