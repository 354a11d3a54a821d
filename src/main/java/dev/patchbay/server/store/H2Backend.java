package dev.patchbay.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The embedded H2 file database (ADR 0090): H2's own connection pool (embedded sessions, nothing to gain from
 * another pool: ADR 0110), {@code TRANSACTION_ID()} to tell a writing transaction, a group fsync of the database file
 * after its commit, and {@code SHUTDOWN IMMEDIATELY} + reopen as the recovery of a storage episode (ADR 0091).
 * On H2's TCP server that several instances share (ADR 0116) there is no local file: no fsync here (the server makes
 * its commits durable) and recovery never shuts the shared server down.
 */
final class H2Backend implements Database.Backend {
    private final String url;
    /** The fsync of the embedded file; null on a shared database server. */
    private final GroupSync sync;
    private volatile JdbcConnectionPool pool;

    /** The embedded file in {@code folder}, or (folder null) the H2 server at {@code url}. */
    H2Backend(Path folder, String url, JdbcConnectionPool pool) {
        this.url = url;
        this.pool = pool;
        this.sync = folder == null ? null : new GroupSync(folder.resolve("patchbay.mv.db"));
    }

    /** User and password from the URL's {@code USER}/{@code PASSWORD} settings, else {@code patchbay} and none. */
    static JdbcConnectionPool pool(String url) {
        return pool(url, 32, 30);
    }

    /** H2's server with this instance's pool settings (ADR 0118). */
    static JdbcConnectionPool pool(String url, DatabasePool sizes) {
        return pool(url, sizes.size(), sizes.timeoutSeconds());
    }

    private static JdbcConnectionPool pool(String url, int size, int waitSeconds) {
        String user = setting(url, "USER");
        String password = setting(url, "PASSWORD");
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, user == null ? "patchbay" : user,
                password == null ? "" : password);
        pool.setMaxConnections(size);
        pool.setLoginTimeout(waitSeconds);
        return pool;
    }

    private static String setting(String url, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i);" + name + "=([^;]*)").matcher(url);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public boolean shared() {
        return sync == null;
    }

    @Override
    public Database.Dialect dialect() {
        return Database.Dialect.H2;
    }

    @Override
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** H2 gives a transaction an id only once it changed something. */
    @Override
    public boolean changed(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TRANSACTION_ID()")) {
            return rs.next() && rs.getObject(1) != null;
        }
    }

    @Override
    public boolean syncsAfterWrite() {
        return sync != null;
    }

    @Override
    public void afterWrite() throws IOException {
        sync.await();
    }

    @Override
    public void reopen() throws SQLException, IOException {
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
            Database.probe(c, Database.probeSql(Database.Dialect.H2));
            if (sync != null) {
                sync.await();
            }
        } catch (SQLException | IOException e) {
            fresh.dispose();
            throw e;
        }
        pool = fresh;
    }

    @Override
    public void close() {
        pool.dispose();
        if (sync != null) {
            sync.reset();
        }
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
}
