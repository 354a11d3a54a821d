package dev.patchbay.server.blobs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Which blob store a server runs on: the data folder's {@code blobs/} (the default) or an S3-compatible bucket
 * (ADR 0112). {@link #open} checks the store is usable, so a wrong bucket or wrong credentials stop the start with
 * a sentence that says so.
 */
public record BlobStorage(S3Settings s3) {
    /** Blobs in {@code <data-dir>/blobs}. */
    public static BlobStorage local() {
        return new BlobStorage(null);
    }

    public static BlobStorage s3(S3Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("S3 settings are required");
        }
        return new BlobStorage(settings);
    }

    public boolean isLocal() {
        return s3 == null;
    }

    /** The folder a local store uses (also watched by the storage probe of ADR 0091). */
    public static Path localFolder(Path dataDir) {
        return dataDir.resolve("blobs");
    }

    /** Opens the store; an S3 store is checked (bucket reachable, credentials accepted, a write allowed). */
    public BlobStore open(Path dataDir) throws IOException {
        if (s3 == null) {
            return new FileBlobStore(localFolder(dataDir));
        }
        return S3BlobStore.open(s3);
    }

    public String describe(Path dataDir) {
        return s3 == null ? localFolder(dataDir).toString() : s3.describe();
    }
}
