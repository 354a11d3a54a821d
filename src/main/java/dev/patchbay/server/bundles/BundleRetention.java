package dev.patchbay.server.bundles;

import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-app rule "keep the last N unused bundles" (ADR 0104, amended by 0109). A bundle is <em>used</em> while a
 * channel serves it, an active rollout has it as target, stable bundle or rollback release
 * ({@link BundleDeletion#use}), or a device <em>seen within the device window</em> last reported running it or having
 * it staged as its next bundle (a device silent for longer no longer holds a bundle). Of the unused ones, the N
 * published last (by sequence) are kept and the older ones are deleted through {@link BundleDeletion}, which checks
 * again under the upload lock, frees the blobs and writes the audit entry. The rule runs when it is set, after each
 * publish, and on a timer ({@link #start}) for every app that has one, on the leader only (ADR 0117).
 */
public final class BundleRetention implements AutoCloseable {
    /** The largest N accepted; more is the same as keeping everything. */
    public static final int MAX_KEEP = 10_000;
    /** The actor of the timed prunes in the audit log ({@code system:retention}). */
    public static final Principal TIMER = new Principal("system", "retention");
    private static final Logger LOG = LoggerFactory.getLogger(BundleRetention.class);

    private final Database db;
    private final BundleDeletion deletion;
    private final Clock clock;
    private final Runnable flushDevices;
    private final Duration deviceWindow;
    private ScheduledExecutorService timer;
    private volatile BooleanSupplier leadership = () -> true;

    /**
     * @param flushDevices writes the device reports still held in memory, so the rule sees what devices run
     * @param deviceWindow a device last seen longer ago than this no longer keeps its bundles (the server's event
     *                     retention, {@code --event-retention}: its timeline is gone by then too)
     */
    public BundleRetention(Database db, BundleDeletion deletion, Clock clock, Runnable flushDevices,
            Duration deviceWindow) {
        if (deviceWindow == null || deviceWindow.isNegative() || deviceWindow.isZero()) {
            throw new IllegalArgumentException("the device window must be positive");
        }
        this.db = db;
        this.deletion = deletion;
        this.clock = clock;
        this.flushDevices = flushDevices;
        this.deviceWindow = deviceWindow;
    }

    /** Timed prunes run only while {@code leader} says this instance leads (ADR 0117). */
    public BundleRetention withLeadership(BooleanSupplier leader) {
        this.leadership = leader;
        return this;
    }

    /** Applies every app's rule every {@code every} on a daemon thread, the first time after {@code first}. */
    public synchronized BundleRetention start(Duration first, Duration every) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-bundle-retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::timed, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One run of the timer: {@link #pruneAll} on the leader; nothing (an empty map) on the other instances. */
    public Map<String, Setting> timed() {
        try {
            return leadership.getAsBoolean() ? pruneAll() : Map.of();
        } catch (RuntimeException e) {
            LOG.error("Bundle retention failed; trying again at the next run", e);
            return Map.of();
        }
    }

    /**
     * Applies the rule of every app that has one, as {@link #TIMER}; a failing app is logged and the others still
     * run. Returns what was deleted, per app (apps where nothing was deleted are left out).
     */
    public Map<String, Setting> pruneAll() {
        List<String> appIds = db.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM apps WHERE keep_unused_bundles IS NOT NULL ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        Map<String, Setting> out = new LinkedHashMap<>();
        for (String appId : appIds) {
            try {
                Setting s = prune(TIMER, appId);
                if (!s.deleted().isEmpty()) {
                    LOG.info("Bundle retention of {} (keep {} unused): deleted {}, freed {} blobs", appId,
                            s.keepUnusedBundles(), s.deleted(), s.freedBlobs());
                    out.put(appId, s);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Bundle retention of app {} failed; trying again at the next run: {}", appId, e.toString());
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** The rule of an app ({@code keepUnusedBundles} null: every bundle is kept) and what its last run deleted. */
    public record Setting(Integer keepUnusedBundles, List<String> deleted, int freedBlobs) {
        public Setting {
            deleted = List.copyOf(deleted);
        }
    }

    public Setting get(String appId) {
        return new Setting(db.inTransaction(c -> keep(c, appId)), List.of(), 0);
    }

    /** Sets the rule ({@code keep} null: keep every bundle), audited as {@code bundle.retention}, then applies it. */
    public Setting set(Principal actor, String appId, Integer keep) throws IOException {
        if (keep != null && (keep < 1 || keep > MAX_KEEP)) {
            throw ApiError.validation("keepUnusedBundles", "Keep between 1 and " + MAX_KEEP
                    + " unused bundles, or null to keep every bundle");
        }
        db.inTransaction(c -> {
            Integer before = keep(c, appId);
            try (PreparedStatement ps = c.prepareStatement("UPDATE apps SET keep_unused_bundles = ? WHERE id = ?")) {
                if (keep == null) {
                    ps.setNull(1, Types.INTEGER);
                } else {
                    ps.setInt(1, keep);
                }
                ps.setString(2, appId);
                ps.executeUpdate();
            }
            AuditLog.record(c, clock.instant(), actor, "bundle.retention", appId, appId,
                    "keepUnusedBundles=" + text(before) + " -> " + text(keep));
            return null;
        });
        return prune(actor, appId);
    }

    /** Applies the app's rule now; nothing happens when the app keeps every bundle. */
    public Setting prune(Principal actor, String appId) throws IOException {
        flushDevices.run();
        Plan plan = db.inTransaction(c -> {
            Integer keep = keep(c, appId);
            return new Plan(keep, keep == null ? List.of()
                    : candidates(c, appId, keep, clock.instant().minus(deviceWindow)));
        });
        Integer keep = plan.keep();
        List<String> candidates = plan.candidates();
        List<String> deleted = new ArrayList<>();
        int freed = 0;
        for (String version : candidates) {
            try {
                BundleDeletion.Result r = deletion.delete(actor, appId, version, "retention=keep " + keep + " unused");
                deleted.add(r.version());
                freed += r.freed();
            } catch (ApiError e) {
                // Put to use (or deleted) since the list was read: the deletion's own check wins.
                LOG.info("Retention of {} kept bundle {}: {}", appId, version, e.getMessage());
            }
        }
        return new Setting(keep, deleted, freed);
    }

    /**
     * The same as {@link #prune} for a caller that must not fail because of it (a publish that already succeeded):
     * a problem is logged, not thrown.
     */
    public void pruneQuietly(Principal actor, String appId) {
        try {
            prune(actor, appId);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Bundle retention of app {} failed: {}", appId, e.toString());
        }
    }

    private record Plan(Integer keep, List<String> candidates) {
    }

    /**
     * Unused bundles beyond the newest {@code keep} unused ones, oldest first; only devices seen at or after
     * {@code seenSince} hold a bundle.
     */
    private static List<String> candidates(Connection c, String appId, int keep, Instant seenSince)
            throws SQLException {
        Set<String> onDevices = new HashSet<>();
        for (String column : List.of("current_bundle", "next_bundle")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT " + column + " FROM devices WHERE app_id = ?"
                    + " AND last_seen >= ? AND " + column + " IS NOT NULL")) {
                ps.setString(1, appId);
                ps.setTimestamp(2, Timestamp.from(seenSince));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        onDevices.add(rs.getString(1));
                    }
                }
            }
        }
        List<String> unused = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version FROM bundles WHERE app_id = ? ORDER BY sequence DESC")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unused.add(rs.getString(1));
                }
            }
        }
        unused.removeIf(onDevices::contains);
        List<String> out = new ArrayList<>();
        int kept = 0;
        for (String version : unused) {
            if (BundleDeletion.use(c, appId, version) != null) {
                continue;
            }
            if (kept < keep) {
                kept++;
            } else {
                out.add(0, version);
            }
        }
        return out;
    }

    private static Integer keep(Connection c, String appId) throws SQLException {
        AppStore.require(c, appId);
        try (PreparedStatement ps = c.prepareStatement("SELECT keep_unused_bundles FROM apps WHERE id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int n = rs.getInt(1);
                return rs.wasNull() ? null : n;
            }
        }
    }

    private static String text(Integer keep) {
        return keep == null ? "all" : String.valueOf(keep);
    }
}
