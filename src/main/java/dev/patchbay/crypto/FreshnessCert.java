package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A freshness key certificate (device-protocol §2): the update server's Ed25519 freshness public key, certified by
 * an app's root key for a period. The freshness key signs only short-lived {@link FreshnessStatement}s; it cannot
 * create a release.
 */
public final class FreshnessCert extends KeyCertificate {
    public static final String FORMAT = "patchbay-freshness-cert/1";

    private FreshnessCert(ObjectNode json, String where) {
        super(json, FORMAT, where);
    }

    /** Certifies the server freshness key {@code freshnessPublicKey} for {@code appId}, signed by the app's root. */
    public static FreshnessCert create(String appId, byte[] freshnessPublicKey, Instant notBefore, Instant notAfter,
            byte[] rootPrivateKey) {
        return new FreshnessCert(sign(FORMAT, appId, freshnessPublicKey, notBefore, notAfter, rootPrivateKey),
                "freshnessCert");
    }

    /** Reads a certificate without checking its signature (see {@link #verify}). */
    public static FreshnessCert fromJson(JsonNode node, String where) {
        return new FreshnessCert(object(node, where), where);
    }

    public static FreshnessCert parse(byte[] json) {
        return fromJson(CanonicalJson.parse(json, "The freshness certificate"), "freshnessCert");
    }

    /** Checks that the root key {@code rootPublicKey} signed this certificate, and for {@code expectedAppId}. */
    public void verify(byte[] rootPublicKey, String expectedAppId) {
        verify(rootPublicKey);
        if (!appId().equals(expectedAppId)) {
            throw new CryptoException("The freshness key certificate is for app " + appId() + ", not "
                    + expectedAppId);
        }
    }

    @Override
    String kind() {
        return "Freshness key";
    }
}
