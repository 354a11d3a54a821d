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
import java.io.InputStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upload sessions (bundle-format.md §7): create, receive blobs with resume, commit (= publish a bundle), abort and
 * expiry, and the garbage collection that makes a rejected or abandoned upload leave nothing behind.
 *
 * <p>Blob references (published bundles, open uploads) live in the database; blob bytes in the {@link BlobStore}.
 * Session changes, commits and garbage collection take one lock, shared by the instances on one database server
 * ({@link BlobLock}), so a collection never deletes a blob that a session being created or committed at the same moment
 * counts on.
 */
public final class Uploads {
    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
    public static final Duration LIFETIME = Duration.ofHours(24);
    /** Largest single blob accepted (and a session's declared total), server-wide. */
    public static final long MAX_BLOB_BYTES = 1024L * 1024 * 1024;
    public static final int MAX_BLOBS = 20_001;
    private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f]{32}");
    /** Semantic Versioning 2.0.0 (the official regular expression). */
    static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    private final Database db;
    private final Clock clock;
    private final BlobStore blobs;
    private final UploadCommit commit;
    /** Sessions, commits and garbage collection take it (see above), on every instance of a shared database. */
    final BlobLock lock;
    private final SecureRandom random = new SecureRandom();

    public record Declared(String sha256, long length) {
    }

    public record Session(String id, String appId, String version, Instant expiresAt, Map<String, Long> blobs) {
    }

    public Uploads(Database db, Clock clock, BlobStore blobs, Signatures signatures) {
        this.db = db;
        this.clock = clock;
        this.blobs = blobs;
        this.lock = new BlobLock(db);
        this.commit = new UploadCommit(this, db, clock, blobs, signatures);
    }

    public static String version(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiError.validation(field, "Version is required");
        }
        if (value.length() > 256 || !SEMVER.matcher(value).matches()) {
            throw ApiError.validation(field, "Version '" + value + "' is not a semantic version such as 1.4.0 or 2.0.0-beta.1");
        }
        return value;
    }

    public static String uploadId(String value) {
        if (value == null || !UPLOAD_ID.matcher(value).matches()) {
            throw ApiError.validation("uploadId", "Upload id '" + value + "' is malformed (32 hex characters expected)");
        }
        return value;
    }

    public static String sha256(String field, String value) {
        if (value == null || !BlobStore.SHA256.matcher(value).matches()) {
            throw ApiError.validation(field, "'" + value + "' is not a SHA-256 digest (64 lowercase hex characters)");
        }
        return value;
    }

    // ---- sessions ---------------------------------------------------------------------------------------------

    /** Opens a session; answers the blobs the server does not hold yet. */
    public Map<String, Object> create(Principal actor, String appId, String version, List<Declared> declared)
            throws IOException {
        expire();
        Map<String, Long> wanted = new LinkedHashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            Declared d = declared.get(i);
            String field = "blobs[" + i + "]";
            sha256(field + ".sha256", d.sha256());
            if (d.length() < 0) {
                throw ApiError.validation(field + ".length", "A blob length cannot be negative");
            }
            if (d.length() > MAX_BLOB_BYTES) {
                throw new ApiError(413, "payload_too_large", "Blob " + d.sha256() + " declares " + d.length()
                        + " bytes; this server accepts blobs up to " + MAX_BLOB_BYTES + " bytes", field + ".length");
            }
            Long before = wanted.put(d.sha256(), d.length());
            if (before != null && before != d.length()) {
                throw ApiError.validation(field, "Blob " + d.sha256() + " is listed twice with different lengths");
            }
        }
        String id = HexFormat.of().formatHex(bytes(16));
        Instant now = clock.instant();
        Instant expires = now.plus(LIFETIME);
        lock.lock();
        try {
            db.inTransaction(c -> {
                AppStore.require(c, appId);
                if (TrustStore.find(c, appId) == null) {
                    throw new ApiError(409, "trust_missing", "App '" + appId
                            + "' has no trust material yet; register its trust.json (PUT .../trust) first", null);
                }
                if (bundleExists(c, appId, version)) {
                    throw ApiError.conflict("App '" + appId + "' already has a bundle version '" + version + "'",
                            "version");
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO uploads(id, app_id, version, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, appId);
                    ps.setString(3, version);
                    ps.setObject(4, Database.utc(now));
                    ps.setObject(5, Database.utc(expires));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO upload_blobs(upload_id, sha256, length) VALUES (?, ?, ?)")) {
                    for (Map.Entry<String, Long> e : wanted.entrySet()) {
                        ps.setString(1, id);
                        ps.setString(2, e.getKey());
                        ps.setLong(3, e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                AuditLog.record(c, now, actor, "upload.create", appId, appId + "/" + version,
                        "upload=" + id + " blobs=" + wanted.size());
                return null;
            });
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, Long> e : wanted.entrySet()) {
                if (blobs.size(e.getKey()) != e.getValue()) {
                    missing.add(e.getKey());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("missing", missing);
            out.put("expiresAt", expires);
            return out;
        } finally {
            lock.unlock();
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The open, unexpired session, or a 404 naming why. */
    public Session require(String appId, String id) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            return requireOpen(c, appId, id);
        });
    }

    Session requireOpen(Connection c, String appId, String id) throws SQLException {
        Session s = find(c, id);
        if (s == null || !s.appId().equals(appId)) {
            throw ApiError.notFound("App '" + appId + "' has no open upload '" + id
                    + "' (it was committed, aborted or never existed)");
        }
        if (!clock.instant().isBefore(s.expiresAt())) {
            throw ApiError.notFound("Upload '" + id + "' expired at " + s.expiresAt() + "; start a new upload");
        }
        return s;
    }

    private static Session find(Connection c, String id) throws SQLException {
        String appId;
        String version;
        Instant expires;
        try (PreparedStatement ps = c.prepareStatement("SELECT app_id, version, expires_at FROM uploads WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                appId = rs.getString(1);
                version = rs.getString(2);
                expires = Database.instant(rs.getObject(3));
            }
        }
        Map<String, Long> listed = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256, length FROM upload_blobs WHERE upload_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    listed.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return new Session(id, appId, version, expires, listed);
    }

    private static long declaredLength(Session s, String sha256) {
        Long length = s.blobs().get(sha256);
        if (length == null) {
            throw ApiError.notFound("Blob " + sha256 + " is not part of upload '" + s.id() + "'");
        }
        return length;
    }

    /** Bytes received so far of one blob. */
    public long received(String appId, String id, String sha256) throws IOException {
        Session s = require(appId, id);
        return blobs.received(id, sha256, declaredLength(s, sha256));
    }

    /**
     * Receives a piece of a blob.
     *
     * @param start first byte offset of this piece; {@code -1} = the whole blob (no Content-Range)
     * @param end   last byte offset (inclusive) the client announced, or -1
     * @param total total length the client announced, or -1
     */
    public long receive(String appId, String id, String sha256, long start, long end, long total, long contentLength,
                        InputStream body) throws IOException {
        Session s = require(appId, id);
        long length = declaredLength(s, sha256);
        if (total >= 0 && total != length) {
            throw ApiError.validation("Content-Range", "Blob " + sha256 + " was declared with " + length
                    + " bytes, not " + total);
        }
        long from = Math.max(start, 0);
        long pieceEnd = end >= 0 ? end + 1 : (contentLength >= 0 ? from + contentLength : -1);
        if (pieceEnd > length) {
            throw ApiError.tooLarge("Blob " + sha256 + " has " + length + " bytes; this request would write up to byte "
                    + pieceEnd);
        }
        if (end >= 0 && contentLength >= 0 && end + 1 - from != contentLength) {
            throw ApiError.validation("Content-Range", "Content-Range announces " + (end + 1 - from)
                    + " bytes but Content-Length is " + contentLength);
        }
        try {
            return blobs.append(id, sha256, length, from, start < 0, body);
        } catch (BlobStore.WrongOffsetException e) {
            throw new ApiError(409, "wrong_offset", "The server holds " + e.received() + " bytes of blob " + sha256
                    + "; continue from byte " + e.received() + ", not " + from, "Content-Range")
                    .with("received", e.received());
        } catch (BlobStore.DigestMismatchException e) {
            throw new ApiError(400, "digest_mismatch", e.getMessage(), "sha256");
        } catch (BlobStore.TooLongException e) {
            throw ApiError.tooLarge(e.getMessage() + "; the partial data was dropped");
        } catch (BlobStore.BusyException e) {
            throw new ApiError(409, "upload_busy", e.getMessage(), null)
                    .with("received", blobs.received(id, sha256, length));
        } catch (IOException e) {
            // The client went away or sent a broken body; what arrived is kept for a resume.
            throw ApiError.badRequest("unreadable_body", "The blob data could not be read completely ("
                    + e.getMessage() + "); ask for the received size and resume", null);
        }
    }

    /** Aborts a session and collects what only it referenced. */
    public void abort(Principal actor, String appId, String id) throws IOException {
        lock.lock();
        try {
            Session s = db.inTransaction(c -> {
                AppStore.require(c, appId);
                Session found = find(c, id);
                if (found == null || !found.appId().equals(appId)) {
                    throw ApiError.notFound("App '" + appId + "' has no open upload '" + id + "'");
                }
                deleteUpload(c, id);
                AuditLog.record(c, clock.instant(), actor, "upload.abort", appId, appId + "/" + found.version(),
                        "upload=" + id);
                return found;
            });
            blobs.dropUpload(id);
            collect(s.blobs().keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Drops expired sessions, their staging data and the blobs only they referenced. */
    public void expire() throws IOException {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<Session> expired = db.inTransaction(c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM uploads WHERE expires_at <= ?")) {
                    ps.setObject(1, Database.utc(now));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                List<Session> out = new ArrayList<>();
                for (String id : ids) {
                    Session s = find(c, id);
                    out.add(s);
                    deleteUpload(c, id);
                    AuditLog.record(c, now, dev.patchbay.server.http.Principal.ANONYMOUS, "upload.expire", s.appId(),
                            s.appId() + "/" + s.version(), "upload=" + id);
                }
                return out;
            });
            Set<String> candidates = new LinkedHashSet<>();
            for (Session s : expired) {
                blobs.dropUpload(s.id());
                candidates.addAll(s.blobs().keySet());
            }
            collect(candidates);
            if (!expired.isEmpty()) {
                LOG.info("Expired {} upload(s)", expired.size());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Start-up pass: expires old sessions, then drops staging data of sessions the database does not know and blobs
     * nothing references (what a crash between a commit and its clean-up could leave).
     */
    public void sweep() throws IOException {
        expire();
        lock.lock();
        try {
            Set<String> open = db.inTransaction(c -> {
                Set<String> ids = new LinkedHashSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM uploads");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            });
            for (String id : blobs.stagedUploads()) {
                if (!open.contains(id)) {
                    blobs.dropUpload(id);
                }
            }
            collect(new LinkedHashSet<>(blobs.stored()), true);
        } finally {
            lock.unlock();
        }
    }

    static void deleteUpload(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM upload_blobs WHERE upload_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM uploads WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes those of {@code candidates} that no published bundle and no open upload references. Call with the
     * lock held, after the transaction that dropped the references.
     */
    int collect(Set<String> candidates) throws IOException {
        return collect(candidates, false);
    }

    /** {@code known}: the candidates were just listed from the store (no look-up each; S3 would pay a request). */
    private int collect(Set<String> candidates, boolean known) throws IOException {
        if (candidates.isEmpty()) {
            return 0;
        }
        List<String> present = new ArrayList<>();
        for (String sha : candidates) {
            if (known || blobs.size(sha) >= 0) {
                present.add(sha);
            }
        }
        Set<String> referenced = db.inTransaction(c -> {
            Set<String> out = new LinkedHashSet<>();
            for (int from = 0; from < present.size(); from += 500) {
                List<String> batch = present.subList(from, Math.min(present.size(), from + 500));
                String marks = String.join(", ", java.util.Collections.nCopies(batch.size(), "?"));
                try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM bundle_blobs WHERE sha256 IN (" + marks
                        + ") UNION SELECT sha256 FROM upload_blobs WHERE sha256 IN (" + marks + ")")) {
                    for (int i = 0; i < batch.size(); i++) {
                        ps.setString(i + 1, batch.get(i));
                        ps.setString(batch.size() + i + 1, batch.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return out;
        });
        int freed = 0;
        for (String sha : present) {
            if (!referenced.contains(sha)) {
                blobs.delete(sha);
                freed++;
            }
        }
        return freed;
    }

    /** Work on published bundles under the lock of sessions and collection (a bundle deletion, say). */
    <T> T locked(IoWork<T> work) throws IOException {
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #collect} for work run by {@link #locked}; answers how many blobs were deleted. */
    int collectLocked(Set<String> candidates) throws IOException {
        return collect(candidates);
    }

    interface IoWork<T> {
        T run() throws IOException;
    }

    /**
     * The {@link AppStore.DeleteHook} of bundles: notes, in the deleting transaction, the app's blobs and uploads,
     * and after the commit drops the staging data and collects the blobs nothing else references.
     */
    public Runnable beforeAppDelete(Connection c, String appId) throws SQLException {
        Set<String> candidates = new LinkedHashSet<>();
        List<String> uploadIds = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM bundle_blobs WHERE app_id = ?"
                + " UNION SELECT b.sha256 FROM upload_blobs b JOIN uploads u ON u.id = b.upload_id WHERE u.app_id = ?")) {
            ps.setString(1, appId);
            ps.setString(2, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM uploads WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uploadIds.add(rs.getString(1));
                }
            }
        }
        return () -> {
            lock.lock();
            try {
                for (String id : uploadIds) {
                    blobs.dropUpload(id);
                }
                collect(candidates);
            } catch (IOException e) {
                LOG.warn("Could not collect the blobs of deleted app {}", appId, e);
            } finally {
                lock.unlock();
            }
        };
    }

    // ---- commit -----------------------------------------------------------------------------------------------

    /**
     * Verifies the release envelope against the app's trust material and the session's blobs and publishes the
     * bundle in one transaction. Any failure is a 4xx that names the problem; nothing is published and the session
     * stays open to fix.
     */
    public Bundle commit(Principal actor, String appId, String id, byte[] envelope) throws IOException {
        return commit.commit(actor, appId, id, envelope);
    }

    static boolean bundleExists(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
