package dev.patchbay.server.bundles;

import dev.patchbay.domain.Bundle;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.trust.Signatures;
import dev.patchbay.server.trust.TrustStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The commit of an upload session (bundle-format.md §7), which publishes its bundle: the release envelope checked
 * against the app's trust material and the session's blobs, then the bundle and its blob references written in one
 * transaction, under the lock of {@link Uploads}.
 */
final class UploadCommit {
    private final Uploads uploads;
    private final Database db;
    private final Clock clock;
    private final BlobStore blobs;
    private final Signatures signatures;

    UploadCommit(Uploads uploads, Database db, Clock clock, BlobStore blobs, Signatures signatures) {
        this.uploads = uploads;
        this.db = db;
        this.clock = clock;
        this.blobs = blobs;
        this.signatures = signatures;
    }

    Bundle commit(Principal actor, String appId, String id, byte[] envelope) throws IOException {
        uploads.lock.lock();
        try {
            Uploads.Session s = uploads.require(appId, id);
            byte[] trust = db.inTransaction(c -> TrustStore.find(c, appId));
            if (trust == null) {
                throw new ApiError(409, "trust_missing", "App '" + appId + "' has no trust material registered", null);
            }
            Signatures.Release release = signatures.verify(envelope, trust);
            if (!appId.equals(release.appId())) {
                throw ApiError.validation("release.appId", "The release is for app '" + release.appId()
                        + "', not '" + appId + "'");
            }
            Uploads.version("release.version", release.version());
            if (!release.version().equals(s.version())) {
                throw ApiError.validation("release.version", "The release is version " + release.version()
                        + " but upload '" + id + "' was opened for version " + s.version());
            }
            List<Signatures.SignedBlob> all = new ArrayList<>(release.blobs());
            all.add(release.manifest());
            long total = 0;
            for (Signatures.SignedBlob b : all) {
                total += b.length(); // the bundle's size: what a first install fetches, not the patches
            }
            all.addAll(release.patchBlobs());
            List<String> problems = new ArrayList<>();
            for (Signatures.SignedBlob b : all) {
                long have = blobs.size(b.sha256());
                if (have < 0) {
                    problems.add("blob " + b.sha256() + " has not been uploaded ("
                            + blobs.received(id, b.sha256(), b.length()) + " of " + b.length() + " bytes received)");
                } else if (have != b.length()) {
                    problems.add("blob " + b.sha256() + " has " + have + " bytes but the release signs " + b.length());
                }
            }
            if (!problems.isEmpty()) {
                throw ApiError.validation("release.blobs", "The release cannot be published: "
                        + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                        + (problems.size() > 5 ? "; and " + (problems.size() - 5) + " more" : ""))
                        .with("missing", all.stream().map(Signatures.SignedBlob::sha256)
                                .filter(sha -> problems.stream().anyMatch(p -> p.contains(sha))).toList());
            }
            long totalBytes = total;
            Instant now = clock.instant();
            String text = new String(envelope, StandardCharsets.UTF_8);
            Bundle bundle = db.inTransaction(c -> {
                AppStore.require(c, appId);
                uploads.requireOpen(c, appId, id);
                if (Uploads.bundleExists(c, appId, release.version())) {
                    throw ApiError.conflict("App '" + appId + "' already has a bundle version '" + release.version()
                            + "'", "version");
                }
                long highest = highestSequence(c, appId);
                if (release.sequence() <= highest) {
                    throw ApiError.conflict("The release has sequence " + release.sequence() + " but app '" + appId
                            + "' has already published sequence " + highest + "; sequences must increase",
                            "sequence");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundles(app_id, version, sequence, envelope,"
                        + " total_bytes, file_count, release_key_id, created_at, published_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, appId);
                    ps.setString(2, release.version());
                    ps.setLong(3, release.sequence());
                    ps.setString(4, text);
                    ps.setLong(5, totalBytes);
                    ps.setInt(6, release.blobs().size());
                    ps.setString(7, release.releaseKeyId());
                    ps.setObject(8, Database.utc(release.createdAt()));
                    ps.setObject(9, Database.utc(now));
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (Database.isDuplicate(e)) {
                        throw ApiError.conflict("App '" + appId + "' already has a bundle with this version or sequence",
                                "version");
                    }
                    throw e;
                }
                Set<String> seen = new LinkedHashSet<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO bundle_blobs(app_id, version, sha256, length) VALUES (?, ?, ?, ?)")) {
                    for (Signatures.SignedBlob b : all) {
                        if (seen.add(b.sha256())) {
                            ps.setString(1, appId);
                            ps.setString(2, release.version());
                            ps.setString(3, b.sha256());
                            ps.setLong(4, b.length());
                            ps.addBatch();
                        }
                    }
                    ps.executeBatch();
                }
                Uploads.deleteUpload(c, id);
                AuditLog.record(c, now, actor, "bundle.publish", appId, appId + "/" + release.version(),
                        "sequence=" + release.sequence() + " blobs=" + all.size() + " bytes=" + totalBytes
                                + " releaseKey=" + release.releaseKeyId() + " upload=" + id);
                return BundleStore.require(c, appId, release.version(), false);
            });
            blobs.dropUpload(id);
            Set<String> unused = new LinkedHashSet<>(s.blobs().keySet());
            uploads.collect(unused);
            return bundle;
        } finally {
            uploads.lock.unlock();
        }
    }

    private static long highestSequence(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(sequence) FROM bundles WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long max = rs.getLong(1);
                return rs.wasNull() ? Long.MIN_VALUE : max;
            }
        }
    }
}
