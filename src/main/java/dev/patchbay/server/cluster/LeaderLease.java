package dev.patchbay.server.cluster;

import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A lease row that makes one instance of several the leader (ADR 0117): it holds the lease while it renews it in time;
 * another takes it once it has expired. Expiry is measured on the database's clock, so the instances' clocks do not
 * matter. The holder stops counting itself leader {@link #MARGIN} before the lease expires (measured on its own
 * monotonic clock from the moment it asked), so an old and a new leader never act at the same time unless a renewal
 * takes longer than that margin; what the leader does is also fenced by the rollouts' revisions.
 */
public final class LeaderLease {
    static final Duration MARGIN = Duration.ofSeconds(1);

    private final Database db;
    private final String name;
    private final String holder;
    private final Duration ttl;
    private volatile long validUntilNanos = System.nanoTime();
    private volatile boolean held;
    private volatile long fence;

    public LeaderLease(Database db, String name, String holder, Duration ttl) {
        if (ttl.compareTo(MARGIN.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("a lease lasts at least " + MARGIN.multipliedBy(2));
        }
        this.db = db;
        this.name = name;
        this.holder = holder;
        this.ttl = ttl;
    }

    /** Whether this instance holds the lease now. */
    public boolean held() {
        return held && System.nanoTime() - validUntilNanos < 0;
    }

    /** The fencing number of the current holding (grows each time the lease changes hands). */
    public long fence() {
        return fence;
    }

    /** Renews the lease, or takes it if it is free or expired; answers whether this instance holds it. */
    public boolean renew() {
        long asked = System.nanoTime();
        long got;
        try {
            got = db.inTransaction(this::take);
        } catch (RuntimeException e) {
            // A duplicate key (another instance inserted the row first) or the database is unreachable.
            got = -1;
        }
        if (got > 0) {
            fence = got;
            validUntilNanos = asked + ttl.minus(MARGIN).toNanos();
            held = true;
        } else {
            held = false;
        }
        return held;
    }

    /** Answers the fence if the lease is this instance's now, else -1. */
    private long take(Connection c) throws SQLException {
        long now;
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            now = Database.instant(rs.getObject(1)).toEpochMilli();
        }
        long until = now + ttl.toMillis();
        try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_leases SET fence = CASE WHEN holder = ? THEN"
                + " fence ELSE fence + 1 END, holder = ?, expires_ms = ? WHERE name = ? AND (holder = ? OR expires_ms < ?)")) {
            ps.setString(1, holder);
            ps.setString(2, holder);
            ps.setLong(3, until);
            ps.setString(4, name);
            ps.setString(5, holder);
            ps.setLong(6, now);
            if (ps.executeUpdate() == 1) {
                return fenceOf(c);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM cluster_leases WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return -1;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cluster_leases(name, holder, expires_ms, fence) VALUES (?, ?, ?, 1)")) {
            ps.setString(1, name);
            ps.setString(2, holder);
            ps.setLong(3, until);
            ps.executeUpdate();
        }
        return 1;
    }

    private long fenceOf(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT fence FROM cluster_leases WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Gives the lease up (a clean stop), so another instance takes it at its next renewal instead of after expiry. */
    public void release() {
        boolean was = held;
        held = false;
        if (!was) {
            return;
        }
        try {
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE cluster_leases SET expires_ms = 0 WHERE name = ? AND holder = ?")) {
                    ps.setString(1, name);
                    ps.setString(2, holder);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            // It expires by itself.
        }
    }
}
