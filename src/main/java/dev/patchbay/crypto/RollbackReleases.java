package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Builds the rollback release of a staged rollout (docs/rollouts.md §3): a new release of the stable bundle's content
 * (same manifest, blobs and native bounds) with a sequence above the target's, so devices that ran the target accept
 * it. Its version is {@code <stable>+rollback.<sequence>} (build metadata: same precedence as the stable version);
 * the data key is unwrapped with the content key and wrapped again for the new version (the wrap's AAD binds the
 * version); the release is signed with the current release key. No blob is touched: the server already has them.
 */
public final class RollbackReleases {
    /** A rollback suffix already on the stable version ({@code 1.4.0+rollback.9}): replaced, not stacked. */
    private static final Pattern ROLLBACK_SUFFIX = Pattern.compile("[+.]rollback\\.\\d+$");

    private RollbackReleases() {
    }

    /**
     * The signed envelope of the rollback release of {@code stableEnvelope}, built with the keys of a key folder.
     *
     * @param sequence the new release's sequence: the app's highest published sequence + 1
     * @param now      its {@code createdAt}
     * @throws CryptoException if the stable release does not verify against the keys' trust root, is of another app
     *                         or content key, or {@code sequence} is not above its own
     */
    public static byte[] build(byte[] stableEnvelope, AppKeys keys, long sequence, Instant now) {
        byte[] releaseKey = keys.releasePrivateKey();
        byte[] contentKey = keys.contentKey();
        try {
            return build(stableEnvelope, keys.trust(), releaseKey, keys.releaseCert(), contentKey, sequence, now);
        } finally {
            Arrays.fill(releaseKey, (byte) 0);
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    /** As {@link #build(byte[], AppKeys, long, Instant)} with the key material given one by one. */
    public static byte[] build(byte[] stableEnvelope, TrustRoot trust, byte[] releasePrivateKey, ReleaseCert cert,
            byte[] contentKey, long sequence, Instant now) {
        if (stableEnvelope == null || stableEnvelope.length == 0) {
            throw new CryptoException("The stable release envelope is empty");
        }
        // Clear words for the two likely mix-ups before the verifier's more technical ones.
        JsonNode claimed = CanonicalJson.parse(stableEnvelope, "The stable release envelope").path("release");
        String claimedApp = claimed.path("appId").asText(null);
        if (claimedApp != null && !claimedApp.equals(trust.appId())) {
            throw new CryptoException("The stable release " + claimed.path("version").asText("?") + " is of app "
                    + claimedApp + ", not " + trust.appId() + ": use the keys of the app being rolled out");
        }
        String contentKeyId = KeyIds.ofContentKey(contentKey);
        String claimedContent = claimed.path("contentKeyId").asText(null);
        if (claimedContent != null && !claimedContent.equals(contentKeyId)) {
            throw new CryptoException("The stable release " + claimed.path("version").asText("?")
                    + " is encrypted for content key " + claimedContent + ", not the content key of these keys ("
                    + contentKeyId + "): it cannot be re-released with them");
        }
        VerifiedRelease stable;
        try {
            stable = ReleaseVerifier.verify(stableEnvelope, trust);
        } catch (CryptoException e) {
            throw new CryptoException("The stable release does not verify against the app's trust root: "
                    + e.getMessage());
        }
        if (!stable.contentKeyId().equals(contentKeyId)) {
            throw new CryptoException("The stable release " + stable.version() + " is encrypted for content key "
                    + stable.contentKeyId() + ", not " + contentKeyId);
        }
        if (sequence <= stable.sequence()) {
            throw new CryptoException("The rollback release's sequence " + sequence + " must be above the stable"
                    + " release's " + stable.sequence());
        }
        String version = versionFor(stable.version(), sequence);
        byte[] dataKey = DataKeys.unwrap(contentKey, stable.wrappedDataKey(), stable.appId(), stable.version());
        String wrapped;
        try {
            wrapped = DataKeys.wrap(contentKey, dataKey, stable.appId(), version);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
        ReleaseSigner.Release release = new ReleaseSigner.Release(stable.appId(), version, sequence,
                stable.nativeMin(), stable.nativeMax(), now, contentKeyId, wrapped, stable.manifest(),
                stable.manifestPlainSha256(), stable.blobs(), stable.formatVersion());
        byte[] envelope = ReleaseSigner.sign(release, releasePrivateKey, cert);
        ReleaseVerifier.verify(envelope, trust, now); // what the server will check: fail here, not after upload
        return envelope;
    }

    /**
     * {@code 1.4.0} → {@code 1.4.0+rollback.12}; a version with build metadata keeps it ({@code 1.4.0+b5} →
     * {@code 1.4.0+b5.rollback.12}); a rollback release's own suffix is replaced ({@code 1.4.0+rollback.9} →
     * {@code 1.4.0+rollback.12}).
     */
    public static String versionFor(String stableVersion, long sequence) {
        String base = ROLLBACK_SUFFIX.matcher(stableVersion).replaceFirst("");
        String version = base + (base.contains("+") ? ".rollback." : "+rollback.") + sequence;
        return Fields.semver(version, "rollback version");
    }
}
