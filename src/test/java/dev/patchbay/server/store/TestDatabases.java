package dev.patchbay.server.store;

import dev.patchbay.server.ServerConfig;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Which database the server tests run on. By default H2 in each test's data folder, as in production. A test class
 * annotated {@link OnPostgres} (usually an empty subclass of an H2 test: {@code class XPgTest extends XTest}) runs
 * every test on PostgreSQL instead: each data folder a test starts a server or store on gets its own empty database
 * of the JVM's {@link PostgresCluster}, kept for restarts on the same folder within the test. After the test the
 * database is emptied (every table truncated, sequences restarted: as fresh as a new one, in a fraction of the time
 * of {@code CREATE DATABASE} and the migrations) and handed to the next test.
 */
public final class TestDatabases {
    private static volatile boolean postgres;
    /** Databases of data folders a test opened (emptied after it) and those its class opened in {@code @BeforeAll}. */
    private static final Map<Path, PostgresConfig> DATABASES = new ConcurrentHashMap<>();
    private static final Map<Path, PostgresConfig> CLASS_DATABASES = new ConcurrentHashMap<>();
    private static volatile boolean classPhase;
    private static final java.util.Deque<PostgresConfig> EMPTY = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private TestDatabases() {
    }

    /** Runs the annotated test class on PostgreSQL (fails under {@code CI=true} when there is none, else skips). */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Inherited
    @ExtendWith(PostgresExtension.class)
    public @interface OnPostgres {
    }

    /** Whether the running test class is on PostgreSQL. */
    public static boolean onPostgres() {
        return postgres;
    }

    /** {@code config} on the test class's database: unchanged on H2, with a database for its data folder on PostgreSQL. */
    public static ServerConfig apply(ServerConfig config) {
        return postgres && config.database() == null ? config.withDatabase(databaseFor(config.dataDir())) : config;
    }

    /** A store on the test class's database (H2 in {@code folder}, or the PostgreSQL database of that folder). */
    public static Database open(Path folder) throws IOException {
        if (!postgres) {
            return Database.openH2(folder);
        }
        return Database.openPostgres(databaseFor(folder), new StorageHealth(List.of(folder), Clock.systemUTC()));
    }

    /**
     * The PostgreSQL database of {@code folder} as a server target: several instances given it share one database
     * (the cluster tests). Only on PostgreSQL.
     */
    public static PostgresConfig target(Path folder) {
        if (!postgres) {
            throw new IllegalStateException("not a PostgreSQL test class");
        }
        return databaseFor(folder);
    }

    /** {@link #target} as one {@code serve --db} URL, user and password included (a {@code serve} process's argument). */
    public static String jdbcUrl(Path folder) {
        PostgresConfig db = target(folder);
        String sep = db.url().contains("?") ? "&" : "?";
        return db.url() + sep + "user=" + java.net.URLEncoder.encode(db.user(), java.nio.charset.StandardCharsets.UTF_8)
                + (db.password() == null ? "" : "&password="
                + java.net.URLEncoder.encode(db.password(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A direct connection to the database of a server's data folder (tests that look at rows themselves). */
    public static Connection connect(Path dataDir) throws SQLException {
        if (!postgres) {
            return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("db").resolve("patchbay")
                    .toAbsolutePath() + ";MODE=Regular", "patchbay", "");
        }
        return PostgresCluster.connect(databaseFor(dataDir));
    }

    private static PostgresConfig databaseFor(Path folder) {
        Path key = folder.toAbsolutePath().normalize();
        PostgresConfig ofClass = CLASS_DATABASES.get(key);
        if (ofClass != null) {
            return ofClass;
        }
        return (classPhase ? CLASS_DATABASES : DATABASES).computeIfAbsent(key, f -> {
            PostgresConfig reused = EMPTY.poll();
            if (reused != null) {
                return reused;
            }
            try {
                return PostgresCluster.get().createDatabase();
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot create a test database: " + e.getMessage(), e);
            }
        });
    }

    /** Empties the databases the test used (its servers are closed by now) for the next test; drops one that resists. */
    private static void release(Map<Path, PostgresConfig> databases) {
        for (PostgresConfig db : databases.values()) {
            try (Connection c = PostgresCluster.connect(db); java.sql.Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '5s'");
                List<String> tables = new java.util.ArrayList<>();
                try (java.sql.ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname ="
                        + " current_schema() AND tablename <> 'schema_history'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                List<String> sequences = new java.util.ArrayList<>();
                try (java.sql.ResultSet rs = st.executeQuery("SELECT sequence_name FROM information_schema.sequences"
                        + " WHERE sequence_schema = current_schema()")) {
                    while (rs.next()) {
                        sequences.add(rs.getString(1));
                    }
                }
                if (!tables.isEmpty()) {
                    st.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
                }
                for (String seq : sequences) {
                    st.execute("ALTER SEQUENCE " + seq + " RESTART");
                }
                if (tables.contains("cluster_counters")) {
                    // The one row a migration seeds (the change feed's counter, ADR 0116), as a fresh database has it.
                    st.execute("INSERT INTO cluster_counters(name, last_id) VALUES ('changes', 0)");
                }
                EMPTY.add(db);
            } catch (SQLException e) {
                drop(db);
            }
        }
        databases.clear();
    }

    private static void drop(PostgresConfig db) {
        try {
            PostgresCluster.get().dropDatabase(db);
        } catch (SQLException | IllegalStateException e) {
            System.err.println("Could not drop the test database " + db.url() + ": " + e.getMessage());
        }
    }

    /** Switches the class to PostgreSQL before its tests and back to H2 after; empties the databases after each test. */
    static final class PostgresExtension implements BeforeAllCallback, AfterAllCallback,
            org.junit.jupiter.api.extension.BeforeEachCallback, org.junit.jupiter.api.extension.AfterEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            classPhase = false;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            release(DATABASES);
            classPhase = true; // @AfterAll methods and the next test's setup
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            String why = PostgresCluster.unavailable();
            if (why != null) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    Assertions.fail("The PostgreSQL variant of " + context.getDisplayName() + " must run in CI: " + why);
                }
                Assumptions.abort("No PostgreSQL for " + context.getDisplayName() + ": " + why);
            }
            postgres = true;
            classPhase = true; // @BeforeAll methods: their databases live until the class ends
        }

        @Override
        public void afterAll(ExtensionContext context) {
            postgres = false;
            classPhase = false;
            release(DATABASES);
            release(CLASS_DATABASES);
        }
    }
}
