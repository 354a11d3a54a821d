package dev.patchbay.crypto;

import java.util.List;

/**
 * What {@link BundleSealer} produced: the signed envelope, the manifest (plaintext; stays on the console), the
 * manifest blob and the file blobs written to the output folder (named by their sha256), and the binary patches
 * (index plaintext and signed blobs; both null without patches). {@code ciphertextBytes} counts the manifest and
 * file blobs (a first install), not the patches.
 */
public record SealedBundle(byte[] envelope, Manifest manifest, BlobRef manifestBlob, List<BlobRef> blobs,
        long ciphertextBytes, long plaintextBytes, int fileCount, PatchIndex patchIndex, ReleasePatches patches) {
    public SealedBundle {
        blobs = List.copyOf(blobs);
    }

    public SealedBundle(byte[] envelope, Manifest manifest, BlobRef manifestBlob, List<BlobRef> blobs,
            long ciphertextBytes, long plaintextBytes, int fileCount) {
        this(envelope, manifest, manifestBlob, blobs, ciphertextBytes, plaintextBytes, fileCount, null, null);
    }

    /** Every blob to upload, each once: manifest, files, then the patch index and patches. */
    public List<BlobRef> uploadBlobs() {
        java.util.LinkedHashMap<String, BlobRef> all = new java.util.LinkedHashMap<>();
        all.put(manifestBlob.sha256(), manifestBlob);
        blobs.forEach(b -> all.putIfAbsent(b.sha256(), b));
        if (patches != null) {
            all.putIfAbsent(patches.index().sha256(), patches.index());
            patches.blobs().forEach(b -> all.putIfAbsent(b.sha256(), b));
        }
        return List.copyOf(all.values());
    }
}
