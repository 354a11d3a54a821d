package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** Builds and signs release metadata into a release envelope (bundle-format §4.5–4.6). */
public final class ReleaseSigner {
    private ReleaseSigner() {
    }

    /**
     * Release metadata fields, before signing. {@code nativeMin}/{@code nativeMax} may be null; {@code formatVersion}
     * is 1 (format 1 manifest and blobs) or 2 (format 2: compressed, convergent file blobs).
     */
    public record Release(String appId, String version, long sequence, String nativeMin, String nativeMax,
            Instant createdAt, String contentKeyId, String wrappedDataKey, BlobRef manifest,
            String manifestPlainSha256, List<BlobRef> blobs, int formatVersion, ReleasePatches patches) {
        /** A release without binary patches. */
        public Release(String appId, String version, long sequence, String nativeMin, String nativeMax,
                Instant createdAt, String contentKeyId, String wrappedDataKey, BlobRef manifest,
                String manifestPlainSha256, List<BlobRef> blobs, int formatVersion) {
            this(appId, version, sequence, nativeMin, nativeMax, createdAt, contentKeyId, wrappedDataKey, manifest,
                    manifestPlainSha256, blobs, formatVersion, null);
        }

        /** A format 1 release. */
        public Release(String appId, String version, long sequence, String nativeMin, String nativeMax,
                Instant createdAt, String contentKeyId, String wrappedDataKey, BlobRef manifest,
                String manifestPlainSha256, List<BlobRef> blobs) {
            this(appId, version, sequence, nativeMin, nativeMax, createdAt, contentKeyId, wrappedDataKey, manifest,
                    manifestPlainSha256, blobs, 1);
        }
    }

    /** The release metadata object as signed (blobs sorted, duplicates dropped). */
    public static ObjectNode releaseJson(Release r, String releaseKeyId) {
        Fields.semver(r.version(), "version");
        if (r.version() == null) {
            throw new CryptoException("version is missing");
        }
        Fields.semver(r.nativeMin(), "nativeMin");
        Fields.semver(r.nativeMax(), "nativeMax");
        if (r.sequence() < 0 || r.sequence() > CanonicalJson.MAX_SAFE_INTEGER) {
            throw new CryptoException("sequence is out of range (" + r.sequence() + ")");
        }
        ObjectNode release = CanonicalJson.object();
        if (r.formatVersion() != 1 && r.formatVersion() != 2) {
            throw new CryptoException("unknown release format version " + r.formatVersion());
        }
        release.put("format", r.formatVersion() == 1 ? ReleaseVerifier.RELEASE_FORMAT
                : ReleaseVerifier.RELEASE_FORMAT_2);
        release.put("appId", r.appId());
        release.put("version", r.version());
        release.put("sequence", r.sequence());
        release.put("nativeMin", r.nativeMin());
        release.put("nativeMax", r.nativeMax());
        release.put("createdAt", Fields.format(r.createdAt()));
        release.put("releaseKeyId", releaseKeyId);
        release.put("contentKeyId", r.contentKeyId());
        release.put("wrappedDataKey", r.wrappedDataKey());
        ObjectNode manifest = release.putObject("manifest");
        manifest.put("sha256", r.manifest().sha256());
        manifest.put("length", r.manifest().length());
        manifest.put("plainSha256", r.manifestPlainSha256());
        ArrayNode blobs = release.putArray("blobs");
        for (BlobRef b : new TreeSet<>(r.blobs())) {
            blobs.addObject().put("sha256", b.sha256()).put("length", b.length());
        }
        if (r.patches() != null) {
            if (r.formatVersion() < 2) {
                throw new CryptoException("binary patches need release format 2");
            }
            ObjectNode patches = release.putObject("patches");
            patches.put("sha256", r.patches().index().sha256());
            patches.put("length", r.patches().index().length());
            patches.put("plainSha256", r.patches().plainSha256());
            ArrayNode list = patches.putArray("blobs");
            for (BlobRef b : r.patches().blobs()) {
                list.addObject().put("sha256", b.sha256()).put("length", b.length());
            }
        }
        return release;
    }

    /**
     * Who signs release metadata: a private key in this process ({@link #of(byte[])}) or a key agent that keeps it
     * (ADR 0083). {@code sign} gets the canonical release object's bytes and answers the Ed25519 signature.
     */
    public interface KeySigner {
        byte[] publicKey();

        byte[] sign(byte[] canonicalRelease);

        /** A signer over a private key held here (the key is not copied: do not wipe it while signing). */
        static KeySigner of(byte[] privateKey) {
            return new KeySigner() {
                @Override
                public byte[] publicKey() {
                    return Ed25519.publicKey(privateKey);
                }

                @Override
                public byte[] sign(byte[] canonicalRelease) {
                    return Ed25519.sign(privateKey, canonicalRelease);
                }
            };
        }
    }

    /** Signs {@code release} with the release key certified by {@code cert}; returns the envelope bytes. */
    public static byte[] sign(Release release, byte[] releasePrivateKey, ReleaseCert cert) {
        return sign(release, KeySigner.of(releasePrivateKey), cert);
    }

    /** As {@link #sign(Release, byte[], ReleaseCert)} with a {@link KeySigner} (a key agent, say). */
    public static byte[] sign(Release release, KeySigner signer, ReleaseCert cert) {
        byte[] publicKey = signer.publicKey();
        if (!Arrays.equals(publicKey, cert.publicKey())) {
            throw new CryptoException("The release key does not match certificate " + cert.keyId());
        }
        if (!cert.appId().equals(release.appId())) {
            throw new CryptoException("Release key " + cert.keyId() + " is certified for app " + cert.appId()
                    + ", not " + release.appId());
        }
        ObjectNode json = releaseJson(release, cert.keyId());
        ObjectNode env = CanonicalJson.object();
        env.set("release", json);
        ObjectNode sig = env.putObject("signature");
        sig.put("alg", Ed25519.ALG);
        sig.put("keyId", KeyIds.ofPublicKey(publicKey));
        byte[] signature = signer.sign(CanonicalJson.bytes(json));
        if (!Ed25519.verify(publicKey, CanonicalJson.bytes(json), signature)) {
            throw new CryptoException("The release key's signer answered a signature that does not verify");
        }
        sig.put("value", Codec.b64(signature));
        env.set("certificate", cert.toJson());
        return CanonicalJson.bytes(env);
    }

    /** Signs an already built release object as is (tests use this to sign odd metadata). */
    public static byte[] sign(ObjectNode release, byte[] releasePrivateKey, ReleaseCert cert) {
        ObjectNode env = CanonicalJson.object();
        env.set("release", release);
        ObjectNode sig = env.putObject("signature");
        sig.put("alg", Ed25519.ALG);
        sig.put("keyId", KeyIds.ofPublicKey(Ed25519.publicKey(releasePrivateKey)));
        sig.put("value", Codec.b64(Ed25519.sign(releasePrivateKey, CanonicalJson.bytes(release))));
        env.set("certificate", cert.toJson());
        return CanonicalJson.bytes(env);
    }
}
