package dev.patchbay.server.rollouts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.trust.Signatures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollback release (docs/rollouts.md §3): a release of the stable bundle's content under a new, higher sequence,
 * signed with the app's keys, so devices already on the target accept going back. Verified before the verb's
 * transaction, published inside it (with {@code rollback_of}).
 */
final class RollbackReleaseStore {
    private final Database db;
    private final Signatures signatures;
    private final BlobStore blobs;

    RollbackReleaseStore(Database db, Signatures signatures, BlobStore blobs) {
        this.db = db;
        this.signatures = signatures;
        this.blobs = blobs;
    }

    /** A rollback release verified against the app's trust, not yet compared with the stable release. */
    record Verified(Signatures.Release release, String text, JsonNode node) {
    }

    Verified verify(String appId, byte[] envelope) {
        byte[] trust = db.inTransaction(c -> {
            AppStore.require(c, appId);
            return dev.patchbay.server.trust.TrustStore.find(c, appId);
        });
        if (trust == null) {
            throw new ApiError(409, "trust_missing", "App '" + appId + "' has no trust material registered", null);
        }
        Signatures.Release release;
        try {
            release = signatures.verify(envelope, trust);
        } catch (ApiError e) {
            throw new ApiError(400, e.code(), "Rollback release: " + e.getMessage(), "rollbackRelease");
        }
        if (!appId.equals(release.appId())) {
            throw ApiError.validation("rollbackRelease", "The rollback release is for app '" + release.appId()
                    + "', not '" + appId + "'");
        }
        try {
            dev.patchbay.server.bundles.Uploads.version("rollbackRelease", release.version());
        } catch (ApiError e) {
            throw ApiError.validation("rollbackRelease", "Rollback release: " + e.getMessage());
        }
        String text = new String(envelope, java.nio.charset.StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = Json.mapper().readTree(envelope).path("release");
        } catch (java.io.IOException e) {
            throw ApiError.validation("rollbackRelease", "The rollback release is not JSON");
        }
        return new Verified(release, text, node);
    }

    /**
     * Checks a verified rollback release against the stable release and the app's bundles, and publishes it (with
     * {@code rollback_of}); answers its version.
     */
    String store(Connection c, Principal actor, String appId, String stable, Verified v, Instant now) throws SQLException {
        Signatures.Release rel = v.release();
        JsonNode stableRelease;
        try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, stable);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("App '" + appId + "' has no bundle version '" + stable + "'");
                }
                stableRelease = Json.mapper().readTree(rs.getString(1)).path("release");
            } catch (java.io.IOException e) {
                throw new SQLException("Stored envelope of " + stable + " is not JSON", e);
            }
        }
        if (!v.node().path("manifest").path("sha256").equals(stableRelease.path("manifest").path("sha256"))
                || !v.node().path("manifest").path("length").equals(stableRelease.path("manifest").path("length"))) {
            throw ApiError.validation("rollbackRelease", "The rollback release " + rel.version() + " has another"
                    + " manifest than " + stable + "; it must carry the stable bundle's content");
        }
        if (!v.node().path("blobs").equals(stableRelease.path("blobs"))) {
            throw ApiError.validation("rollbackRelease", "The rollback release " + rel.version() + " lists other"
                    + " blobs than " + stable + "; it must carry the stable bundle's content");
        }
        if (!v.node().path("nativeMin").equals(stableRelease.path("nativeMin"))
                || !v.node().path("nativeMax").equals(stableRelease.path("nativeMax"))) {
            throw ApiError.validation("rollbackRelease", "The rollback release " + rel.version() + " has another"
                    + " native version range than " + stable);
        }
        if (RolloutRows.sequence(c, appId, rel.version()) != null) {
            throw ApiError.conflict("App '" + appId + "' already has a bundle version '" + rel.version() + "'",
                    "rollbackRelease");
        }
        long highest = Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(sequence) FROM bundles WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long m = rs.getLong(1);
                    highest = rs.wasNull() ? Long.MIN_VALUE : m;
                }
            }
        }
        if (rel.sequence() <= highest) {
            throw ApiError.conflict("The rollback release has sequence " + rel.sequence() + " but app '" + appId
                    + "' has already published sequence " + highest + "; it must be above every published one",
                    "rollbackRelease");
        }
        List<Signatures.SignedBlob> all = new ArrayList<>(rel.blobs());
        all.add(rel.manifest());
        long total = 0;
        for (Signatures.SignedBlob b : all) {
            long have;
            try {
                have = blobs == null ? -1 : blobs.size(b.sha256());
            } catch (java.io.IOException e) {
                throw new SQLException("Cannot read the blob store", e);
            }
            if (have != b.length()) {
                throw ApiError.validation("rollbackRelease", "Blob " + b.sha256() + " of the rollback release is not"
                        + " stored on the server");
            }
            total += b.length();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundles(app_id, version, sequence, envelope,"
                + " total_bytes, file_count, release_key_id, created_at, published_at, rollback_of)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, appId);
            ps.setString(2, rel.version());
            ps.setLong(3, rel.sequence());
            ps.setString(4, v.text());
            ps.setLong(5, total);
            ps.setInt(6, rel.blobs().size());
            ps.setString(7, rel.releaseKeyId());
            ps.setObject(8, Database.utc(rel.createdAt()));
            ps.setObject(9, Database.utc(now));
            ps.setString(10, stable);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Database.isDuplicate(e)) {
                throw ApiError.conflict("App '" + appId + "' already has a bundle with this version or sequence",
                        "rollbackRelease");
            }
            throw e;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bundle_blobs(app_id, version, sha256, length) VALUES (?, ?, ?, ?)")) {
            for (Signatures.SignedBlob b : all) {
                if (seen.add(b.sha256())) {
                    ps.setString(1, appId);
                    ps.setString(2, rel.version());
                    ps.setString(3, b.sha256());
                    ps.setLong(4, b.length());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        AuditLog.record(c, now, actor, "bundle.publish", appId, appId + "/" + rel.version(),
                "sequence=" + rel.sequence() + " rollbackOf=" + stable + " releaseKey=" + rel.releaseKeyId());
        return rel.version();
    }
}
