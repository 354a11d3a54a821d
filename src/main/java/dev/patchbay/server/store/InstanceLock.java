package dev.patchbay.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A named lock that every server instance on one database server takes turns on (ADR 0118), held across work that is
 * not one transaction (a blob collection lists references, then deletes objects from the bucket). It is a transaction
 * held open on a connection of its own: on PostgreSQL a transaction-scoped advisory lock
 * ({@code pg_try_advisory_xact_lock}, no row written, no transaction id taken), on H2's server a {@code FOR UPDATE}
 * lock on a row of {@code cluster_counters}. Either is released by the database when the holder's connection ends,
 * so an instance killed while holding it never blocks the others. On the embedded H2 file there is one instance and
 * no lock is taken here.
 */
public final class InstanceLock implements AutoCloseable {
    /** Pause between tries while another instance holds the lock. */
    private static final long RETRY_MILLIS = 25;
    /** H2: lock timeout (the row is held by another session). */
    private static final int H2_LOCK_TIMEOUT = 50200;

    private final Connection held;

    private InstanceLock(Connection held) {
        this.held = held;
    }

    /**
     * Takes the lock {@code name}, waiting at most {@code wait} for another instance to release it.
     *
     * @throws IOException when another instance held it for all of {@code wait}
     */
    public static InstanceLock acquire(Database db, String name, Duration wait) throws IOException {
        if (!db.shared()) {
            return new InstanceLock(null);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                Connection c = db.connection();
                boolean got = false;
                try {
                    c.setAutoCommit(false);
                    got = db.dialect() == Database.Dialect.POSTGRESQL ? postgres(c, name) : h2(c, name);
                    if (got) {
                        return new InstanceLock(c);
                    }
                } finally {
                    if (!got) {
                        release(c);
                    }
                }
            } catch (SQLException e) {
                if (StorageHealth.isStorageFault(e)) {
                    throw db.health().fail(e);
                }
                throw new StoreException(e);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("Another server instance has held the " + name + " lock for more than "
                        + wait.toSeconds() + " s");
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for the " + name + " lock", e);
            }
        }
    }

    private static boolean postgres(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, key(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean h2(Connection c, String name) throws SQLException {
        String row = "lock:" + name;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT last_id FROM cluster_counters WHERE name = ? FOR UPDATE")) {
            ps.setString(1, row);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return true;
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_LOCK_TIMEOUT) {
                return false;
            }
            throw e;
        }
        // The first use on this database: create the row (another instance may do so at the same moment), then lock it.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cluster_counters(name, last_id) VALUES (?, 0)")) {
            ps.setString(1, row);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            if (!Database.isDuplicate(e)) {
                throw e;
            }
        }
        return false;
    }

    /** A stable 64-bit advisory lock key for {@code name} (FNV-1a), away from the migration lock's key. */
    static long key(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : ("patchbay:" + name).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    private static void release(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // A broken connection: the database ends its transaction (and the lock) with it.
        }
        try {
            c.close();
        } catch (SQLException e) {
            // as above
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        if (held != null) {
            release(held);
        }
    }
}
