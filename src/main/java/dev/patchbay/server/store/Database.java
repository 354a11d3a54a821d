package dev.patchbay.server.store;

import dev.patchbay.db.Migrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The server's metadata store: an H2 file database (the default) or a PostgreSQL database (ADR 0110) behind a
 * connection pool, with the schema brought up to date on open. Repositories run their SQL through
 * {@link #inTransaction}; the SQL is portable (H2 and PostgreSQL), with {@link #upsert} for the one statement that is
 * spelled differently.
 *
 * <p>Durability (ADR 0090): H2 runs with {@code WRITE_DELAY=0}, so each commit writes its store chunk before it
 * returns (a {@code kill -9} loses nothing committed); a transaction that changed data then waits for an fsync of the
 * database file, shared by every transaction that committed meanwhile (group commit), so it also survives power loss
 * before the caller answers. PostgreSQL's commit returns after its WAL record is flushed ({@code synchronous_commit},
 * kept on for the server's sessions). Fail-stop (ADR 0091): a storage error starts an episode of {@link StorageHealth};
 * its recovery drops H2's in-memory state ({@code SHUTDOWN IMMEDIATELY}) and reopens the files, or for PostgreSQL
 * drops the pool's connections and commits a probe row.
 */
public final class Database implements AutoCloseable {
    /** H2's "database is already in use" error code. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    static final String MIGRATIONS = "dev/patchbay/server/migrations";

    /** The SQL dialects the store speaks. */
    public enum Dialect { H2, POSTGRESQL }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** What differs between the databases: connections, "did this transaction write", durability, recovery. */
    interface Backend {
        Dialect dialect();

        Connection connection() throws SQLException;

        /** Whether the open transaction changed anything. */
        boolean changed(Connection c) throws SQLException;

        /** Whether {@link #afterWrite} must run after each writing commit (so {@link #changed} is always asked). */
        boolean syncsAfterWrite();

        /** After the commit of a transaction that changed data: returns once it is durable. */
        void afterWrite() throws IOException;

        /** The recovery step of a storage episode; throws while the database still cannot commit. */
        void reopen() throws SQLException, IOException;

        void close();

        /** Whether this is a database server other Patchbay instances may share (not the embedded file). */
        default boolean shared() {
            return true;
        }
    }

    /** Writes SQL into a transaction that changed data, just before it commits (the cluster's change feed). */
    @FunctionalInterface
    public interface CommitNote {
        void write(Connection c, String topic) throws SQLException;
    }

    @FunctionalInterface
    public interface Noted<T, E extends Exception> {
        T run() throws E;
    }

    private final StorageHealth health;
    private final Backend backend;
    private final ThreadLocal<String> topic = new ThreadLocal<>();
    private volatile CommitNote commitNote;

    private Database(Backend backend, StorageHealth health) {
        this.backend = backend;
        this.health = health;
        health.onRecovery(this::reopen);
    }

    /** Opens (creating if needed) the H2 database in {@code folder} and applies pending migrations. */
    public static Database openH2(Path folder) throws IOException {
        return openH2(folder, new StorageHealth(List.of(folder), Clock.systemUTC()));
    }

    /** As {@link #openH2(Path)}, reporting storage errors to {@code health}. */
    public static Database openH2(Path folder, StorageHealth health) throws IOException {
        Files.createDirectories(folder);
        String url = "jdbc:h2:file:" + folder.resolve("patchbay").toAbsolutePath() + ";MODE=Regular;WRITE_DELAY=0";
        JdbcConnectionPool pool = H2Backend.pool(url);
        try (Connection c = pool.getConnection()) {
            Migrations.apply(c, MIGRATIONS);
        } catch (SQLException e) {
            pool.dispose();
            if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw new IOException("The data folder " + folder.getParent() + " is in use by another Patchbay server", e);
            }
            throw new IOException("Cannot open the database in " + folder + ": " + e.getMessage(), e);
        }
        return new Database(new H2Backend(folder, url, pool), health);
    }

    /**
     * Connects to the PostgreSQL database of {@code config} and applies pending migrations. Fails with one readable
     * {@link IOException} (unreachable, refused login, missing database) and nothing else open.
     */
    public static Database openPostgres(PostgresConfig config, StorageHealth health) throws IOException {
        return new Database(PostgresBackend.open(config), health);
    }

    /**
     * Opens the database server {@code target} names, shared by several Patchbay instances (ADR 0116), and applies
     * pending migrations.
     */
    public static Database open(DatabaseTarget target, StorageHealth health) throws IOException {
        if (target instanceof PostgresConfig postgres) {
            return openPostgres(postgres, health);
        }
        DatabaseTarget.SharedH2 h2 = (DatabaseTarget.SharedH2) target;
        return openServer(h2.url(), h2.pool(), health);
    }

    /**
     * Opens H2's TCP server ({@code jdbc:h2:tcp://HOST:PORT/NAME}) that several instances share (ADR 0116); user and
     * password from the URL's {@code USER} and {@code PASSWORD} settings, else {@code patchbay} and an empty password.
     */
    public static Database openServer(String url, StorageHealth health) throws IOException {
        return openServer(url, DatabasePool.DEFAULT, health);
    }

    private static Database openServer(String url, DatabasePool sizes, StorageHealth health) throws IOException {
        JdbcConnectionPool pool = H2Backend.pool(url, sizes);
        try (Connection c = pool.getConnection()) {
            migrateRacing(c);
        } catch (SQLException e) {
            pool.dispose();
            throw new IOException("Cannot open the database " + DatabaseTarget.redacted(url) + ": " + e.getMessage(), e);
        }
        return new Database(new H2Backend(null, url, pool), health);
    }

    /**
     * Applies the migrations; when another instance applies the same script at the same moment, the loser's script
     * fails, and it then finds the schema up to date.
     */
    private static void migrateRacing(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                Migrations.apply(c, MIGRATIONS);
                return;
            } catch (SQLException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Whether this is a database server that other Patchbay instances may share (not the embedded file). */
    public boolean shared() {
        return backend.shared();
    }

    /** A connection of the pool outside {@link #inTransaction} (a lock held across other work: {@link InstanceLock}). */
    Connection connection() throws SQLException {
        return backend.connection();
    }

    /** Sets what writes a note into every transaction run inside {@link #noting} that changed data. */
    public void onCommit(CommitNote note) {
        this.commitNote = note;
    }

    /**
     * Runs {@code work} so that every transaction it runs on this thread and that changes data also records
     * {@code changeTopic} (through {@link #onCommit}) before it commits: what changed reaches the other instances
     * exactly when the change itself is committed.
     */
    public <T, E extends Exception> T noting(String changeTopic, Noted<T, E> work) throws E {
        String before = topic.get();
        topic.set(changeTopic);
        try {
            return work.run();
        } finally {
            if (before == null) {
                topic.remove();
            } else {
                topic.set(before);
            }
        }
    }

    /** Which SQL dialect this database speaks. */
    public Dialect dialect() {
        return backend.dialect();
    }

    /**
     * An insert-or-update of one row by its key: {@code MERGE … KEY} on H2, {@code INSERT … ON CONFLICT … DO UPDATE}
     * on PostgreSQL. Parameters are {@code columns} in order; {@code key} columns must be among them.
     */
    public String upsert(String table, List<String> columns, List<String> key) {
        String cols = String.join(", ", columns);
        String params = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
        if (dialect() == Dialect.H2) {
            return "MERGE INTO " + table + "(" + cols + ") KEY(" + String.join(", ", key) + ") VALUES (" + params + ")";
        }
        StringBuilder set = new StringBuilder();
        for (String col : columns) {
            if (!key.contains(col)) {
                set.append(set.length() == 0 ? "" : ", ").append(col).append(" = EXCLUDED.").append(col);
            }
        }
        return "INSERT INTO " + table + "(" + cols + ") VALUES (" + params + ") ON CONFLICT (" + String.join(", ", key)
                + ") DO " + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
    }

    /** Whether storage can write, and why not (health endpoints, fail-stop of writes). */
    public StorageHealth health() {
        return health;
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. When it changed data,
     * returns only once the commit is durable. A storage error is a {@link StorageUnavailableException}.
     */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = backend.connection()) {
            c.setAutoCommit(false);
            boolean wrote = false;
            T result;
            try {
                result = work.run(c);
                boolean writable = health.writable();
                String noted = topic.get();
                CommitNote note = commitNote;
                boolean noting = noted != null && note != null;
                if (backend.syncsAfterWrite() || !writable || noting) {
                    wrote = backend.changed(c);
                }
                if (wrote && !writable) {
                    // Fail-stop: nothing new is committed while an episode lasts (background jobs included).
                    throw new StorageUnavailableException(health.status().cause(), null);
                }
                if (wrote && noting) {
                    note.write(c, noted);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
            if (wrote && backend.syncsAfterWrite()) {
                backend.afterWrite();
            }
            return result;
        } catch (StorageUnavailableException e) {
            throw e;
        } catch (SQLException e) {
            if (StorageHealth.isStorageFault(e)) {
                throw health.fail(e);
            }
            throw new StoreException(e);
        } catch (IOException e) {
            throw health.fail(e);
        } catch (RuntimeException e) {
            if (StorageHealth.isStorageFault(e)) {
                throw health.fail(e);
            }
            throw e;
        }
    }

    /**
     * The recovery step of a storage episode: H2 drops what it holds in memory (commits that failed to reach the disk
     * were never acknowledged) and opens its files again; PostgreSQL gets fresh connections. Either way a probe row
     * must commit.
     */
    synchronized void reopen() throws SQLException, IOException {
        backend.reopen();
    }

    /** Commits the probe row of a storage episode's recovery (ADR 0091). */
    static void probe(Connection c, String upsert) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setInt(1, 1);
            ps.setObject(2, utc(Instant.now()));
            ps.executeUpdate();
        }
        c.commit();
    }

    static String probeSql(Dialect dialect) {
        return dialect == Dialect.H2
                ? "MERGE INTO storage_probe(id, probed_at) KEY(id) VALUES (?, ?)"
                : "INSERT INTO storage_probe(id, probed_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET probed_at = EXCLUDED.probed_at";
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }

    public static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value == null) {
            return null;
        }
        throw new IllegalStateException("Unexpected time value " + value.getClass());
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** True for a unique or primary key violation (SQLSTATE 23505, H2 and PostgreSQL alike). */
    public static boolean isDuplicate(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public void close() {
        health.close();
        backend.close();
    }
}
