package dev.patchbay.crypto;

import java.time.Instant;
import java.util.List;

/**
 * Release metadata whose signature chain was checked by {@link ReleaseVerifier}. {@code blobs} are the file blobs,
 * sorted by digest; the manifest blob is only {@code manifest}. {@code formatVersion} 1 or 2 (the manifest's format
 * must be the same). {@code nativeMin}/{@code nativeMax} may be null.
 */
public record VerifiedRelease(String appId, String version, long sequence, String nativeMin, String nativeMax,
        Instant createdAt, String releaseKeyId, String contentKeyId, String wrappedDataKey, BlobRef manifest,
        String manifestPlainSha256, List<BlobRef> blobs, int formatVersion) {
    public VerifiedRelease {
        blobs = List.copyOf(blobs);
    }

    /** Every blob of the release: the manifest blob first, then the file blobs. */
    public List<BlobRef> allBlobs() {
        java.util.ArrayList<BlobRef> all = new java.util.ArrayList<>(blobs.size() + 1);
        all.add(manifest);
        all.addAll(blobs);
        return all;
    }

    /** Ciphertext bytes of the release, manifest blob included. */
    public long totalLength() {
        long total = manifest.length();
        for (BlobRef b : blobs) {
            total += b.length();
        }
        return total;
    }
}
