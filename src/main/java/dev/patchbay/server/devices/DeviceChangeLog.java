package dev.patchbay.server.devices;

import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.TreeMap;

/**
 * The change cursor of device rows (rollouts §6). Every write to a {@code devices} row sets
 * {@code change_seq = nextval('device_change_seq')}, and runs through {@link #write}: sequence values are taken
 * before commit, so a transaction may commit a value lower than one a reader has already handed out. To never skip
 * such a row, each writing transaction first registers a <em>floor</em> (a sequence value taken at its start; every
 * value it takes later is above it), and a reader only hands out rows below the {@link #horizon}: the lowest floor
 * of the transactions still in flight, or a fresh sequence value when none is. Every row below the horizon belongs to
 * a transaction that has ended, so a cursor never passes a row that could still appear.
 *
 * <p>On PostgreSQL the horizon holds for writers of every instance on the database (ADR 0118): a writer takes its
 * transaction id before its floor, and the horizon is the newest sequence value sampled together with the ids of the
 * writing transactions then in progress ({@code txid_current_snapshot()}) of which none is still in progress: every
 * writer that had taken a lower value had its id by then, so it has ended. With no writer in flight that is a fresh
 * value, as on a single instance. H2's server has no such view: there the horizon lags {@link #SHARED_LAG_NANOS}.
 */
public final class DeviceChangeLog {
    /** SQL for the change_seq column value of a write (the spelling H2 and PostgreSQL share). */
    public static final String NEXT = "nextval('device_change_seq')";

    /**
     * Instances sharing the database (ADR 0116): a transaction of another instance is not in {@link #floors}, so the
     * horizon also stays below a sequence value sampled {@link #SHARED_LAG} ago; any transaction shorter than that
     * which took a lower value has ended.
     */
    static final long SHARED_LAG_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

    /** A writer's floor on PostgreSQL: its transaction id is taken first (the filter runs before the select list). */
    static final String PG_FLOOR = "SELECT " + NEXT + " WHERE txid_current() IS NOT NULL";
    /** Samples kept on PostgreSQL while writers are in flight (older ones are dropped: the horizon only waits longer). */
    static final int PG_SAMPLES = 64;

    private final TreeMap<Long, Integer> floors = new TreeMap<>();
    /** PostgreSQL: sequence values with the writers in progress when they were taken, oldest first. */
    private final java.util.ArrayDeque<PgSample> pgSamples = new java.util.ArrayDeque<>();
    private long pgHorizon = 1;
    /** Sequence values by the (monotonic) time they were taken; only when the database is shared. */
    private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();
    private volatile boolean shared;

    /** Keeps the horizon safe for writers in other processes (see {@link #SHARED_LAG_NANOS}). */
    public void shared(boolean on) {
        shared = on;
    }

    /** Records the sequence's current value (the cluster thread, a few times a second). */
    public void sample(Database db) {
        if (db.dialect() == Database.Dialect.POSTGRESQL) {
            db.inTransaction(this::horizon); // a sample that later settles lets the horizon move under steady writes
            return;
        }
        if (!shared) {
            return;
        }
        long now = System.nanoTime();
        long v = db.inTransaction(DeviceChangeLog::next);
        synchronized (this) {
            samples.addLast(new long[] {now, v});
            // Keep one sample older than the lag (the horizon), drop the ones before it.
            while (samples.size() > 1) {
                long[] second = samples.stream().skip(1).findFirst().orElseThrow();
                if (now - second[0] >= SHARED_LAG_NANOS) {
                    samples.removeFirst();
                } else {
                    break;
                }
            }
        }
    }

    /** Runs {@code work} in one transaction of {@code db} as a device writer (see the class comment). */
    public <T> T write(Database db, Database.Work<T> work) {
        long[] floor = {-1};
        try {
            return db.inTransaction(c -> {
                if (floor[0] < 0) {
                    floor[0] = enter(c);
                }
                return work.run(c);
            });
        } finally {
            if (floor[0] >= 0) {
                leave(floor[0]);
            }
        }
    }

    private synchronized long enter(Connection c) throws SQLException {
        long v = postgres(c) ? value(c, PG_FLOOR) : next(c);
        floors.merge(v, 1, Integer::sum);
        return v;
    }

    private synchronized void leave(long floor) {
        floors.computeIfPresent(floor, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Rows with {@code change_seq} below the returned value are committed (or gone) for good. */
    public synchronized long horizon(Connection c) throws SQLException {
        if (postgres(c)) {
            return pgHorizon(c);
        }
        long local = floors.isEmpty() ? next(c) : floors.firstKey();
        if (!shared) {
            return local;
        }
        long[] oldest = samples.peekFirst();
        if (oldest == null || System.nanoTime() - oldest[0] < SHARED_LAG_NANOS) {
            return 1; // not up long enough to know: hand out nothing yet
        }
        return Math.min(local, oldest[1]);
    }

    private long pgHorizon(Connection c) throws SQLException {
        long v = next(c);
        java.util.Set<Long> running = new java.util.HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT x FROM"
                + " txid_snapshot_xip(txid_current_snapshot()) x WHERE x IS DISTINCT FROM txid_current_if_assigned()")) {
            while (rs.next()) {
                running.add(rs.getLong(1)); // writers in progress, this transaction not among them
            }
        }
        pgSamples.addLast(new PgSample(v, running));
        if (pgSamples.size() > PG_SAMPLES) {
            pgSamples.removeFirst();
        }
        // The newest sample none of whose writers is still in progress; the older ones are no longer needed.
        java.util.Iterator<PgSample> newest = pgSamples.descendingIterator();
        while (newest.hasNext()) {
            PgSample s = newest.next();
            if (java.util.Collections.disjoint(s.running(), running)) {
                pgHorizon = Math.max(pgHorizon, s.value());
                while (pgSamples.peekFirst() != s) {
                    pgSamples.removeFirst();
                }
                break;
            }
        }
        return pgHorizon;
    }

    private record PgSample(long value, java.util.Set<Long> running) {
    }

    private static boolean postgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    private static long value(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long next(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + NEXT)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
