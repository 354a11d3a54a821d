package dev.patchbay.crypto;

import java.time.Instant;
import java.util.List;

/**
 * Release metadata whose signature chain was checked by {@link ReleaseVerifier}. {@code blobs} are the file blobs,
 * sorted by digest; the manifest blob is only {@code manifest}. {@code formatVersion} 1 or 2 (the manifest's format
 * must be the same). {@code nativeMin}/{@code nativeMax} may be null. {@code patches}: the signed binary patches of a
 * format 2 release, or null (bundle-format §5.4); a device that ignores them still gets every file from
 * {@code blobs}.
 */
public record VerifiedRelease(String appId, String version, long sequence, String nativeMin, String nativeMax,
        Instant createdAt, String releaseKeyId, String contentKeyId, String wrappedDataKey, BlobRef manifest,
        String manifestPlainSha256, List<BlobRef> blobs, int formatVersion, ReleasePatches patches) {
    public VerifiedRelease {
        blobs = List.copyOf(blobs);
    }

    /** A release without binary patches. */
    public VerifiedRelease(String appId, String version, long sequence, String nativeMin, String nativeMax,
            Instant createdAt, String releaseKeyId, String contentKeyId, String wrappedDataKey, BlobRef manifest,
            String manifestPlainSha256, List<BlobRef> blobs, int formatVersion) {
        this(appId, version, sequence, nativeMin, nativeMax, createdAt, releaseKeyId, contentKeyId, wrappedDataKey,
                manifest, manifestPlainSha256, blobs, formatVersion, null);
    }

    /** Every blob of the release: the manifest blob first, then the file blobs. */
    public List<BlobRef> allBlobs() {
        java.util.ArrayList<BlobRef> all = new java.util.ArrayList<>(blobs.size() + 1);
        all.add(manifest);
        all.addAll(blobs);
        return all;
    }

    /** Every patch blob (empty without patches). */
    public List<BlobRef> patchBlobs() {
        return patches == null ? List.of() : patches.blobs();
    }

    /** Ciphertext bytes of the release, manifest blob included (patches not: a device fetches them instead). */
    public long totalLength() {
        long total = manifest.length();
        for (BlobRef b : blobs) {
            total += b.length();
        }
        return total;
    }
}
