package dev.patchbay.server.store;

import dev.patchbay.db.Migrations;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The server's metadata store: an H2 file database (the default) behind a connection pool, with the schema brought up
 * to date on open. Repositories run their SQL through {@link #inTransaction}; the SQL is kept portable (PostgreSQL).
 *
 * <p>Durability (ADR 0090): H2 runs with {@code WRITE_DELAY=0}, so each commit writes its store chunk before it
 * returns (a {@code kill -9} loses nothing committed); a transaction that changed data then waits for an fsync of the
 * database file, shared by every transaction that committed meanwhile (group commit), so it also survives power loss
 * before the caller answers. Fail-stop (ADR 0091): a storage error starts an episode of {@link StorageHealth}; its
 * recovery drops H2's in-memory state ({@code SHUTDOWN IMMEDIATELY}) and reopens the files.
 */
public final class Database implements AutoCloseable {
    /** H2's "database is already in use" error code. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
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

    private final String url;
    private final StorageHealth health;
    /** The fsync of the embedded file; null on a database server (it makes its own commits durable). */
    private final GroupSync sync;
    private volatile JdbcConnectionPool pool;
    private final ThreadLocal<String> topic = new ThreadLocal<>();
    private volatile CommitNote commitNote;

    private Database(Path folder, String url, JdbcConnectionPool pool, StorageHealth health) {
        this.url = url;
        this.pool = pool;
        this.health = health;
        this.sync = folder == null ? null : new GroupSync(folder.resolve("patchbay.mv.db"));
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
        JdbcConnectionPool pool = pool(url);
        try (Connection c = pool.getConnection()) {
            Migrations.apply(c, "dev/patchbay/server/migrations");
        } catch (SQLException e) {
            pool.dispose();
            if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw new IOException("The data folder " + folder.getParent() + " is in use by another Patchbay server", e);
            }
            throw new IOException("Cannot open the database in " + folder + ": " + e.getMessage(), e);
        }
        return new Database(folder, url, pool, health);
    }

    /**
     * Opens a database server shared by several Patchbay instances (ADR 0116) and applies pending migrations. On this
     * branch: H2's TCP server ({@code jdbc:h2:tcp://HOST:PORT/NAME}); user and password from the URL's {@code USER}
     * and {@code PASSWORD} settings, else {@code patchbay} and an empty password.
     */
    public static Database openServer(String url, StorageHealth health) throws IOException {
        JdbcConnectionPool pool = pool(url);
        try (Connection c = pool.getConnection()) {
            migrate(c);
        } catch (SQLException e) {
            pool.dispose();
            throw new IOException("Cannot open the database " + redacted(url) + ": " + e.getMessage(), e);
        }
        return new Database(null, url, pool, health);
    }

    /**
     * Applies the migrations; when another instance applies the same script at the same moment, the loser's script
     * fails, and it then finds the schema up to date.
     */
    private static void migrate(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                Migrations.apply(c, "dev/patchbay/server/migrations");
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

    /** The URL without its password setting, for messages. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(PASSWORD=)[^;&]*", "$1***");
    }

    private static JdbcConnectionPool pool(String url) {
        String user = setting(url, "USER");
        String password = setting(url, "PASSWORD");
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, user == null ? "patchbay" : user,
                password == null ? "" : password);
        pool.setMaxConnections(32);
        return pool;
    }

    private static String setting(String url, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i);" + name + "=([^;]*)").matcher(url);
        return m.find() ? m.group(1) : null;
    }

    /** Whether this is a database server that other Patchbay instances may share (not the embedded file). */
    public boolean shared() {
        return sync == null;
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

    /** Whether storage can write, and why not (health endpoints, fail-stop of writes). */
    public StorageHealth health() {
        return health;
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. When it changed data,
     * returns only once the commit is durable. A storage error is a {@link StorageUnavailableException}.
     */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            boolean wrote;
            T result;
            try {
                result = work.run(c);
                wrote = changed(c);
                if (wrote && !health.writable()) {
                    // Fail-stop: nothing new is committed while an episode lasts (background jobs included).
                    throw new StorageUnavailableException(health.status().cause(), null);
                }
                String noted = topic.get();
                CommitNote note = commitNote;
                if (wrote && noted != null && note != null) {
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
            if (wrote && sync != null) {
                sync.await();
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

    /** Whether the open transaction changed anything (H2 gives it an id only then). */
    private static boolean changed(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TRANSACTION_ID()")) {
            return rs.next() && rs.getObject(1) != null;
        }
    }

    /**
     * The recovery step of a storage episode: drops what H2 holds in memory (commits that failed to reach the disk
     * were never acknowledged), opens the files again and checks that a commit reaches the disk.
     */
    synchronized void reopen() throws SQLException, IOException {
        JdbcConnectionPool old = pool;
        if (sync != null) {
            // Only the embedded file: a shared database server is never shut down by one of its clients.
            try (Connection c = old.getConnection(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException e) {
                // Already closed by H2 itself after the failure.
            }
        }
        old.dispose();
        if (sync != null) {
            sync.reset();
        }
        JdbcConnectionPool fresh = pool(url);
        try (Connection c = fresh.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO storage_probe(id, probed_at) KEY(id) VALUES (1, ?)")) {
                ps.setObject(1, utc(Instant.now()));
                ps.executeUpdate();
            }
            c.commit();
            if (sync != null) {
                sync.await();
            }
        } catch (SQLException | IOException e) {
            fresh.dispose();
            throw e;
        }
        pool = fresh;
    }

    /**
     * Group commit: a caller whose commit is written waits for an fsync that started after it; whoever takes the lock
     * syncs for everyone who committed before, and they return without a sync of their own.
     */
    private static final class GroupSync {
        private final Path file;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicLong requested = new AtomicLong();
        private long synced;
        private FileChannel channel;

        GroupSync(Path file) {
            this.file = file;
        }

        void await() throws IOException {
            long ticket = requested.incrementAndGet();
            lock.lock();
            try {
                if (synced >= ticket) {
                    return;
                }
                long upTo = requested.get();
                if (channel == null) {
                    // fsync of any descriptor of the file flushes all of its dirty pages (the ones H2 wrote).
                    channel = FileChannel.open(file, StandardOpenOption.READ);
                }
                channel.force(false);
                synced = upTo;
            } finally {
                lock.unlock();
            }
        }

        void reset() {
            lock.lock();
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // a descriptor opened for reading only
            } finally {
                channel = null;
                lock.unlock();
            }
        }
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
        pool.dispose();
        if (sync != null) {
            sync.reset();
        }
    }
}
