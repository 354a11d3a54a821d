package dev.patchbay.server.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests, one per JVM: {@code PATCHBAY_TEST_PG_URL} (a JDBC URL with a user that may create
 * databases) when set, else a throwaway cluster this class makes itself with the installed binaries — {@code initdb}
 * into {@code target/} (a temporary folder when running as root), {@code pg_ctl start} on a free port of 127.0.0.1 with its socket in the same folder, stopped
 * and deleted when the JVM exits. As root (CI) the cluster runs as the {@code postgres} system user, since PostgreSQL
 * refuses to run as root. Each caller gets its own fresh database ({@link #createDatabase}).
 *
 * <p>Without binaries or URL: {@link #unavailable()} says why; tests skip then, except under {@code CI=true}, where
 * they fail (ADR 0111).
 */
public final class PostgresCluster {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static PostgresCluster instance;
    private static String unavailable;

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String baseUrl;
    private final List<PostgresConfig> created = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Password of the {@code postgres} user of a cluster made here (TCP logins need it; the socket trusts). */
    static final String PASSWORD = "patchbay-test";
    /** How to stop and start a cluster made here; {@code null} for one given by PATCHBAY_TEST_PG_URL. */
    private final List<String> startCommand;
    private final List<String> stopCommand;
    private final boolean asPostgres;

    private PostgresCluster(String adminUrl, String user, String password, String baseUrl) {
        this(adminUrl, user, password, baseUrl, null, null, false);
    }

    private PostgresCluster(String adminUrl, String user, String password, String baseUrl, List<String> startCommand,
                            List<String> stopCommand, boolean asPostgres) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.baseUrl = baseUrl;
        this.startCommand = startCommand;
        this.stopCommand = stopCommand;
        this.asPostgres = asPostgres;
    }

    /** Whether this JVM made the cluster (and may stop and start it: fail-stop tests). */
    public boolean owned() {
        return startCommand != null;
    }

    /** Stops a cluster made here at once (as a crash or an operator would), its clients cut off. */
    public void stop() throws IOException, InterruptedException {
        run(asPostgres, stopCommand.toArray(String[]::new));
    }

    /** Starts a cluster {@link #stop stopped} before, on the same port. */
    public void start() throws IOException, InterruptedException {
        run(asPostgres, startCommand.toArray(String[]::new));
    }

    /** The database server's address: jdbc:postgresql://HOST:PORT/ (a database name follows). */
    public String baseUrl() {
        return baseUrl;
    }

    /** The cluster of this JVM, started on first use; throws {@link IllegalStateException} when there is none. */
    public static synchronized PostgresCluster get() {
        if (instance == null && unavailable == null) {
            try {
                instance = launch();
            } catch (Exception e) {
                unavailable = e.getMessage();
            }
        }
        if (instance == null) {
            throw new IllegalStateException(unavailable);
        }
        return instance;
    }

    /** Why there is no PostgreSQL for tests, or {@code null} when there is one. */
    public static synchronized String unavailable() {
        try {
            get();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Creates an empty database and returns how to reach it. */
    public PostgresConfig createDatabase() throws SQLException {
        String name = "patchbay_test_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        PostgresConfig db = new PostgresConfig(baseUrl + name, user, password);
        created.add(db);
        return db;
    }

    /** Drops a database made by {@link #createDatabase} (closing what is still connected to it). */
    public void dropDatabase(PostgresConfig db) throws SQLException {
        String name = db.url().substring(baseUrl.length());
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** A direct connection to {@code db} (tests that look into the database themselves). */
    public static Connection connect(PostgresConfig db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        if (db.password() != null) {
            p.setProperty("password", db.password());
        }
        return new org.postgresql.Driver().connect(db.url(), p);
    }

    private Connection admin() throws SQLException {
        return connect(new PostgresConfig(adminUrl, user, password));
    }

    private static PostgresCluster launch() throws Exception {
        String external = System.getenv("PATCHBAY_TEST_PG_URL");
        if (external != null && !external.isBlank()) {
            PostgresConfig admin = PostgresConfig.parse(external, System.getenv(), null);
            String url = admin.url();
            int q = url.indexOf('?');
            String base = url.substring(0, url.lastIndexOf('/', q < 0 ? url.length() : q) + 1);
            PostgresCluster c = new PostgresCluster(url, admin.user(), admin.password(), base);
            c.admin().close();
            // Not ours to stop: drop what the tests created in it.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (PostgresConfig db : c.created) {
                    try {
                        c.dropDatabase(db);
                    } catch (SQLException e) {
                        System.err.println("Could not drop the test database " + db.url() + ": " + e.getMessage());
                    }
                }
            }, "patchbay-test-postgres-drop"));
            return c;
        }
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (no initdb on"
                + " the PATH or under /usr/lib/postgresql/*/bin; Debian: apt-get install postgresql), and"
                + " PATCHBAY_TEST_PG_URL is not set"));
        boolean root = "root".equals(System.getProperty("user.name"));
        // As root the cluster's user must reach its folder: a temporary folder, since a checkout in root's home is not.
        Path dir = root ? Files.createTempDirectory("patchbay-test-pg-")
                : Path.of("target").toAbsolutePath().resolve("pg-test-" + ProcessHandle.current().pid());
        deleteTree(dir);
        Files.createDirectories(dir);
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        Path data = dir.resolve("data");
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD + "\n");
        run(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--no-locale", "--no-sync");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // fsync off: a test cluster needs no power-loss safety (the server's own durability does not depend on it).
        List<String> start = List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                dir.resolve("log").toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + dir
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c shared_buffers=32MB"
                        + " -c max_connections=200", "start");
        List<String> stop = List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                "stop");
        run(root, start.toArray(String[]::new));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(root, stop.toArray(String[]::new));
            } catch (Exception e) {
                // already stopped
            }
            try {
                deleteTree(dir);
            } catch (Exception e) {
                System.err.println("Could not delete the test PostgreSQL in " + dir + ": " + e.getMessage());
            }
        }, "patchbay-test-postgres-stop"));
        String base = "jdbc:postgresql://127.0.0.1:" + port + "/";
        return new PostgresCluster(base + "postgres", "postgres", PASSWORD, base, start, stop, root);
    }

    /** initdb and pg_ctl: on the PATH, or Debian's /usr/lib/postgresql/VERSION/bin (the newest). */
    static Optional<Path> binaries() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "initdb")) && Files.isExecutable(Path.of(p, "pg_ctl"))) {
                return Optional.of(Path.of(p));
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(debian)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingDouble(b -> version(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static double version(String name) {
        try {
            return Double.parseDouble(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void run(boolean asPostgres, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("LC_ALL", "C");
        Process p = pb.start();
        // pg_ctl start leaves the server holding stdout: read what comes, but never wait for its end.
        byte[] out = new byte[64 * 1024];
        StringBuilder text = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                int n;
                while ((n = in.read(out)) > 0) {
                    synchronized (text) {
                        text.append(new String(out, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "patchbay-test-postgres-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in 90 s");
        }
        if (p.exitValue() != 0) {
            reader.join(1000);
            synchronized (text) {
                throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + text);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
