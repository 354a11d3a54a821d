package dev.patchbay.crypto;

import java.util.List;

/**
 * What {@link BundleSealer} produced: the signed envelope, the manifest (plaintext; stays on the console), the
 * manifest blob and the file blobs written to the output folder (named by their sha256).
 */
public record SealedBundle(byte[] envelope, Manifest manifest, BlobRef manifestBlob, List<BlobRef> blobs,
        long ciphertextBytes, long plaintextBytes, int fileCount) {
    public SealedBundle {
        blobs = List.copyOf(blobs);
    }
}
