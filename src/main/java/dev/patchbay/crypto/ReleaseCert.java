package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A release key certificate (bundle-format §1): a release public key certified by the app's root key for a period.
 * Immutable; keeps the JSON it was read from so the signature is checked over exactly what was signed.
 */
public final class ReleaseCert extends KeyCertificate {
    public static final String FORMAT = "patchbay-release-cert/1";

    private ReleaseCert(ObjectNode json, String where) {
        super(json, FORMAT, where);
    }

    /** Certifies {@code releasePublicKey} for {@code appId} from {@code notBefore} to {@code notAfter}. */
    public static ReleaseCert create(String appId, byte[] releasePublicKey, Instant notBefore, Instant notAfter,
            byte[] rootPrivateKey) {
        return new ReleaseCert(sign(FORMAT, appId, releasePublicKey, notBefore, notAfter, rootPrivateKey),
                "certificate");
    }

    /** Reads a certificate without checking its signature (see {@link #verify}); {@code where} names it in errors. */
    public static ReleaseCert fromJson(JsonNode node, String where) {
        return new ReleaseCert(object(node, where), where);
    }

    @Override
    String kind() {
        return "Release key";
    }
}
