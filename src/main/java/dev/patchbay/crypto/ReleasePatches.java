package dev.patchbay.crypto;

import java.util.List;

/**
 * What a format 2 release signs of its binary patches (bundle-format §5.4): the encrypted patch index blob, the
 * SHA-256 of its plaintext, and every patch blob (sorted by digest).
 */
public record ReleasePatches(BlobRef index, String plainSha256, List<BlobRef> blobs) {
    public ReleasePatches {
        blobs = blobs.stream().sorted().distinct().toList();
    }

    /** Ciphertext bytes: the index blob and every patch blob. */
    public long totalLength() {
        return index.length() + blobs.stream().mapToLong(BlobRef::length).sum();
    }
}
