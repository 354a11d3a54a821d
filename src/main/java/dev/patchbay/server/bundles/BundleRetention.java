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
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-app rule "keep the last N unused bundles" (ADR 0104). A bundle is <em>used</em> while a channel serves it,
 * an active rollout has it as target, stable bundle or rollback release ({@link BundleDeletion#use}), or a device
 * last reported running it or having it staged as its next bundle. Of the unused ones, the N published last (by
 * sequence) are kept and the older ones are deleted through {@link BundleDeletion}, which checks again under the
 * upload lock, frees the blobs and writes the audit entry. The rule runs when it is set and after each publish.
 */
public final class BundleRetention {
    /** The largest N accepted; more is the same as keeping everything. */
    public static final int MAX_KEEP = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(BundleRetention.class);

    private final Database db;
    private final BundleDeletion deletion;
    private final Clock clock;
    private final Runnable flushDevices;

    /** @param flushDevices writes the device reports still held in memory, so the rule sees what devices run */
    public BundleRetention(Database db, BundleDeletion deletion, Clock clock, Runnable flushDevices) {
        this.db = db;
        this.deletion = deletion;
        this.clock = clock;
        this.flushDevices = flushDevices;
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
            return new Plan(keep, keep == null ? List.of() : candidates(c, appId, keep));
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

    /** Unused bundles beyond the newest {@code keep} unused ones, oldest first. */
    private static List<String> candidates(Connection c, String appId, int keep) throws SQLException {
        Set<String> onDevices = new HashSet<>();
        for (String column : List.of("current_bundle", "next_bundle")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT " + column + " FROM devices WHERE app_id = ?"
                    + " AND " + column + " IS NOT NULL")) {
                ps.setString(1, appId);
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
