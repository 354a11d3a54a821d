package dev.patchbay.server.trust;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.server.http.ApiError;
import java.time.Clock;
import java.util.Base64;

/** {@link Signatures} backed by the crypto library ({@link TrustRoot}, {@link ReleaseVerifier}). */
public final class CryptoSignatures implements Signatures {
    private final Clock clock;

    public CryptoSignatures(Clock clock) {
        this.clock = clock;
    }

    @Override
    public TrustInfo readTrust(byte[] trustJson) {
        TrustRoot trust;
        try {
            trust = TrustRoot.parse(trustJson);
        } catch (CryptoException | ValidationException e) {
            throw ApiError.badRequest("invalid_trust", "trust.json is not valid: " + e.getMessage(), null);
        }
        return new TrustInfo(trust.appId(), trust.rootKeyId(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(trust.rootPublicKey()));
    }

    @Override
    public Release verify(byte[] envelopeJson, byte[] trustJson) {
        TrustRoot trust = TrustRoot.parse(trustJson);
        VerifiedRelease r;
        try {
            r = ReleaseVerifier.verify(envelopeJson, trust, clock.instant());
        } catch (CryptoException | ValidationException e) {
            throw ApiError.badRequest("invalid_release", "The release envelope was rejected: " + e.getMessage(), null);
        }
        return new Release(r.appId(), r.version(), r.sequence(), r.createdAt(), r.releaseKeyId(), blob(r.manifest()),
                r.blobs().stream().map(CryptoSignatures::blob).toList(), patchBlobs(r));
    }

    private static java.util.List<SignedBlob> patchBlobs(VerifiedRelease r) {
        if (r.patches() == null) {
            return java.util.List.of();
        }
        java.util.List<SignedBlob> out = new java.util.ArrayList<>();
        out.add(blob(r.patches().index()));
        r.patches().blobs().forEach(b -> out.add(blob(b)));
        return out;
    }

    private static SignedBlob blob(BlobRef b) {
        return new SignedBlob(b.sha256(), b.length());
    }
}
