package dev.patchbay.server.devices;

import dev.patchbay.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps device timelines and rollout chart samples to a retention period (docs/device-protocol.md §4, "Retention"):
 * every update check and every device event adds a {@code device_events} row, so without it the table grows with
 * the fleet forever. Events received before {@code now - keep} are deleted, and so are the chart samples of rollouts
 * taken before then. The audit log is never pruned.
 *
 * <p>Events are found by their id, which grows in the order they are received: a binary search over the primary key
 * finds the first id received at or after the cutoff, then everything below it goes in batches of
 * {@value #BATCH} ids, each its own transaction, so a prune never holds a long lock. Ids written by concurrent
 * writers within milliseconds of the cutoff may fall on either side of it.
 */
public final class EventRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);
    static final int BATCH = 10_000;

    private final Database db;
    private final Clock clock;
    private final Duration keep;
    private ScheduledExecutorService timer;
    private volatile java.util.function.BooleanSupplier leadership = () -> true;

    /** Scheduled prunes run only while {@code leader} says this instance leads (ADR 0117). */
    public EventRetention withLeadership(java.util.function.BooleanSupplier leader) {
        this.leadership = leader;
        return this;
    }

    /** What one prune removed. */
    public record Pruned(long events, long samples, long offers) {
        public Pruned(long events, long samples) {
            this(events, samples, 0);
        }
    }

    public EventRetention(Database db, Clock clock, Duration keep) {
        if (keep == null || keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("the retention must be positive");
        }
        this.db = db;
        this.clock = clock;
        this.keep = keep;
    }

    /** Prunes every {@code every} on a daemon thread, the first time after {@code first}. */
    public synchronized EventRetention start(Duration first, Duration every) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (!leadership.getAsBoolean()) {
                return;
            }
            try {
                Pruned p = prune(clock.instant());
                if (p.events() > 0 || p.samples() > 0 || p.offers() > 0) {
                    LOG.info("Retention ({}): deleted {} device events, {} rollout samples and {} release offers",
                            keep, p.events(), p.samples(), p.offers());
                }
            } catch (RuntimeException e) {
                LOG.error("Retention prune failed; trying again later", e);
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Deletes what was received before {@code now - keep}. */
    public Pruned prune(Instant now) {
        Instant cutoff = now.minus(keep);
        long[] range = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(id), MAX(id) FROM device_events");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1) == null ? null : new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
        long events = 0;
        if (range != null) {
            long boundary = firstIdAtOrAfter(cutoff, range[0], range[1] + 1);
            for (long from = range[0]; from < boundary; from += BATCH) {
                long lo = from;
                long hi = Math.min(boundary, from + BATCH);
                events += db.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM device_events WHERE id >= ? AND id < ?")) {
                        ps.setLong(1, lo);
                        ps.setLong(2, hi);
                        return (long) ps.executeUpdate();
                    }
                });
            }
        }
        long samples = db.inTransaction(c -> {
            List<String> rollouts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rollouts"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rollouts.add(rs.getString(1));
                }
            }
            long n = 0;
            // One primary-key range per rollout (rollout_id, at): no scan of the whole table.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rollout_samples WHERE rollout_id = ? AND at < ?")) {
                for (String id : rollouts) {
                    ps.setString(1, id);
                    ps.setTimestamp(2, Timestamp.from(cutoff));
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
        return new Pruned(events, samples, pruneOffers(cutoff));
    }

    /**
     * Release offers (ADR 0094) made before the cutoff go too, except those of a release an active (running or
     * paused) rollout targets: its health still reads them, however long the rollout runs. Batches of
     * {@value #BATCH} rows, each its own transaction.
     */
    private long pruneOffers(Instant cutoff) {
        long total = 0;
        while (true) {
            long n = db.inTransaction(c -> {
                String stale = "o.offered_at < ? AND NOT EXISTS (SELECT 1 FROM rollouts r WHERE r.active_key IS NOT"
                        + " NULL AND r.app_id = o.app_id AND r.target_bundle = o.bundle)";
                // A DELETE with a row limit: H2 spells it directly, PostgreSQL through the rows' physical ids.
                String sql = db.dialect() == Database.Dialect.H2
                        ? "DELETE FROM release_offers o WHERE " + stale + " FETCH FIRST " + BATCH + " ROWS ONLY"
                        : "DELETE FROM release_offers WHERE ctid IN (SELECT o.ctid FROM release_offers o WHERE " + stale
                                + " FETCH FIRST " + BATCH + " ROWS ONLY)";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setTimestamp(1, Timestamp.from(cutoff));
                    return (long) ps.executeUpdate();
                }
            });
            total += n;
            if (n < BATCH) {
                return total;
            }
        }
    }

    /** The smallest id in [lo, hi) whose event was received at or after {@code cutoff}; {@code hi} if none. */
    private long firstIdAtOrAfter(Instant cutoff, long lo, long hi) {
        return db.inTransaction(c -> {
            long a = lo;
            long b = hi;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, received_at FROM device_events WHERE id >= ?"
                    + " ORDER BY id FETCH FIRST 1 ROW ONLY")) {
                while (a < b) {
                    long mid = a + (b - a) / 2;
                    ps.setLong(1, mid);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            b = mid;
                            continue;
                        }
                        long id = rs.getLong(1);
                        Instant at = rs.getTimestamp(2).toInstant();
                        if (id >= b) {
                            b = mid;
                        } else if (at.isBefore(cutoff)) {
                            a = id + 1;
                        } else {
                            b = id;
                        }
                    }
                }
            }
            return a;
        });
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
