package dev.patchbay.server.trust;

import java.time.Instant;
import java.util.List;

/**
 * What the server needs from the crypto library: read an app's trust material and verify a release envelope against
 * it. Failures are {@link dev.patchbay.server.http.ApiError} 400s whose message says what is wrong.
 */
public interface Signatures {
    /** The public facts of a {@code trust.json} (spec §3) that the server stores and compares. */
    record TrustInfo(String appId, String rootKeyId, String rootPublicKey) {
    }

    /** A blob named in a signed release: digest and length as signed. */
    record SignedBlob(String sha256, long length) {
    }

    /**
     * The verified content of a release envelope (spec §4.5); {@code patchBlobs} are the patch index blob and the
     * patch blobs of §5.4 (stored and kept like the others, not counted as files or in the bundle's size).
     */
    record Release(String appId, String version, long sequence, Instant createdAt, String releaseKeyId,
                   SignedBlob manifest, List<SignedBlob> blobs, List<SignedBlob> patchBlobs) {
        /** A release without binary patches. */
        public Release(String appId, String version, long sequence, Instant createdAt, String releaseKeyId,
                       SignedBlob manifest, List<SignedBlob> blobs) {
            this(appId, version, sequence, createdAt, releaseKeyId, manifest, blobs, List.of());
        }
    }

    /** Parses and checks {@code trust.json} (format, root key, release certificates chaining to the root). */
    TrustInfo readTrust(byte[] trustJson);

    /** Verifies the envelope's certificate chain and signature against the app's trust material. */
    Release verify(byte[] envelopeJson, byte[] trustJson);
}
