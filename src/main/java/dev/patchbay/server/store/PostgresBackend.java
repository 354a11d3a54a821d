package dev.patchbay.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.patchbay.db.Migrations;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database behind a HikariCP pool (ADR 0110). Commits are durable when they return: the server's
 * sessions keep {@code synchronous_commit} on (raised from {@code off} if the database defaults to it), so nothing
 * needs syncing after a write. A storage episode (ADR 0091) starts on connection loss, shutdown, full disk or I/O
 * errors ({@link StorageHealth#isStorageFault}); its recovery evicts the pool's connections and commits a probe row.
 */
final class PostgresBackend implements Database.Backend {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBackend.class);
    /** Key of the advisory lock that serializes migrations of instances starting together on one database. */
    private static final long MIGRATION_LOCK = 0x7061746368626179L; // "patchbay"
    /** Raises {@code synchronous_commit} to {@code on} only if the database or role turned it off (ADR 0090). */
    static final String DURABLE_COMMITS = "SELECT CASE WHEN current_setting('synchronous_commit') = 'off'"
            + " THEN set_config('synchronous_commit', 'on', false) END";

    private final HikariDataSource pool;

    private PostgresBackend(HikariDataSource pool) {
        this.pool = pool;
    }

    static PostgresBackend open(PostgresConfig config) throws IOException {
        DatabasePool sizes = config.pool();
        try (Connection c = connect(config)) {
            migrate(c);
            warnIfNotDurable(c);
        } catch (SQLException e) {
            throw new IOException(describe(config, e), e);
        }
        HikariConfig h = new HikariConfig();
        h.setPoolName("patchbay-postgres");
        h.setJdbcUrl(config.url());
        h.setUsername(config.user());
        h.setPassword(config.password());
        h.setMaximumPoolSize(sizes.size());
        h.setMinimumIdle(2);
        // A gone database fails requests after this long (ADR 0091), and a full pool too.
        h.setConnectionTimeout(sizes.timeout().toMillis());
        h.setKeepaliveTime(60_000);
        h.setInitializationFailTimeout(-1); // checked above, with a readable message
        h.setConnectionInitSql(DURABLE_COMMITS);
        h.setDataSourceProperties(driverProperties(sizes));
        return new PostgresBackend(new HikariDataSource(h));
    }

    private static Properties driverProperties(DatabasePool sizes) {
        Properties p = new Properties();
        p.setProperty("connectTimeout", Integer.toString(sizes.timeoutSeconds()));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "patchbay");
        return p;
    }

    private static Connection connect(PostgresConfig config) throws SQLException {
        Properties p = driverProperties(config.pool());
        p.setProperty("user", config.user());
        if (config.password() != null) {
            p.setProperty("password", config.password());
        }
        Connection c = new org.postgresql.Driver().connect(config.url(), p);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL " + config.url());
        }
        return c;
    }

    private static void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
        }
        try {
            Migrations.apply(c, Database.MIGRATIONS, "postgresql");
        } finally {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
            }
        }
    }

    private static void warnIfNotDurable(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW fsync")) {
            if (rs.next() && "off".equalsIgnoreCase(rs.getString(1))) {
                LOG.warn("PostgreSQL runs with fsync = off: a power failure or OS crash can lose acknowledged writes");
            }
        }
    }

    /** One line for the operator: what failed, where, and what to check. */
    static String describe(PostgresConfig config, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = config.where();
        String db = where.substring(where.indexOf('/') + 1);
        if (state.equals("28P01")) {
            return "PostgreSQL at " + where + " refused the password of user '" + config.user() + "'";
        }
        if (state.startsWith("28")) {
            return "PostgreSQL at " + where + " refused the login of user '" + config.user() + "': " + e.getMessage();
        }
        if (state.equals("3D000")) {
            return "PostgreSQL at " + where + " has no database '" + db + "' (create it first, e.g. createdb " + db + ")";
        }
        if (state.startsWith("08")) {
            return "Cannot reach PostgreSQL at " + where + ": " + e.getMessage();
        }
        if (state.equals("42501")) {
            return "User '" + config.user() + "' may not create the schema in " + where + ": " + e.getMessage();
        }
        return "Cannot open the PostgreSQL database " + where + ": " + e.getMessage();
    }

    @Override
    public Database.Dialect dialect() {
        return Database.Dialect.POSTGRESQL;
    }

    @Override
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** A PostgreSQL transaction gets an id only once it writes. */
    @Override
    public boolean changed(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT txid_current_if_assigned() IS NOT NULL")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The commit itself waited for the WAL flush (synchronous_commit). */
    @Override
    public boolean syncsAfterWrite() {
        return false;
    }

    @Override
    public void afterWrite() {
    }

    @Override
    public void reopen() throws SQLException {
        pool.getHikariPoolMXBean().softEvictConnections();
        try (Connection c = pool.getConnection()) {
            Database.probe(c, Database.probeSql(Database.Dialect.POSTGRESQL));
            probeSpace(c);
        }
    }

    /** Rows of the space probe: ~260 KB in fresh pages, about what the file probe of a folder writes. */
    static final int SPACE_PROBE_ROWS = 8192;

    /**
     * Whether the database can grow (ADR 0127): the probe row above is updated within a page the table already has,
     * which PostgreSQL can do on a full disk, so a disk-full episode would end at once. This empties the probe table
     * (TRUNCATE gives it a new, empty file) and fills ~260 KB of new pages; on a full disk that fails with 53100.
     */
    static void probeSpace(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("TRUNCATE storage_space_probe");
            st.execute("INSERT INTO storage_space_probe(n) SELECT generate_series(1, " + SPACE_PROBE_ROWS + ")");
            c.commit();
            st.execute("TRUNCATE storage_space_probe"); // the space it took is free again
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
