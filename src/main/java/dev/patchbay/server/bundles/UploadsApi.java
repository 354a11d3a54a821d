package dev.patchbay.server.bundles;

import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.blobs.BlobStore;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/apps/{appId}/uploads}: upload sessions for sealed bundles (bundle-format.md §7) and
 * {@code /api/v1/apps/{appId}/bundles}: the published ones.
 */
public final class UploadsApi {
    private static final String UPLOADS = "/api/v1/apps/{appId}/uploads";
    private static final String BLOB = UPLOADS + "/{uploadId}/blobs/{sha256}";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19})");

    /** Blob lists of the largest bundles (20,000 files, ~90 bytes each) exceed the default 1 MiB JSON cap. */
    static final long MAX_LIST_BODY = 8L * 1024 * 1024;

    record BlobDecl(String sha256, Long length) {
    }

    record CreateUpload(String version, List<BlobDecl> blobs) {
    }

    private final Uploads uploads;
    private final BundleStore bundles;
    private final BlobStore blobs;

    public UploadsApi(Uploads uploads, BundleStore bundles, BlobStore blobs) {
        this.uploads = uploads;
        this.bundles = bundles;
        this.blobs = blobs;
    }

    private BundleDeletion deletion;

    /** Also serve {@code DELETE …/bundles/{version}}. */
    public UploadsApi withDeletion(BundleDeletion deletion) {
        this.deletion = deletion;
        return this;
    }

    private BundleRetention retention;

    /** After each publish, apply the app's bundle retention rule. */
    public UploadsApi withRetention(BundleRetention retention) {
        this.retention = retention;
        return this;
    }

    public void register(Router router) {
        router.post(UPLOADS, MAX_LIST_BODY, this::create);
        router.delete(UPLOADS + "/{uploadId}", r -> {
            uploads.abort(r.principal(), AppsApi.appId(r), Uploads.uploadId(r.pathParam("uploadId")));
            return ApiResponse.noContent();
        });
        router.get(BLOB, r -> ApiResponse.ok(Map.of("received",
                uploads.received(AppsApi.appId(r), Uploads.uploadId(r.pathParam("uploadId")), sha(r)))));
        router.streaming("PUT", BLOB, this::putBlob);
        router.post(UPLOADS + "/{uploadId}/commit", MAX_LIST_BODY, r -> {
            String appId = AppsApi.appId(r);
            dev.patchbay.domain.Bundle published = uploads.commit(r.principal(), appId, Uploads.uploadId(r.pathParam("uploadId")),
                    r.rawJsonBody("invalid_release"));
            if (retention != null) {
                retention.pruneQuietly(r.principal(), appId);
            }
            return ApiResponse.created(published);
        });
        router.get("/api/v1/apps/{appId}/bundles", r -> ApiResponse.items(bundles.list(AppsApi.appId(r))));
        router.get("/api/v1/apps/{appId}/bundles/{version}", r -> ApiResponse.ok(bundles.get(AppsApi.appId(r),
                Uploads.version("version", r.pathParam("version")))));
        router.get("/api/v1/apps/{appId}/blobs/{sha256}", this::getBlob);
        if (deletion != null) {
            router.delete("/api/v1/apps/{appId}/bundles/{version}", r -> {
                BundleDeletion.Result d = deletion.delete(r.principal(), AppsApi.appId(r),
                        Uploads.version("version", r.pathParam("version")));
                return ApiResponse.ok(Map.of("version", d.version(), "blobs", d.blobs(), "freedBlobs", d.freed()));
            });
        }
    }

    /** A blob of a published bundle of the app, streamed from the store; content-addressed, so cacheable forever. */
    private ApiResponse getBlob(ApiRequest r) throws Exception {
        String appId = AppsApi.appId(r);
        String sha = sha(r);
        long length = bundles.publishedBlobLength(appId, sha);
        InputStream in;
        try {
            in = blobs.open(sha);
        } catch (NoSuchFileException e) {
            // Deleted by garbage collection since the lookup (its bundle went with it).
            throw ApiError.notFound("No published bundle of app '" + appId + "' has blob " + sha);
        }
        return ApiResponse.stream(new ApiResponse.Bytes(in, length, "application/octet-stream",
                "private, immutable"));
    }

    private static String sha(ApiRequest r) {
        return Uploads.sha256("sha256", r.pathParam("sha256"));
    }

    private ApiResponse create(ApiRequest r) throws Exception {
        String appId = AppsApi.appId(r);
        CreateUpload body = r.body(CreateUpload.class);
        String version = Uploads.version("version", body.version());
        if (body.blobs() == null || body.blobs().isEmpty()) {
            throw ApiError.validation("blobs", "List the bundle's blobs (the manifest blob included)");
        }
        if (body.blobs().size() > Uploads.MAX_BLOBS) {
            throw ApiError.validation("blobs", "A bundle has at most " + Uploads.MAX_BLOBS + " blobs");
        }
        List<Uploads.Declared> declared = new ArrayList<>();
        for (int i = 0; i < body.blobs().size(); i++) {
            BlobDecl d = body.blobs().get(i);
            if (d == null) {
                throw ApiError.validation("blobs[" + i + "]", "A blob entry cannot be null");
            }
            if (d.length() == null) {
                throw ApiError.validation("blobs[" + i + "].length", "Blob length is required");
            }
            declared.add(new Uploads.Declared(Uploads.sha256("blobs[" + i + "].sha256", d.sha256()), d.length()));
        }
        return ApiResponse.created(uploads.create(r.principal(), appId, version, declared));
    }

    private ApiResponse putBlob(ApiRequest r) throws Exception {
        String appId = AppsApi.appId(r);
        String id = Uploads.uploadId(r.pathParam("uploadId"));
        String sha = sha(r);
        long start = -1;
        long end = -1;
        long total = -1;
        String range = r.header("Content-Range");
        if (range != null) {
            Matcher m = CONTENT_RANGE.matcher(range.trim());
            if (!m.matches()) {
                throw ApiError.validation("Content-Range", "Content-Range '" + range
                        + "' is not of the form 'bytes START-END/TOTAL'");
            }
            try {
                start = Long.parseLong(m.group(1));
                end = Long.parseLong(m.group(2));
                total = Long.parseLong(m.group(3));
            } catch (NumberFormatException e) {
                throw ApiError.validation("Content-Range", "Content-Range '" + range + "' has a number out of range");
            }
            if (end < start || end >= total) {
                throw ApiError.validation("Content-Range", "Content-Range '" + range + "' is not a valid byte range");
            }
        }
        long received = uploads.receive(appId, id, sha, start, end, total, r.declaredLength(), r.bodyStream());
        return ApiResponse.ok(Map.of("received", received));
    }
}
