package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/**
 * A freshness statement (device-protocol §2): "for device D asking with nonce N, channel C of app A currently
 * resolves to release R (or to no update, and why)", signed by the server's freshness key at server time
 * {@code issuedAt}. The nonce the device chose binds the statement to one request, so an old statement cannot be
 * replayed (freeze attack) whatever the device's clock says; {@code issuedAt} is the signed server time the device
 * uses instead of its own clock.
 */
public final class FreshnessStatement {
    public static final String FORMAT = "patchbay-freshness/1";
    /** Longest validity a device accepts. */
    public static final Duration MAX_VALIDITY = Duration.ofHours(24);

    /** What the server answered. */
    public enum Outcome {
        UPDATE("update"), BUILTIN("builtin"), UP_TO_DATE("up_to_date"), BLOCKED("blocked"), FAILED("failed");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Outcome of(String wire) {
            for (Outcome o : values()) {
                if (o.wire.equals(wire)) {
                    return o;
                }
            }
            throw new CryptoException("statement.outcome \"" + wire + "\" is unknown");
        }
    }

    /** The release a statement points at: version, sequence and {@link #releaseDigest digest}. */
    public record ReleaseRef(String version, long sequence, String sha256) {
    }

    private final ObjectNode json;
    private final String appId;
    private final String deviceId;
    private final String nonce;
    private final String channel;
    private final Outcome outcome;
    private final ReleaseRef release;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String keyId;
    private final byte[] signature;
    /** The batch proof of a batch-signed statement (ADR 0114), or null for a statement signed on its own. */
    private final FreshnessBatch.Proof batch;

    private FreshnessStatement(ObjectNode json, String where) {
        this.json = json;
        JsonNode st = Fields.object(json, "statement", where);
        String s = where + ".statement";
        Fields.expect(st, "format", FORMAT, s);
        this.appId = Fields.text(st, "appId", s);
        this.deviceId = Fields.text(st, "deviceId", s);
        this.nonce = Fields.text(st, "nonce", s);
        this.channel = Fields.nullableText(st, "channel", s);
        this.outcome = Outcome.of(Fields.text(st, "outcome", s));
        JsonNode rel = st.get("release");
        if (rel == null || rel.isNull()) {
            this.release = null;
        } else {
            String r = s + ".release";
            Fields.object(st, "release", s);
            this.release = new ReleaseRef(Fields.text(rel, "version", r), Fields.integer(rel, "sequence", 0, r),
                    Fields.hex(rel, "sha256", 64, r));
        }
        if (outcome == Outcome.UPDATE && release == null) {
            throw new CryptoException(s + ".release is missing for outcome \"update\"");
        }
        this.issuedAt = Fields.instant(st, "issuedAt", s);
        this.expiresAt = Fields.instant(st, "expiresAt", s);
        JsonNode sig = Fields.object(json, "signature", where);
        String g = where + ".signature";
        Fields.expect(sig, "alg", Ed25519.ALG, g);
        this.keyId = Fields.hex(sig, "keyId", 16, g);
        this.signature = Codec.unb64(Fields.text(sig, "value", g), Ed25519.SIGNATURE_LENGTH, g + ".value");
        JsonNode b = json.get("batch");
        this.batch = b == null || b.isNull() ? null
                : FreshnessBatch.Proof.fromJson(Fields.object(json, "batch", where), where + ".batch");
        CanonicalJson.bytes(st);
    }

    /** Signs a statement with the server's freshness key (what the server does for every answer). */
    public static FreshnessStatement create(String appId, String deviceId, String nonce, String channel,
            Outcome outcome, ReleaseRef release, Instant issuedAt, Duration validity, byte[] freshnessPrivateKey) {
        return create(appId, deviceId, nonce, channel, outcome, release, issuedAt, validity,
                Ed25519.signer(freshnessPrivateKey));
    }

    /** {@link #create} with a prepared signer (the server signs every answer with the same key). */
    public static FreshnessStatement create(String appId, String deviceId, String nonce, String channel,
            Outcome outcome, ReleaseRef release, Instant issuedAt, Duration validity, Ed25519.Signer freshnessKey) {
        ObjectNode st = statement(appId, deviceId, nonce, channel, outcome, release, issuedAt, validity);
        return new FreshnessStatement(signed(st, freshnessKey), "freshness");
    }

    /** The {@code statement} object of a freshness statement (unsigned): what the server signs, alone or in a batch. */
    public static ObjectNode statement(String appId, String deviceId, String nonce, String channel, Outcome outcome,
            ReleaseRef release, Instant issuedAt, Duration validity) {
        ObjectNode st = CanonicalJson.object();
        st.put("format", FORMAT);
        st.put("appId", appId);
        st.put("deviceId", deviceId);
        st.put("nonce", nonce);
        if (channel == null) {
            st.putNull("channel");
        } else {
            st.put("channel", channel);
        }
        st.put("outcome", outcome.wire());
        if (release == null) {
            st.putNull("release");
        } else {
            ObjectNode r = st.putObject("release");
            r.put("version", release.version());
            r.put("sequence", release.sequence());
            r.put("sha256", release.sha256());
        }
        Instant issued = issuedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        st.put("issuedAt", Fields.format(issued));
        st.put("expiresAt", Fields.format(issued.plus(validity)));
        return st;
    }

    /** The {@code freshness} object of an answer: {@code statement} signed on its own (the v1 form). */
    public static ObjectNode signed(ObjectNode statement, Ed25519.Signer freshnessKey) {
        return answer(statement, null, freshnessKey.keyId(), freshnessKey.sign(CanonicalJson.bytes(statement)));
    }

    /**
     * The {@code freshness} object of an answer whose statement was signed in a batch: the statement, its
     * {@link FreshnessBatch.Proof} and the signature of the batch's root.
     */
    public static ObjectNode batched(ObjectNode statement, FreshnessBatch.Proof proof, String keyId) {
        return answer(statement, proof, keyId, proof.signature());
    }

    private static ObjectNode answer(ObjectNode statement, FreshnessBatch.Proof proof, String keyId, byte[] value) {
        ObjectNode sig = CanonicalJson.object();
        sig.put("alg", Ed25519.ALG);
        sig.put("keyId", keyId);
        sig.put("value", Codec.b64(value));
        ObjectNode json = CanonicalJson.object();
        json.set("statement", statement);
        if (proof != null) {
            json.set("batch", proof.toJson());
        }
        json.set("signature", sig);
        return json;
    }

    /** Reads a {@code freshness} object the server built (tests, tools); {@link #verify} is what devices use. */
    public static FreshnessStatement read(JsonNode freshness) {
        if (freshness == null || !freshness.isObject()) {
            throw new CryptoException("The answer has no freshness statement");
        }
        return new FreshnessStatement(((ObjectNode) freshness).deepCopy(), "freshness");
    }

    /**
     * What a device does with the {@code freshness} and {@code freshnessCert} of an answer: the certificate chains
     * to the app's root and is valid at the statement's {@code issuedAt}; the statement is signed by the certified
     * key, is for this app and device, carries the nonce the device sent, and is valid for at most
     * {@link #MAX_VALIDITY}. The device's own clock is not consulted.
     */
    public static FreshnessStatement verify(JsonNode statement, JsonNode freshnessCert, byte[] rootPublicKey,
            String appId, String deviceId, String nonce) {
        if (statement == null || !statement.isObject()) {
            throw new CryptoException("The answer has no freshness statement");
        }
        FreshnessCert cert = FreshnessCert.fromJson(freshnessCert, "freshnessCert");
        cert.verify(rootPublicKey, appId);
        FreshnessStatement fs = new FreshnessStatement(((ObjectNode) statement).deepCopy(), "freshness");
        if (!fs.keyId.equals(cert.keyId())) {
            throw new CryptoException("The freshness statement is signed by key " + fs.keyId
                    + ", not by the certified freshness key " + cert.keyId());
        }
        byte[] signed = CanonicalJson.bytes(fs.json.get("statement"));
        if (fs.batch != null) {
            FreshnessBatch.verify(cert.publicKey(), signed, fs.batch, fs.signature);
        } else if (!Ed25519.verify(cert.publicKey(), signed, fs.signature)) {
            throw new CryptoException("The freshness statement signature is invalid (modified or forged)");
        }
        if (!fs.appId.equals(appId)) {
            throw new CryptoException("The freshness statement is for app " + fs.appId + ", not " + appId);
        }
        if (!fs.deviceId.equals(deviceId)) {
            throw new CryptoException("The freshness statement is for another device");
        }
        if (!fs.nonce.equals(nonce)) {
            throw new CryptoException("The freshness statement answers another request (nonce mismatch): replayed");
        }
        if (!cert.validAt(fs.issuedAt)) {
            throw new CryptoException("The freshness key " + cert.keyId() + " was not valid at " + fs.issuedAt
                    + " (" + cert.notBefore() + " to " + cert.notAfter() + ")");
        }
        if (!fs.expiresAt.isAfter(fs.issuedAt) || fs.expiresAt.isAfter(fs.issuedAt.plus(MAX_VALIDITY))) {
            throw new CryptoException("The freshness statement validity is not within (0, "
                    + MAX_VALIDITY.toHours() + " h]");
        }
        return fs;
    }

    /** SHA-256 (hex) of the canonical JSON of the {@code release} object of a release envelope. */
    public static String releaseDigest(byte[] envelopeJson) {
        JsonNode env = CanonicalJson.parse(envelopeJson, "The release envelope");
        return Codec.hex(KeyIds.sha256(CanonicalJson.bytes(Fields.object(env, "release", "envelope"))));
    }

    /** Checks the statement points at exactly this release envelope. */
    public void requireRelease(byte[] envelopeJson) {
        if (release == null) {
            throw new CryptoException("The freshness statement names no release");
        }
        String digest = releaseDigest(envelopeJson);
        if (!digest.equals(release.sha256())) {
            throw new CryptoException("The freshness statement names release " + release.version()
                    + " with another digest than the release the server sent (mix-and-match)");
        }
    }

    public ObjectNode toJson() {
        return json.deepCopy();
    }

    public String appId() {
        return appId;
    }

    public String deviceId() {
        return deviceId;
    }

    public String nonce() {
        return nonce;
    }

    /** The channel the server resolved, or null if none. */
    public String channel() {
        return channel;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The release pointed at, or null (builtin, no channel, ...). */
    public ReleaseRef release() {
        return release;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String keyId() {
        return keyId;
    }

    /** Whether the statement was signed in a batch (ADR 0114) rather than on its own. */
    public boolean batched() {
        return batch != null;
    }

    /** The size of the batch the statement was signed in (1 for a statement signed on its own). */
    public long batchSize() {
        return batch == null ? 1 : batch.treeSize();
    }
}
