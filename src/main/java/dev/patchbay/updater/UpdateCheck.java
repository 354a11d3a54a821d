package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.SemVer;
import dev.patchbay.updater.port.AppInfo;
import java.nio.charset.StandardCharsets;

/**
 * The {@code POST /updates} request (device-protocol §3) and every check of its answer that needs no download
 * (SECURITY.md "what the device checks"): freshness statement for this request's nonce, outcome equal to the answer's
 * kind, statement naming exactly the release sent, signature chain to the compiled-in root, app and content key,
 * native version range, sequence floor, blob URL template and per-blob URLs (any origin: bytes are verified, not the
 * URLs). Pure: no state, no I/O.
 */
final class UpdateCheck {
    /** The answer was refused; {@code freshness} says whether the answer itself or its release failed. */
    static final class Refused extends Exception {
        final boolean freshness;
        final String version;

        Refused(boolean freshness, String version, String reason) {
            super(reason);
            this.freshness = freshness;
            this.version = version;
        }
    }

    /** A verified answer and its statement. */
    record Verified(LatestVersion latest, FreshnessStatement statement) {
    }

    private final UpdaterConfig config;
    private final TrustRoot trust;

    UpdateCheck(UpdaterConfig config, TrustRoot trust) {
        this.config = config;
        this.trust = trust;
    }

    byte[] request(AppInfo app, String deviceId, BundleRecord current, String channel, String customId,
            String nonce) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("appId", config.appId());
        r.put("deviceId", deviceId);
        r.put("platform", app.platform());
        r.put("osVersion", app.osVersion());
        r.put("nativeVersion", app.nativeVersion());
        r.put("nativeBuild", app.nativeBuild());
        r.put("runtimeVersion", Updater.RUNTIME_VERSION);
        r.put("currentBundle", current == null ? BundleInfo.BUILTIN_ID : current.version());
        if (current == null) {
            r.putNull("currentSequence");
        } else {
            r.put("currentSequence", current.sequence());
        }
        putNullable(r, "channel", channel);
        putNullable(r, "customId", customId);
        r.put("isEmulator", app.isEmulator());
        r.put("isProduction", app.isProduction());
        ObjectNode keys = r.putObject("keyIds");
        keys.put("root", config.rootKeyId());
        keys.put("content", config.contentKeyId());
        r.put("nonce", nonce);
        return r.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void putNullable(ObjectNode n, String name, String value) {
        if (value == null) {
            n.putNull(name);
        } else {
            n.put(name, value);
        }
    }

    Verified verify(byte[] bytes, String deviceId, String nonce, long sequenceFloor, String nativeVersion)
            throws Refused {
        JsonNode a;
        try {
            a = CanonicalJson.parse(bytes, "The update answer");
        } catch (RuntimeException e) {
            throw new Refused(true, null, "the answer is not valid JSON: " + e.getMessage());
        }
        String kind = a.path("kind").asText("");
        FreshnessStatement fs;
        try {
            fs = FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"), config.rootPublicKey(),
                    config.appId(), deviceId, nonce);
            if (!fs.outcome().wire().equals(kind)) {
                throw new CryptoException("the statement says \"" + fs.outcome().wire() + "\" but the answer is \""
                        + kind + "\"");
            }
        } catch (RuntimeException e) {
            throw new Refused(true, null, e.getMessage());
        }
        String error = a.hasNonNull("error") ? a.get("error").asText() : null;
        String message = a.hasNonNull("message") ? a.get("message").asText() : null;
        if (!kind.equals("update")) {
            return new Verified(new LatestVersion(kind, null, -1, fs.channel(), error, message, null), fs);
        }
        String named = fs.release().version();
        JsonNode rel = a.get("release");
        if (rel != null && rel.isTextual()) {
            try {
                rel = CanonicalJson.parse(rel.asText().getBytes(StandardCharsets.UTF_8), "The release envelope");
            } catch (RuntimeException e) {
                throw new Refused(false, named, e.getMessage());
            }
        }
        if (rel == null || !rel.isObject()) {
            throw new Refused(true, named, "the update answer has no release");
        }
        byte[] envelope;
        try {
            envelope = CanonicalJson.bytes(rel);
            fs.requireRelease(envelope);
        } catch (RuntimeException e) {
            throw new Refused(true, named, e.getMessage());
        }
        VerifiedRelease release;
        try {
            release = ReleaseVerifier.verify(envelope, trust);
        } catch (RuntimeException e) {
            throw new Refused(false, named, e.getMessage());
        }
        if (release.nativeMin() != null && (SemVer.parseStrict(nativeVersion) == null
                || SemVer.compareStrict(nativeVersion, release.nativeMin()) < 0)) {
            throw new Refused(false, release.version(), "the release needs native version " + release.nativeMin()
                    + " or later, this app is " + nativeVersion);
        }
        if (release.nativeMax() != null && (SemVer.parseStrict(nativeVersion) == null
                || SemVer.compareStrict(nativeVersion, release.nativeMax()) > 0)) {
            throw new Refused(false, release.version(), "the release needs native version " + release.nativeMax()
                    + " or earlier, this app is " + nativeVersion);
        }
        if (release.sequence() < sequenceFloor) {
            throw new Refused(false, release.version(), "the release's sequence " + release.sequence()
                    + " is below this device's floor " + sequenceFloor + " (rollback refused)");
        }
        String blobUrl = a.path("blobUrl").asText("");
        if (!blobUrl.contains("{sha256}")) {
            throw new Refused(false, release.version(), "the answer's blobUrl has no {sha256}");
        }
        java.util.Map<String, String> blobUrls = new java.util.HashMap<>();
        JsonNode own = a.get("blobUrls");
        if (own != null && !own.isNull()) {
            if (!own.isObject()) {
                throw new Refused(false, release.version(), "the answer's blobUrls is not an object");
            }
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = own.fields(); it.hasNext(); ) {
                java.util.Map.Entry<String, JsonNode> e = it.next();
                String url = e.getValue().asText("");
                if (!e.getKey().matches("[0-9a-f]{64}") || !url.matches("(?i)https?://\\S+")) {
                    throw new Refused(false, release.version(), "the answer's blobUrls has a bad entry for "
                            + e.getKey());
                }
                blobUrls.put(e.getKey(), url);
            }
        }
        PendingRelease pending = new PendingRelease(release, envelope, FreshnessStatement.releaseDigest(envelope),
                blobUrl, java.util.Map.copyOf(blobUrls));
        return new Verified(new LatestVersion(kind, release.version(), release.sequence(), fs.channel(), error,
                message, pending), fs);
    }
}
