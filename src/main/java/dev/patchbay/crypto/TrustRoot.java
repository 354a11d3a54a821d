package dev.patchbay.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public trust material of an app, {@code trust.json} (bundle-format §3): root public key, release key
 * certificates (each verified against the root when read) and the content key id. Immutable.
 */
public final class TrustRoot {
    public static final String FORMAT = "patchbay-trust/1";

    private final String appId;
    private final byte[] rootPublicKey;
    private final String rootKeyId;
    private final List<ReleaseCert> releaseCerts;
    private final String contentKeyId;

    private TrustRoot(String appId, byte[] rootPublicKey, List<ReleaseCert> releaseCerts, String contentKeyId) {
        this.appId = appId;
        this.rootPublicKey = rootPublicKey.clone();
        this.rootKeyId = KeyIds.ofPublicKey(rootPublicKey);
        this.releaseCerts = List.copyOf(releaseCerts);
        this.contentKeyId = contentKeyId;
        for (ReleaseCert cert : this.releaseCerts) {
            check(cert);
        }
    }

    /** Trust material with no release certificate yet. */
    public static TrustRoot create(String appId, byte[] rootPublicKey, String contentKeyId) {
        if (contentKeyId != null && !KeyIds.isKeyId(contentKeyId)) {
            throw new CryptoException("contentKeyId must be 16 lowercase hex characters");
        }
        return new TrustRoot(appId, rootPublicKey, List.of(), contentKeyId);
    }

    /** Parses and checks {@code trust.json}: formats, root key id, every certificate's signature and app. */
    public static TrustRoot parse(byte[] json) {
        JsonNode node = CanonicalJson.parse(json, "trust.json");
        String w = "trust.json";
        if (!node.isObject()) {
            throw new CryptoException("trust.json is not a JSON object");
        }
        Fields.expect(node, "format", FORMAT, w);
        String appId = Fields.text(node, "appId", w);
        JsonNode root = Fields.object(node, "root", w);
        String rootKeyId = Fields.hex(root, "keyId", 16, w + ".root");
        byte[] rootKey = Codec.unb64(Fields.text(root, "publicKey", w + ".root"), Ed25519.KEY_LENGTH,
                w + ".root.publicKey");
        if (!KeyIds.ofPublicKey(rootKey).equals(rootKeyId)) {
            throw new CryptoException("trust.json root.keyId " + rootKeyId + " does not match its public key");
        }
        String contentKeyId = node.hasNonNull("contentKeyId") ? Fields.hex(node, "contentKeyId", 16, w) : null;
        List<ReleaseCert> certs = new ArrayList<>();
        JsonNode list = node.has("releaseCerts") ? Fields.array(node, "releaseCerts", w) : null;
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                certs.add(ReleaseCert.fromJson(list.get(i), w + ".releaseCerts[" + i + "]"));
            }
        }
        return new TrustRoot(appId, rootKey, certs, contentKeyId);
    }

    private void check(ReleaseCert cert) {
        if (!cert.appId().equals(appId)) {
            throw new CryptoException("Release key " + cert.keyId() + " is certified for app " + cert.appId()
                    + ", not " + appId);
        }
        cert.verify(rootPublicKey);
    }

    /** A copy with {@code cert} added, replacing any certificate of the same release key (re-certification). */
    public TrustRoot withCert(ReleaseCert cert) {
        check(cert);
        List<ReleaseCert> certs = new ArrayList<>();
        for (ReleaseCert c : releaseCerts) {
            if (!c.keyId().equals(cert.keyId())) {
                certs.add(c);
            }
        }
        certs.add(cert);
        return new TrustRoot(appId, rootPublicKey, certs, contentKeyId);
    }

    /** The certificate this trust material holds for a release key id. */
    public Optional<ReleaseCert> cert(String releaseKeyId) {
        return releaseCerts.stream().filter(c -> c.keyId().equals(releaseKeyId)).findFirst();
    }

    public ObjectNode toJson() {
        ObjectNode node = CanonicalJson.object();
        node.put("format", FORMAT);
        node.put("appId", appId);
        ObjectNode root = node.putObject("root");
        root.put("keyId", rootKeyId);
        root.put("publicKey", Codec.b64(rootPublicKey));
        ArrayNode certs = node.putArray("releaseCerts");
        releaseCerts.forEach(c -> certs.add(c.toJson()));
        if (contentKeyId != null) {
            node.put("contentKeyId", contentKeyId);
        }
        return node;
    }

    /** {@code trust.json} bytes, pretty-printed for people (nothing in it is signed as a whole). */
    public byte[] toBytes() {
        try {
            return (Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String appId() {
        return appId;
    }

    public byte[] rootPublicKey() {
        return rootPublicKey.clone();
    }

    public String rootKeyId() {
        return rootKeyId;
    }

    public List<ReleaseCert> releaseCerts() {
        return releaseCerts;
    }

    /** The content key id, or null if this trust material does not name one. */
    public String contentKeyId() {
        return contentKeyId;
    }

    /** Same app and same root key (what the server fixes on first registration; a different root is a 409). */
    public boolean sameRoot(TrustRoot other) {
        return appId.equals(other.appId) && rootKeyId.equals(other.rootKeyId);
    }

    @Override
    public String toString() {
        return "TrustRoot[" + appId + ", root " + rootKeyId + ", " + releaseCerts.size() + " release certs]";
    }
}
