package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a release envelope (bundle-format §4.6) against an app's trust material: known formats and algorithms,
 * certificate signed by the trust root, one app id everywhere, {@code createdAt} within the certificate's validity,
 * the release signature by the certified key over canonical(release), and well-formed blob lists. Every failure is
 * a {@link CryptoException} whose message says what failed. Stateless and thread-safe.
 */
public final class ReleaseVerifier {
    public static final String RELEASE_FORMAT = "patchbay-release/1";
    /** Format 2: the manifest is format 2 (codecs, convergent blobs); the metadata fields are those of format 1. */
    public static final String RELEASE_FORMAT_2 = "patchbay-release/2";
    /** Length of a wrapped data key: 12-byte nonce, 32-byte key, 16-byte tag. */
    public static final int WRAPPED_KEY_LENGTH = 12 + 32 + 16;
    /** Clock skew tolerated when a release's createdAt is compared with "now". */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(10);
    /** At most this many file blobs (the input cap on entries, bundle-format §6). */
    public static final int MAX_BLOBS = 20_000;

    private ReleaseVerifier() {
    }

    /** Verifies the envelope; the validity period is checked at the release's own {@code createdAt}. */
    public static VerifiedRelease verify(byte[] envelopeJson, TrustRoot trust) {
        return verify(envelopeJson, trust, null);
    }

    /**
     * As {@link #verify(byte[], TrustRoot)}, and if {@code now} is not null also that the certificate is still
     * valid now and {@code createdAt} is not in the future (beyond {@link #CLOCK_SKEW}): what a server checks when
     * a release is published, so a retired key cannot publish a back-dated release.
     */
    public static VerifiedRelease verify(byte[] envelopeJson, TrustRoot trust, Instant now) {
        if (envelopeJson == null || envelopeJson.length == 0) {
            throw new CryptoException("The release envelope is empty");
        }
        JsonNode env = CanonicalJson.parse(envelopeJson, "The release envelope");
        if (!env.isObject()) {
            throw new CryptoException("The release envelope is not a JSON object");
        }
        JsonNode release = Fields.object(env, "release", "envelope");
        JsonNode sig = Fields.object(env, "signature", "envelope");
        ReleaseCert cert = ReleaseCert.fromJson(env.get("certificate"), "envelope.certificate");

        // What is claimed, before any signature: formats and algorithms must be known.
        String r = "release";
        int formatVersion = Fields.formatVersion(release, r, RELEASE_FORMAT, RELEASE_FORMAT_2);
        Fields.expect(sig, "alg", Ed25519.ALG, "signature");
        String sigKeyId = Fields.hex(sig, "keyId", 16, "signature");
        byte[] signature = Codec.unb64(Fields.text(sig, "value", "signature"), Ed25519.SIGNATURE_LENGTH,
                "signature.value");
        String appId = Fields.text(release, "appId", r);
        String releaseKeyId = Fields.hex(release, "releaseKeyId", 16, r);

        // The chain: root -> certificate -> release key.
        if (!cert.appId().equals(trust.appId())) {
            throw new CryptoException("The release key certificate is for app " + cert.appId() + ", not "
                    + trust.appId());
        }
        if (!cert.rootKeyId().equals(trust.rootKeyId())) {
            throw new CryptoException("Signed by release key " + Codec.shortId(cert.keyId())
                    + " which the app's trust root did not certify (its certificate is signed by key "
                    + cert.rootKeyId() + ", the app's root key is " + trust.rootKeyId() + ")");
        }
        try {
            cert.verify(trust.rootPublicKey());
        } catch (CryptoException e) {
            throw new CryptoException("Signed by release key " + Codec.shortId(cert.keyId())
                    + " which the app's trust root did not certify: " + e.getMessage());
        }
        if (!sigKeyId.equals(cert.keyId()) || !releaseKeyId.equals(cert.keyId())) {
            throw new CryptoException("The release names release key " + releaseKeyId + " and its signature key "
                    + sigKeyId + ", but the enclosed certificate is for key " + cert.keyId());
        }
        if (!Ed25519.verify(cert.publicKey(), CanonicalJson.bytes(release), signature)) {
            throw new CryptoException("The release signature by release key " + cert.keyId()
                    + " is invalid: the release metadata or its signature was modified");
        }

        // Signed content: everything below is covered by the signature; check it is coherent.
        if (!appId.equals(trust.appId())) {
            throw new CryptoException("The release is for app " + appId + ", not " + trust.appId());
        }
        if (!cert.appId().equals(appId)) {
            throw new CryptoException("The release is for app " + appId + " but its key is certified for "
                    + cert.appId());
        }
        Instant createdAt = Fields.instant(release, "createdAt", r);
        if (!cert.validAt(createdAt)) {
            throw new CryptoException("The release was created at " + createdAt + ", outside the validity of "
                    + "release key " + cert.keyId() + " (" + cert.notBefore() + " to " + cert.notAfter() + ")");
        }
        trust.cert(cert.keyId()).ifPresent(known -> {
            if (!known.validAt(createdAt)) {
                throw new CryptoException("The release was created at " + createdAt + ", outside the validity "
                        + "the trust root now gives release key " + known.keyId() + " (" + known.notBefore()
                        + " to " + known.notAfter() + ")");
            }
        });
        if (now != null) {
            if (now.isAfter(cert.notAfter())) {
                throw new CryptoException("Release key " + cert.keyId() + " expired at " + cert.notAfter());
            }
            trust.cert(cert.keyId()).filter(known -> now.isAfter(known.notAfter())).ifPresent(known -> {
                throw new CryptoException("Release key " + known.keyId() + " was retired at " + known.notAfter());
            });
            if (createdAt.isAfter(now.plus(CLOCK_SKEW))) {
                throw new CryptoException("The release's createdAt " + createdAt + " is in the future");
            }
        }
        String version = Fields.semver(Fields.text(release, "version", r), "release.version");
        long sequence = Fields.integer(release, "sequence", 0, r);
        String nativeMin = Fields.semver(Fields.nullableText(release, "nativeMin", r), "release.nativeMin");
        String nativeMax = Fields.semver(Fields.nullableText(release, "nativeMax", r), "release.nativeMax");
        String contentKeyId = Fields.hex(release, "contentKeyId", 16, r);
        if (trust.contentKeyId() != null && !trust.contentKeyId().equals(contentKeyId)) {
            throw new CryptoException("The release is encrypted for content key " + contentKeyId
                    + ", but the app's content key is " + trust.contentKeyId());
        }
        String wrapped = Fields.text(release, "wrappedDataKey", r);
        Codec.unb64(wrapped, WRAPPED_KEY_LENGTH, "release.wrappedDataKey");
        JsonNode m = Fields.object(release, "manifest", r);
        BlobRef manifest = blob(m, "release.manifest");
        String plainSha256 = Fields.hex(m, "plainSha256", 64, "release.manifest");
        JsonNode list = Fields.array(release, "blobs", r);
        if (list.size() > MAX_BLOBS) {
            throw new CryptoException("release.blobs lists " + list.size() + " blobs, more than " + MAX_BLOBS);
        }
        List<BlobRef> blobs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            BlobRef b = blob(list.get(i), "release.blobs[" + i + "]");
            if (!blobs.isEmpty() && blobs.get(blobs.size() - 1).sha256().compareTo(b.sha256()) >= 0) {
                throw new CryptoException("release.blobs[" + i + "] is not sorted by sha256 or is a duplicate");
            }
            if (b.sha256().equals(manifest.sha256())) {
                throw new CryptoException("release.blobs[" + i + "] is the manifest blob");
            }
            blobs.add(b);
        }
        ReleasePatches patches = patches(release, formatVersion, manifest);
        return new VerifiedRelease(appId, version, sequence, nativeMin, nativeMax, createdAt, releaseKeyId,
                contentKeyId, wrapped, manifest, plainSha256, blobs, formatVersion, patches);
    }

    /** The optional {@code patches} object of a format 2 release (bundle-format §5.4). */
    private static ReleasePatches patches(JsonNode release, int formatVersion, BlobRef manifest) {
        JsonNode p = release.get("patches");
        if (p == null || p.isNull()) {
            return null;
        }
        if (formatVersion < 2) {
            throw new CryptoException("release.patches needs release format 2");
        }
        BlobRef index = blob(p, "release.patches");
        String plain = Fields.hex(p, "plainSha256", 64, "release.patches");
        JsonNode list = Fields.array(p, "blobs", "release.patches");
        if (list.size() > PatchIndex.MAX_PATCHES) {
            throw new CryptoException("release.patches.blobs lists " + list.size() + " blobs, more than "
                    + PatchIndex.MAX_PATCHES);
        }
        List<BlobRef> blobs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            BlobRef b = blob(list.get(i), "release.patches.blobs[" + i + "]");
            if (!blobs.isEmpty() && blobs.get(blobs.size() - 1).sha256().compareTo(b.sha256()) >= 0) {
                throw new CryptoException("release.patches.blobs[" + i + "] is not sorted by sha256 or is a "
                        + "duplicate");
            }
            if (b.sha256().equals(manifest.sha256()) || b.sha256().equals(index.sha256())) {
                throw new CryptoException("release.patches.blobs[" + i + "] is the manifest or the patch index");
            }
            blobs.add(b);
        }
        if (blobs.isEmpty()) {
            throw new CryptoException("release.patches lists no patch blob");
        }
        return new ReleasePatches(index, plain, blobs);
    }

    private static BlobRef blob(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new CryptoException(where + " is not an object");
        }
        String sha = Fields.hex(node, "sha256", 64, where);
        long length = Fields.integer(node, "length", 0, where);
        return new BlobRef(sha, length);
    }
}
