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
 */
public final class DeviceChangeLog {
    /** SQL for the change_seq column value of a write (the spelling H2 and PostgreSQL share). */
    public static final String NEXT = "nextval('device_change_seq')";

    private final TreeMap<Long, Integer> floors = new TreeMap<>();

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
        long v = next(c);
        floors.merge(v, 1, Integer::sum);
        return v;
    }

    private synchronized void leave(long floor) {
        floors.computeIfPresent(floor, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Rows with {@code change_seq} below the returned value are committed (or gone) for good. */
    public synchronized long horizon(Connection c) throws SQLException {
        return floors.isEmpty() ? next(c) : floors.firstKey();
    }

    private static long next(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + NEXT)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
