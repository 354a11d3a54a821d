package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;

/**
 * What a release key certificate and a freshness key certificate share: {@code {"cert": {format, appId, keyId,
 * publicKey, notBefore, notAfter}, "signature": {alg, keyId, value}}}, an Ed25519 public key certified by an app's
 * root key for a period. Immutable; keeps the JSON it was read from so the signature is checked over exactly what was
 * signed.
 */
abstract class KeyCertificate {
    private final ObjectNode json;
    private final String appId;
    private final String keyId;
    private final byte[] publicKey;
    private final Instant notBefore;
    private final Instant notAfter;
    private final String rootKeyId;
    private final byte[] signature;

    KeyCertificate(ObjectNode json, String format, String where) {
        this.json = json;
        JsonNode cert = Fields.object(json, "cert", where);
        String c = where + ".cert";
        Fields.expect(cert, "format", format, c);
        this.appId = Fields.text(cert, "appId", c);
        this.keyId = Fields.hex(cert, "keyId", 16, c);
        this.publicKey = Codec.unb64(Fields.text(cert, "publicKey", c), Ed25519.KEY_LENGTH, c + ".publicKey");
        if (!KeyIds.ofPublicKey(publicKey).equals(keyId)) {
            throw new CryptoException(c + ".keyId " + keyId + " does not match its public key");
        }
        this.notBefore = Fields.instant(cert, "notBefore", c);
        this.notAfter = Fields.instant(cert, "notAfter", c);
        if (!notAfter.isAfter(notBefore)) {
            throw new CryptoException(c + ".notAfter is not after notBefore");
        }
        JsonNode sig = Fields.object(json, "signature", where);
        String s = where + ".signature";
        Fields.expect(sig, "alg", Ed25519.ALG, s);
        this.rootKeyId = Fields.hex(sig, "keyId", 16, s);
        this.signature = Codec.unb64(Fields.text(sig, "value", s), Ed25519.SIGNATURE_LENGTH, s + ".value");
        CanonicalJson.bytes(cert); // floats or the like make the cert unverifiable anywhere: refuse early
    }

    /** The signed JSON of a new certificate of {@code publicKey} by the root key {@code rootPrivateKey}. */
    static ObjectNode sign(String format, String appId, byte[] publicKey, Instant notBefore, Instant notAfter,
            byte[] rootPrivateKey) {
        ObjectNode cert = CanonicalJson.object();
        cert.put("format", format);
        cert.put("appId", appId);
        cert.put("keyId", KeyIds.ofPublicKey(publicKey));
        cert.put("publicKey", Codec.b64(publicKey));
        cert.put("notBefore", Fields.format(notBefore));
        cert.put("notAfter", Fields.format(notAfter));
        ObjectNode sig = CanonicalJson.object();
        sig.put("alg", Ed25519.ALG);
        sig.put("keyId", KeyIds.ofPublicKey(Ed25519.publicKey(rootPrivateKey)));
        sig.put("value", Codec.b64(Ed25519.sign(rootPrivateKey, CanonicalJson.bytes(cert))));
        ObjectNode json = CanonicalJson.object();
        json.set("cert", cert);
        json.set("signature", sig);
        return json;
    }

    static ObjectNode object(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new CryptoException(where + " is missing or not an object");
        }
        return ((ObjectNode) node).deepCopy();
    }

    /** "Release key" or "Freshness key", for messages. */
    abstract String kind();

    /** Checks that the root key {@code rootPublicKey} signed this certificate. */
    public void verify(byte[] rootPublicKey) {
        String rootId = KeyIds.ofPublicKey(rootPublicKey);
        if (!rootKeyId.equals(rootId)) {
            throw new CryptoException(kind() + " " + keyId + " is certified by key " + rootKeyId
                    + ", not by the app's root key " + rootId);
        }
        if (!Ed25519.verify(rootPublicKey, CanonicalJson.bytes(json.get("cert")), signature)) {
            throw new CryptoException("The certificate of " + kind().toLowerCase(java.util.Locale.ROOT) + " "
                    + keyId + " has an invalid signature by root key " + rootId + " (modified or forged)");
        }
    }

    /** True if {@code t} is within [notBefore, notAfter]. */
    public boolean validAt(Instant t) {
        return !t.isBefore(notBefore) && !t.isAfter(notAfter);
    }

    public ObjectNode toJson() {
        return json.deepCopy();
    }

    public byte[] toBytes() {
        return CanonicalJson.bytes(json);
    }

    public String appId() {
        return appId;
    }

    public String keyId() {
        return keyId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public String rootKeyId() {
        return rootKeyId;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(toBytes(), ((KeyCertificate) o).toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + appId + ", key " + keyId + ", " + notBefore + " .. " + notAfter
                + "]";
    }
}
