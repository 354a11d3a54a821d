package dev.patchbay.server.devices;

import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET|HEAD /blobs/{sha256}} (device-protocol §7): the ciphertext of a blob that a published bundle references,
 * public and content-addressed, with a single {@code Range} for resumed downloads. Streamed from the blob store.
 */
public final class BlobsApi {
    static final String CACHE = "public, max-age=31536000, immutable";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    private final Database db;
    private final BlobStore blobs;

    public BlobsApi(Database db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    public void register(Router router) {
        router.open("GET", "/blobs/{sha256}", this::serve);
        router.open("HEAD", "/blobs/{sha256}", this::serve);
    }

    private ApiResponse serve(ApiRequest r) throws IOException {
        String sha = r.pathParam("sha256");
        if (!BlobStore.SHA256.matcher(sha).matches()) {
            throw ApiError.badRequest("invalid_field", "'" + sha + "' is not a SHA-256 (64 lowercase hex)", "sha256");
        }
        Long published = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT length FROM bundle_blobs WHERE sha256 = ? FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, sha);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        long length = published == null ? -1 : blobs.size(sha);
        if (length < 0) {
            throw ApiError.notFound("No published bundle has blob " + sha);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", "\"" + sha + "\"");
        headers.put("Accept-Ranges", "bytes");
        boolean head = r.method().equals("HEAD");
        long start = 0;
        long end = length - 1;
        int status = 200;
        String range = r.header("Range");
        String ifRange = r.header("If-Range");
        boolean rangeApplies = range != null && (ifRange == null || ifRange.strip().equals("\"" + sha + "\""));
        if (rangeApplies) {
            Matcher m = RANGE.matcher(range.strip());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty()) && !backwards(m.group(1), m.group(2))) {
                long[] span = span(m.group(1), m.group(2), length);
                if (span == null) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("error", "range_not_satisfiable");
                    body.put("message", "Range " + range + " is outside the blob's " + length + " bytes");
                    headers.put("Content-Range", "bytes */" + length);
                    return new ApiResponse(416, body, headers);
                }
                start = span[0];
                end = span[1];
                status = 206;
                headers.put("Content-Range", "bytes " + start + "-" + end + "/" + length);
            }
            // Several ranges, or another unit: the whole blob (200), as RFC 9110 allows.
        }
        InputStream in;
        try {
            in = blobs.open(sha, head ? 0 : start);
        } catch (NoSuchFileException e) {
            throw ApiError.notFound("No published bundle has blob " + sha);
        }
        ApiResponse.Bytes bytes = new ApiResponse.Bytes(in, end - start + 1, "application/octet-stream", CACHE, head);
        return new ApiResponse(status, bytes, headers);
    }

    /** {@code bytes=N-M} with M below N is not a valid range: it is ignored (RFC 9110 §14.1.1). */
    private static boolean backwards(String first, String last) {
        if (first.isEmpty() || last.isEmpty() || first.length() > 18 || last.length() > 18) {
            return false;
        }
        return Long.parseLong(last) < Long.parseLong(first);
    }

    /** {@code [start, end]} (inclusive) of a single range, or {@code null} if it cannot be satisfied. */
    static long[] span(String first, String last, long length) {
        try {
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix == 0 || length == 0) {
                    return null;
                }
                return new long[] {Math.max(0, length - suffix), length - 1};
            }
            long start = Long.parseLong(first);
            if (start >= length) {
                return null;
            }
            long end = last.isEmpty() ? length - 1 : Math.min(Long.parseLong(last), length - 1);
            if (end < start) {
                return null;
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
