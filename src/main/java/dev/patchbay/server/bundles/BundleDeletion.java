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
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code DELETE /api/v1/apps/{app}/bundles/{version}}: deletes a bundle nothing uses — no channel serves it, no active
 * rollout has it as target, stable or rollback release — with an audit entry, then frees the blobs no other bundle
 * (and no open upload) references. A bundle in use is refused (409) with the reason, naming what uses it.
 */
public final class BundleDeletion {
    private final Database db;
    private final Uploads uploads;
    private final Clock clock;

    public BundleDeletion(Database db, Uploads uploads, Clock clock) {
        this.db = db;
        this.uploads = uploads;
        this.clock = clock;
    }

    /** What a deletion did: the blobs the bundle referenced and how many of them were freed. */
    public record Result(String version, int blobs, int freed) {
    }

    public Result delete(Principal actor, String appId, String version) throws IOException {
        return delete(actor, appId, version, null);
    }

    /** As {@link #delete(Principal, String, String)}, {@code why} (e.g. the retention rule) added to the audit detail. */
    public Result delete(Principal actor, String appId, String version, String why) throws IOException {
        return uploads.locked(() -> {
            Set<String> blobs = db.inTransaction(c -> {
                AppStore.require(c, appId);
                long sequence = sequence(c, appId, version);
                String use = use(c, appId, version);
                if (use != null) {
                    throw ApiError.conflict("Bundle " + version + " cannot be deleted: " + use, "version");
                }
                Set<String> refs = new LinkedHashSet<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT sha256 FROM bundle_blobs WHERE app_id = ? AND version = ?")) {
                    ps.setString(1, appId);
                    ps.setString(2, version);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            refs.add(rs.getString(1));
                        }
                    }
                }
                for (String table : List.of("bundle_blobs", "bundles")) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE app_id = ? AND "
                            + "version = ?")) {
                        ps.setString(1, appId);
                        ps.setString(2, version);
                        ps.executeUpdate();
                    }
                }
                AuditLog.record(c, clock.instant(), actor, "bundle.delete", appId, appId + "/" + version,
                        "sequence=" + sequence + " blobs=" + refs.size() + (why == null ? "" : " " + why));
                return refs;
            });
            int freed = uploads.collectLocked(blobs);
            return new Result(version, blobs.size(), freed);
        });
    }

    private static long sequence(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sequence FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("App '" + appId + "' has no bundle '" + version + "'");
                }
                return rs.getLong(1);
            }
        }
    }

    /** Why the bundle is in use, in words, or null when nothing uses it. */
    static String use(Connection c, String appId, String version) throws SQLException {
        List<String> uses = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM channels WHERE app_id = ? AND bundle_version = ? ORDER BY name")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uses.add("channel '" + rs.getString(1) + "' serves it");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, channel, target_bundle, stable_bundle,"
                + " rollback_bundle FROM rollouts WHERE app_id = ? AND state IN ('running', 'paused')"
                + " AND (target_bundle = ? OR stable_bundle = ? OR rollback_bundle = ?) ORDER BY channel")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            ps.setString(3, version);
            ps.setString(4, version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String role = version.equals(rs.getString(3)) ? "target" : version.equals(rs.getString(4))
                            ? "stable bundle" : "rollback release";
                    uses.add("the rollout " + rs.getString(1) + " on channel '" + rs.getString(2) + "' has it as its "
                            + role);
                }
            }
        }
        return uses.isEmpty() ? null : String.join("; ", uses) + ".";
    }
}
