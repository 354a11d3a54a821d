package dev.patchbay.server.compat.capgo;

import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Management routes for the plugin-format twin of a published bundle, built and (when the app has Capgo-style keys)
 * encrypted by the publisher (docs/capgo-compat.md §6). The server stores the bytes as uploaded and never opens them:
 * <ul>
 *   <li>{@code PUT /api/v1/apps/{appId}/bundles/{version}/capgo/blobs/{sha256}} — one blob (the zip or a manifest
 *   file), its digest checked while it streams in; it becomes a blob of the bundle.</li>
 *   <li>{@code PUT /api/v1/apps/{appId}/bundles/{version}/capgo} — the artifact: {@code zip {sha256, length}},
 *   {@code sessionKey}, {@code checksum}, {@code keyId}, {@code manifest [{fileName, fileHash, sha256, length}]};
 *   every blob must have been uploaded. Immutable once set (the same body again is a no-op).</li>
 *   <li>{@code GET} of the same path.</li>
 * </ul>
 */
final class CapgoArtifactsApi {
    static final String BASE = "/api/v1/apps/{appId}/bundles/{version}/capgo";
    static final long MAX_BLOB = 1024L * 1024 * 1024;
    static final Pattern SESSION_KEY = Pattern.compile("([A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]{4,700})?");
    static final Pattern CHECKSUM = Pattern.compile("([0-9a-f]{64}|[0-9a-f]{512})?");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern FILE_NAME = Pattern.compile("[^\\\\\\x00]{1,1024}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The body of the artifact PUT. */
    record Zip(String sha256, Long length) {
    }

    record FileBody(String fileName, String fileHash, String sha256, Long length) {
    }

    record ArtifactBody(Zip zip, String sessionKey, String checksum, String keyId, List<FileBody> manifest) {
    }

    private final Database db;
    private final Clock clock;
    private final BlobStore blobs;

    CapgoArtifactsApi(Database db, Clock clock, BlobStore blobs) {
        this.db = db;
        this.clock = clock;
        this.blobs = blobs;
    }

    void register(Router router) {
        router.streaming("PUT", BASE + "/blobs/{sha256}", this::putBlob);
        router.put(BASE, this::putArtifact);
        router.get(BASE, this::getArtifact);
    }

    private static String version(ApiRequest r) {
        String v = r.pathParam("version");
        if (v == null || !CapgoDevice.VERSION.matcher(v).matches()) {
            throw ApiError.badRequest("invalid_field", "'" + v + "' is not a bundle version", "version");
        }
        return v;
    }

    private void requireBundle(Connection c, String appId, String version) throws SQLException {
        AppStore.require(c, appId);
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("App '" + appId + "' has no published bundle " + version
                            + " (publish the Patchbay bundle first)");
                }
            }
        }
    }

    private ApiResponse putBlob(ApiRequest r) throws IOException {
        String appId = AppsApi.appId(r);
        String version = version(r);
        String sha = r.pathParam("sha256");
        if (!SHA256.matcher(sha).matches()) {
            throw ApiError.badRequest("invalid_field", "'" + sha + "' is not a SHA-256 (64 lowercase hex)", "sha256");
        }
        long length = r.declaredLength();
        if (length < 0 || length > MAX_BLOB) {
            throw ApiError.badRequest("invalid_length", "Send the blob with a Content-Length of at most " + MAX_BLOB
                    + " bytes", null);
        }
        db.inTransaction(c -> {
            requireBundle(c, appId, version);
            return null;
        });
        String upload = "capgo" + HexFormat.of().formatHex(random());
        try (InputStream in = r.bodyStream()) {
            blobs.append(upload, sha, length, 0, true, in);
        } catch (BlobStore.DigestMismatchException e) {
            throw ApiError.badRequest("digest_mismatch", "The bytes sent do not have SHA-256 " + sha, "sha256");
        } catch (BlobStore.TooLongException e) {
            throw ApiError.badRequest("too_long", "More bytes than the Content-Length", null);
        } finally {
            blobs.dropUpload(upload);
        }
        db.inTransaction(c -> {
            requireBundle(c, appId, version);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM bundle_blobs WHERE app_id = ? AND version = ? AND sha256 = ?")) {
                ps.setString(1, appId);
                ps.setString(2, version);
                ps.setString(3, sha);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO bundle_blobs(app_id, version, sha256, length) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, appId);
                ps.setString(2, version);
                ps.setString(3, sha);
                ps.setLong(4, length);
                ps.executeUpdate();
            }
            return null;
        });
        return ApiResponse.ok(Map.of("sha256", sha, "length", length));
    }

    private static byte[] random() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    private ApiResponse putArtifact(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String version = version(r);
        ArtifactBody b = r.body(ArtifactBody.class);
        if (b.zip() == null || b.zip().sha256() == null || !SHA256.matcher(b.zip().sha256()).matches()
                || b.zip().length() == null || b.zip().length() < 0) {
            throw ApiError.badRequest("invalid_field", "Field 'zip' must be {\"sha256\", \"length\"}", "zip");
        }
        String sessionKey = b.sessionKey() == null ? "" : b.sessionKey();
        String checksum = b.checksum() == null ? "" : b.checksum();
        if (!SESSION_KEY.matcher(sessionKey).matches()) {
            throw ApiError.badRequest("invalid_field", "Field 'sessionKey' must be empty or base64(iv):base64(key)",
                    "sessionKey");
        }
        if (!CHECKSUM.matcher(checksum).matches()) {
            throw ApiError.badRequest("invalid_field", "Field 'checksum' must be empty, a SHA-256 (64 hex) or an"
                    + " RSA-signed one (512 hex)", "checksum");
        }
        if (!sessionKey.isEmpty() && checksum.length() != 512) {
            throw ApiError.badRequest("invalid_field", "An encrypted artifact needs the signed checksum (512 hex)",
                    "checksum");
        }
        if (b.keyId() != null && (b.keyId().length() > 20 || !b.keyId().matches("[A-Za-z0-9+/=]*"))) {
            throw ApiError.badRequest("invalid_field", "Field 'keyId' is at most 20 base64 characters", "keyId");
        }
        List<FileBody> files = b.manifest() == null ? List.of() : b.manifest();
        List<CapgoArtifacts.FileEntry> manifest = new java.util.ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            FileBody f = files.get(i);
            String at = "manifest[" + i + "]";
            if (f == null || f.fileName() == null || !FILE_NAME.matcher(f.fileName()).matches()
                    || f.fileName().startsWith("/") || ("/" + f.fileName() + "/").contains("/../")
                    || !names.add(f.fileName())) {
                throw ApiError.badRequest("invalid_field", "Field '" + at + ".fileName' must be a unique relative"
                        + " path inside the bundle", at + ".fileName");
            }
            if (f.fileHash() == null || !CHECKSUM.matcher(f.fileHash()).matches() || f.fileHash().isEmpty()) {
                throw ApiError.badRequest("invalid_field", "Field '" + at + ".fileHash' must be 64 or 512 hex",
                        at + ".fileHash");
            }
            if (f.sha256() == null || !SHA256.matcher(f.sha256()).matches() || f.length() == null || f.length() < 0) {
                throw ApiError.badRequest("invalid_field", "Field '" + at + "' needs the blob's sha256 and length", at);
            }
            manifest.add(new CapgoArtifacts.FileEntry(f.fileName(), f.fileHash(), f.sha256(), f.length()));
        }
        Instant now = clock.instant();
        String manifestJson;
        try {
            manifestJson = manifest.isEmpty() ? null : dev.patchbay.domain.Json.mapper().writeValueAsString(manifest);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        CapgoArtifacts.Artifact wanted = new CapgoArtifacts.Artifact(version, b.zip().sha256(), b.zip().length(),
                sessionKey, checksum, blankToNull(b.keyId()), manifest);
        boolean created = db.inTransaction(c -> {
            requireBundle(c, appId, version);
            CapgoArtifacts.Artifact existing = CapgoArtifacts.find(c, appId, version);
            if (existing != null) {
                if (existing.equals(wanted)) {
                    return false;
                }
                throw ApiError.conflict("Bundle " + version + " already has a different Capgo artifact (artifacts"
                        + " are immutable: publish a new version)", "version");
            }
            requireBlob(c, appId, version, wanted.zipSha256(), wanted.zipLength(), "zip");
            for (CapgoArtifacts.FileEntry f : manifest) {
                requireBlob(c, appId, version, f.sha256(), f.length(), f.fileName());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO capgo_artifacts(app_id, version, zip_sha256,"
                    + " zip_length, session_key, checksum, key_id, manifest, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, appId);
                ps.setString(2, version);
                ps.setString(3, wanted.zipSha256());
                ps.setLong(4, wanted.zipLength());
                ps.setString(5, sessionKey);
                ps.setString(6, checksum);
                ps.setString(7, wanted.keyId());
                ps.setString(8, manifestJson);
                ps.setObject(9, Database.utc(now));
                ps.executeUpdate();
            }
            AuditLog.record(c, now, r.principal(), "bundle.capgo-artifact", appId, version, "zip="
                    + wanted.zipSha256() + " encrypted=" + !sessionKey.isEmpty() + " files=" + manifest.size());
            return true;
        });
        return new ApiResponse(created ? 201 : 200, view(wanted));
    }

    private static void requireBlob(Connection c, String appId, String version, String sha, long length, String what)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT length FROM bundle_blobs WHERE app_id = ? AND version = ? AND sha256 = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            ps.setString(3, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != length) {
                    throw ApiError.badRequest("missing_blob", "Blob " + sha + " (" + what + ", " + length
                            + " bytes) was not uploaded for bundle " + version, "manifest");
                }
            }
        }
    }

    private ApiResponse getArtifact(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String version = version(r);
        CapgoArtifacts.Artifact a = db.inTransaction(c -> {
            requireBundle(c, appId, version);
            return CapgoArtifacts.find(c, appId, version);
        });
        if (a == null) {
            throw ApiError.notFound("Bundle " + version + " has no Capgo artifact");
        }
        return ApiResponse.ok(view(a));
    }

    static Map<String, Object> view(CapgoArtifacts.Artifact a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", a.version());
        out.put("zip", Map.of("sha256", a.zipSha256(), "length", a.zipLength()));
        out.put("encrypted", !a.sessionKey().isEmpty());
        out.put("sessionKey", a.sessionKey());
        out.put("checksum", a.checksum());
        out.put("keyId", a.keyId());
        out.put("manifest", a.manifest());
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
