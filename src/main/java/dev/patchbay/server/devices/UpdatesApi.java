package dev.patchbay.server.devices;

import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.crypto.FreshnessStatement.Outcome;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.SemVer;
import dev.patchbay.domain.UpdateGate;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.freshness.FreshnessKey;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** {@code POST /updates}: the update check of device-protocol §3. */
public final class UpdatesApi {
    /** Largest update check body. */
    public static final int MAX_BODY = 16 * 1024;
    static final Duration VALIDITY = Duration.ofMinutes(10);
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");

    private final DeviceCatalog catalog;
    private final DeviceRecorder recorder;
    private final FreshnessKey key;
    /** Most envelopes and certificates kept encoded (a few per app in use). */
    static final int MAX_RAW = 256;
    private final java.util.Map<String, RawValue> rawJson = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock;
    private final String publicUrl;
    private final Supplier<String> serverUrl;
    private dev.patchbay.server.blobs.DirectLinks directLinks;

    /**
     * @param publicUrl the server's public URL for {@code blobUrl}, or {@code null} to use the request's {@code Host}
     * @param serverUrl the URL the server listens on, when a request has no usable {@code Host}
     */
    public UpdatesApi(DeviceCatalog catalog, DeviceRecorder recorder, FreshnessKey key, Clock clock,
                      String publicUrl, Supplier<String> serverUrl) {
        this.catalog = catalog;
        this.recorder = recorder;
        this.key = key;
        this.clock = clock;
        this.publicUrl = publicUrl;
        this.serverUrl = serverUrl;
    }

    /**
     * Sends devices to the bucket or a CDN for blob bytes (ADR 0113): {@code blobUrl} becomes the links' template, or
     * each blob gets its own (presigned) URL in {@code blobUrls}; {@code null}: the server's {@code /blobs/{sha256}}.
     */
    public UpdatesApi withDirectLinks(dev.patchbay.server.blobs.DirectLinks links) {
        this.directLinks = links;
        return this;
    }

    public void register(Router router) {
        router.open("POST", "/updates", MAX_BODY, this::check);
    }

    /** A validated update check request. */
    record Check(String appId, String deviceId, String platform, String osVersion, String nativeVersion,
                 SemVer nativeSemVer, Long nativeBuild, String runtimeVersion, String currentBundle,
                 Long currentSequence, String channel, String customId, boolean isEmulator, boolean isProduction,
                 String rootKeyId, String contentKeyId, String nonce) {
    }

    static Check parse(byte[] raw) {
        return parse(DeviceFields.object(raw));
    }

    static Check parse(JsonNode b) {
        String appId = DeviceFields.appId(b);
        String deviceId = DeviceFields.deviceId(b);
        String platform = DeviceFields.platform(b, true);
        String osVersion = DeviceFields.text(b, "osVersion", "osVersion", false, 64, DeviceFields.PRINTABLE);
        String nativeVersion = DeviceFields.text(b, "nativeVersion", "nativeVersion", true, 64, null);
        SemVer nativeSemVer = SemVer.parse(nativeVersion);
        if (nativeSemVer == null) {
            throw DeviceFields.invalid("nativeVersion",
                    "Field 'nativeVersion' must be a version such as 1.4.0 (or 1.4), not \"" + nativeVersion + "\"");
        }
        Long nativeBuild = DeviceFields.integer(b, "nativeBuild", false);
        String runtimeVersion = DeviceFields.text(b, "runtimeVersion", "runtimeVersion", false, 64,
                DeviceFields.PRINTABLE);
        String current = DeviceFields.text(b, "currentBundle", "currentBundle", true, 128, DeviceFields.VERSION);
        Long currentSequence = DeviceFields.integer(b, "currentSequence", false);
        String channel = DeviceFields.text(b, "channel", "channel", false, 64, DeviceFields.CHANNEL);
        String customId = DeviceFields.text(b, "customId", "customId", false, 128, DeviceFields.PRINTABLE);
        boolean emulator = DeviceFields.bool(b, "isEmulator", false);
        boolean production = DeviceFields.bool(b, "isProduction", true);
        String root = null;
        String content = null;
        JsonNode keyIds = b.get("keyIds");
        if (keyIds != null && !keyIds.isNull()) {
            if (!keyIds.isObject()) {
                throw DeviceFields.invalid("keyIds", "Field 'keyIds' must be an object {\"root\", \"content\"}");
            }
            root = DeviceFields.text(keyIds, "root", "keyIds.root", false, 16, DeviceFields.KEY_ID);
            content = DeviceFields.text(keyIds, "content", "keyIds.content", false, 16, DeviceFields.KEY_ID);
        }
        String nonce = DeviceFields.text(b, "nonce", "nonce", true, 22, null);
        if (!DeviceFields.NONCE.matcher(nonce).matches()) {
            throw DeviceFields.invalid("nonce", "Field 'nonce' must be 16 random bytes in base64url without padding");
        }
        return new Check(appId, deviceId, platform, osVersion, nativeVersion, nativeSemVer, nativeBuild,
                runtimeVersion, current, currentSequence, channel, customId, emulator, production, root, content,
                nonce);
    }

    /** The channel a device gets, where it comes from, and why a channel it asked for was not used. */
    record Resolution(Channel channel, String source, String reason) {
    }

    static Resolution resolve(DeviceCatalog.AppView app, String deviceId, Platform platform, String asked) {
        String reason = null;
        String override = app.overrides().get(deviceId);
        if (override != null) {
            Channel ch = app.channel(override);
            if (ch != null) {
                return new Resolution(ch, "override", null);
            }
            reason = "override channel '" + override + "' no longer exists";
        }
        if (asked != null) {
            Channel ch = app.channel(asked);
            String why;
            if (ch == null) {
                why = "asked for channel '" + asked + "', which does not exist";
            } else if (!ch.platforms().contains(platform)) {
                why = "asked for channel '" + asked + "', which does not serve " + platform.wireName();
            } else if (!ch.allowDeviceSelfAssign()) {
                why = "asked for channel '" + asked + "', which does not allow self-assignment";
            } else {
                return new Resolution(ch, "self", reason);
            }
            reason = reason == null ? why : reason + "; " + why;
        }
        Channel dflt = app.defaultFor(platform);
        return new Resolution(dflt, dflt == null ? null : "default", reason);
    }

    /** The outcome before signing: kind, error code, message, release, and the rollout's pick (or null). */
    record Decision(Outcome outcome, String error, String message, DeviceCatalog.Release release, RolloutPick rollout) {
        Decision(Outcome outcome, String error, String message, DeviceCatalog.Release release) {
            this(outcome, error, message, release, null);
        }

        static Decision of(Outcome o, String error, String message) {
            return new Decision(o, error, message, null, null);
        }

        Decision with(RolloutPick pick) {
            return pick == null ? this : new Decision(outcome, error, message, release, pick);
        }
    }

    static Decision decide(DeviceCatalog.AppView app, Check req, Channel ch) {
        Rollout rollout = app.rollouts().get(ch.name());
        if (rollout == null) {
            return decide(app, req, ch, ch.bundle());
        }
        RolloutPick pick = RolloutPick.of(app, rollout, req.deviceId(), req.currentBundle(), req.currentSequence());
        if (pick.why() == RolloutPick.Why.KEPT) {
            // Rules before the bundle (platform, emulator / physical device, dev / production build) still block first.
            Decision early = blocked(req, ch);
            return (early != null ? early : Decision.of(Outcome.UP_TO_DATE, "rollout_kept", pick.keptMessage()))
                    .with(pick);
        }
        return decide(app, req, ch, pick.bundle()).with(pick);
    }

    private static Decision blocked(Check req, Channel ch) {
        Platform platform = Platform.parse(req.platform());
        if (!ch.platforms().contains(platform)) {
            return Decision.of(Outcome.BLOCKED, "platform_disabled",
                    "Channel '" + ch.name() + "' does not serve " + req.platform());
        }
        if (req.isEmulator() && !ch.allowEmulators()) {
            return Decision.of(Outcome.BLOCKED, "emulator_disabled",
                    "Channel '" + ch.name() + "' does not update emulators");
        }
        if (!req.isProduction() && !ch.allowDevBuilds()) {
            return Decision.of(Outcome.BLOCKED, "dev_build_disabled",
                    "Channel '" + ch.name() + "' does not update development builds");
        }
        if (!req.isEmulator() && !ch.allowPhysicalDevices()) {
            return Decision.of(Outcome.BLOCKED, "physical_device_disabled",
                    "Channel '" + ch.name() + "' does not update physical devices (emulators only)");
        }
        if (req.isProduction() && !ch.allowProductionBuilds()) {
            return Decision.of(Outcome.BLOCKED, "production_build_disabled",
                    "Channel '" + ch.name() + "' does not update production builds (development builds only)");
        }
        return null;
    }

    /** The rule chain for {@code bundle} (null = the builtin assets), chosen by the channel or its rollout. */
    private static Decision decide(DeviceCatalog.AppView app, Check req, Channel ch, String bundle) {
        Decision early = blocked(req, ch);
        if (early != null) {
            return early;
        }
        if (bundle == null) {
            if (req.currentBundle().equals("builtin")) {
                return Decision.of(Outcome.UP_TO_DATE, "already_on_builtin",
                        "Channel '" + ch.name() + "' serves the builtin assets, which the device runs");
            }
            return Decision.of(Outcome.BUILTIN, null, "Channel '" + ch.name() + "' serves the builtin assets");
        }
        DeviceCatalog.Release rel = app.releases().get(bundle);
        if (rel == null) {
            // The channel points at a bundle that is gone (a race with a delete): nothing to offer.
            return Decision.of(Outcome.FAILED, "no_bundle", "Channel '" + ch.name() + "' has no bundle to serve");
        }
        if (req.rootKeyId() != null && app.rootKeyId() != null && !req.rootKeyId().equals(app.rootKeyId())) {
            return new Decision(Outcome.BLOCKED, "key_mismatch", "The device trusts root key " + req.rootKeyId()
                    + "; the app's root key is " + app.rootKeyId(), null);
        }
        if (req.contentKeyId() != null && rel.contentKeyId() != null && !req.contentKeyId().equals(rel.contentKeyId())) {
            return new Decision(Outcome.BLOCKED, "key_mismatch", "The device holds content key " + req.contentKeyId()
                    + "; bundle " + rel.version() + " is encrypted for content key " + rel.contentKeyId(), null);
        }
        SemVer nativeV = req.nativeSemVer();
        SemVer min = SemVer.parse(rel.nativeMin());
        if (min != null && min.compareTo(nativeV) > 0) {
            return Decision.of(Outcome.BLOCKED, "native_too_old", "Bundle " + rel.version() + " needs native version "
                    + rel.nativeMin() + " or later; the device has " + req.nativeVersion());
        }
        SemVer max = SemVer.parse(rel.nativeMax());
        if (max != null && max.compareTo(nativeV) < 0) {
            return Decision.of(Outcome.BLOCKED, "native_too_new", "Bundle " + rel.version() + " supports native versions"
                    + " up to " + rel.nativeMax() + "; the device has " + req.nativeVersion());
        }
        if (ch.updateGate() != UpdateGate.NONE) {
            SemVer bundleV = SemVer.parse(rel.version());
            if (bundleV != null && crosses(ch.updateGate(), bundleV, nativeV)) {
                return Decision.of(Outcome.BLOCKED, "native_boundary", "Channel '" + ch.name() + "' has update gate "
                        + ch.updateGate().wireName() + ": bundle " + rel.version() + " crosses the "
                        + ch.updateGate().wireName() + " version of native " + req.nativeVersion());
            }
        }
        if (req.currentBundle().equals(rel.version())) {
            return Decision.of(Outcome.UP_TO_DATE, "no_new_version",
                    "The device runs " + rel.version() + ", what channel '" + ch.name() + "' serves");
        }
        String currentManifest = app.manifests().get(req.currentBundle());
        if (currentManifest != null && currentManifest.equals(rel.manifestSha256())) {
            return Decision.of(Outcome.UP_TO_DATE, "same_content", "The device runs " + req.currentBundle()
                    + ", which has the same content as " + rel.version() + " that channel '" + ch.name()
                    + "' serves");
        }
        if (req.currentSequence() != null && rel.sequence() < req.currentSequence()) {
            return Decision.of(Outcome.BLOCKED, "sequence_rollback", "Bundle " + rel.version() + " has sequence "
                    + rel.sequence() + ", below the device's current sequence " + req.currentSequence());
        }
        return new Decision(Outcome.UPDATE, null, null, rel);
    }

    static boolean crosses(UpdateGate gate, SemVer bundle, SemVer nativeV) {
        boolean major = !bundle.major().equals(nativeV.major());
        boolean minor = !bundle.minor().equals(nativeV.minor());
        boolean patch = !bundle.patch().equals(nativeV.patch());
        return switch (gate) {
            case NONE -> false;
            case MAJOR -> major;
            case MINOR -> major || minor;
            case PATCH -> major || minor || patch;
        };
    }

    private ApiResponse check(ApiRequest r) {
        JsonNode body = DeviceFields.object(r.rawBody());
        Check req = parse(body);
        // Devices that verify batch proofs say so (ADR 0114); the others get a statement signed on its own.
        boolean batch = DeviceFields.bool(body, "freshnessBatch", false);
        Instant now = clock.instant();
        DeviceCatalog.AppView app = catalog.get(req.appId());
        Map<String, Object> answer = new LinkedHashMap<>();
        if (app == null) {
            answer.put("kind", "failed");
            answer.put("error", "unknown_app");
            answer.put("message", "No app '" + req.appId() + "' on this server");
            answer.put("channel", null);
            answer.put("channelSource", null);
            answer.put("freshness", null);
            answer.put("freshnessCert", null);
            return ApiResponse.ok(answer);
        }
        Resolution res = resolve(app, req.deviceId(), Platform.parse(req.platform()), req.channel());
        Decision d;
        if (app.freshnessCertJson() == null) {
            d = Decision.of(Outcome.FAILED, "server_not_trusted", "App '" + req.appId() + "' has not certified this"
                    + " server's freshness key (patchbay key trust-server)");
        } else if (res.channel() == null) {
            d = Decision.of(Outcome.FAILED, "no_channel", "App '" + req.appId() + "' has no channel for "
                    + req.platform() + (res.reason() == null ? "" : " (" + res.reason() + ")"));
        } else {
            d = decide(app, req, res.channel());
        }
        String channelName = res.channel() == null ? null : res.channel().name();
        answer.put("kind", d.outcome().wire());
        if (d.error() != null) {
            answer.put("error", d.error());
        }
        if (d.message() != null) {
            answer.put("message", d.message());
        }
        answer.put("channel", channelName);
        answer.put("channelSource", res.source());
        if (d.release() != null) {
            answer.put("release", raw(d.release().envelopeJson()));
            putBlobUrls(answer, r, d.release());
        }
        recorder.record(new CheckRecord(req.appId(), req.deviceId(), req.customId(), req.platform(), req.osVersion(),
                req.nativeVersion(), req.nativeBuild(), req.runtimeVersion(), req.isEmulator(), req.isProduction(),
                req.rootKeyId(), req.contentKeyId(), req.channel(), channelName, res.source(), res.reason(),
                req.currentBundle(), req.currentSequence(), d.outcome().wire(), d.error(), d.message(),
                d.release() == null ? null : d.release().version(), now, d.rollout(), r.header(ApiRequest.CLIENT_ADDRESS)));
        if (app.freshnessCertJson() == null) {
            answer.put("freshness", null);
            answer.put("freshnessCert", null);
            return ApiResponse.ok(answer);
        }
        FreshnessStatement.ReleaseRef ref = d.release() == null ? null : new FreshnessStatement.ReleaseRef(
                d.release().version(), d.release().sequence(), d.release().digest());
        ObjectNode st = FreshnessStatement.statement(req.appId(), req.deviceId(), req.nonce(), channelName,
                d.outcome(), ref, now, VALIDITY);
        RawValue cert = raw(app.freshnessCertJson());
        if (!batch) {
            answer.put("freshness", FreshnessStatement.signed(st, key.signer()));
            answer.put("freshnessCert", cert);
            return ApiResponse.ok(answer);
        }
        // The request thread goes on at once; the batch's leader completes the answer (ADR 0119).
        CompletableFuture<ApiResponse> later = new CompletableFuture<>();
        key.batcher().signLater(st, (freshness, failure) -> {
            if (failure != null) {
                later.completeExceptionally(failure);
                return;
            }
            answer.put("freshness", freshness);
            answer.put("freshnessCert", cert);
            later.complete(ApiResponse.ok(answer));
        });
        return ApiResponse.later(later);
    }

    /**
     * {@code json} to copy into answers as is, its UTF-8 bytes encoded once ({@link SerializedString} keeps them): a
     * release envelope (~5 KB) or a freshness certificate is the same in every answer that carries it. Keyed by the
     * catalog's string, so a catalog reload (a new string) starts over; cleared past {@link #MAX_RAW} entries.
     */
    private RawValue raw(String json) {
        RawValue v = rawJson.get(json);
        if (v == null) {
            if (rawJson.size() >= MAX_RAW) {
                rawJson.clear();
            }
            v = new RawValue(new SerializedString(json));
            rawJson.put(json, v);
        }
        return v;
    }

    private void putBlobUrls(Map<String, Object> answer, ApiRequest r, DeviceCatalog.Release release) {
        String template = directLinks == null ? null : directLinks.template();
        answer.put("blobUrl", template != null ? template : base(r) + "/blobs/{sha256}");
        if (directLinks != null && template == null) {
            // Runtimes that predate blobUrls still download through the server's route.
            answer.put("blobUrls", new RawValue(directLinks.urls(release.digest(),
                    () -> blobDigests(release.envelopeJson()))));
        }
    }

    /** Every blob digest a release envelope names ({@code sha256} fields of its release: manifest, blobs, ...). */
    static java.util.Set<String> blobDigests(String envelopeJson) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        try {
            collect(dev.patchbay.domain.Json.mapper().readTree(envelopeJson).path("release"), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static void collect(JsonNode n, java.util.Set<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> {
                if (f.getKey().equals("sha256") && f.getValue().isTextual()
                        && dev.patchbay.server.blobs.BlobStore.SHA256.matcher(f.getValue().asText()).matches()) {
                    out.add(f.getValue().asText());
                } else {
                    collect(f.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, out));
        }
    }

    private String base(ApiRequest r) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = r.header("Host");
        if (host != null && HOST.matcher(host).matches()) {
            return "http://" + host;
        }
        return serverUrl.get();
    }
}
