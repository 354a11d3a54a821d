package dev.patchbay.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The remote API client: the only way the console and the CLI reach a Patchbay server (the Local sandbox included).
 * Calls block; run them off the FX thread. Thread-safe.
 *
 * <p>This class lists every call; {@link ApiTransport} does the HTTP (headers, errors, capped answers), and the
 * bigger areas live in their own classes: {@link RolloutCalls}, {@link BlobDownloads}, {@link BundlePublish} with
 * {@link UploadSteps}.
 */
public final class PatchbayClient extends ApiCalls {
    public static final String API_PREFIX = "api/v1";
    /** The header naming the person acting through the API key. */
    public static final String ACTOR_HEADER = "X-Patchbay-Actor";

    /** Size of one blob upload request (a piece of a bigger blob); a failure costs at most this much. */
    static final long DEFAULT_PIECE_BYTES = 8L * 1024 * 1024;

    private long pieceBytes = DEFAULT_PIECE_BYTES;
    private final RolloutCalls rollouts;
    private final BlobDownloads blobs;
    private final UploadSteps uploadSteps;

    private PatchbayClient(HttpUrl baseUrl, String apiKey, OkHttpClient http) {
        this(baseUrl, apiKey, http, null);
    }

    private PatchbayClient(HttpUrl baseUrl, String apiKey, OkHttpClient http, String actor) {
        super(new ApiTransport(baseUrl, apiKey, http, actor));
        this.rollouts = new RolloutCalls(transport);
        this.blobs = new BlobDownloads(transport);
        this.uploadSteps = new UploadSteps(transport);
    }

    /** The same client sending blobs in pieces of {@code bytes} (tests; very slow links). */
    PatchbayClient withPieceBytes(long bytes) {
        PatchbayClient c = new PatchbayClient(transport.baseUrl, transport.apiKey, transport.http, transport.actor);
        c.pieceBytes = bytes;
        return c;
    }

    /**
     * @param baseUrl server address such as {@code http://127.0.0.1:7300} or {@code https://updates.example.com}
     * @param apiKey  the API key sent as a bearer token; may be blank for calls that need none
     * @throws ValidationException if the address is not an http(s) URL
     */
    public static PatchbayClient connect(String baseUrl, String apiKey) {
        return new PatchbayClient(parseBaseUrl(baseUrl), apiKey == null ? "" : apiKey.trim(), ApiTransport.SHARED);
    }

    /** The same client with other timeouts (a quick reachability probe, say). */
    public PatchbayClient withTimeouts(Duration connect, Duration call) {
        OkHttpClient tuned = transport.http.newBuilder().connectTimeout(connect).callTimeout(call).build();
        PatchbayClient c = new PatchbayClient(transport.baseUrl, transport.apiKey, tuned, transport.actor);
        c.pieceBytes = pieceBytes;
        return c;
    }

    /**
     * The same client naming the person behind the key: the server records {@code key:<id> (<name>) as <actor>} in
     * the audit log (header {@code X-Patchbay-Actor}, 1..100 printable ASCII characters; null = none).
     */
    public PatchbayClient withActor(String actor) {
        PatchbayClient c = new PatchbayClient(transport.baseUrl, transport.apiKey, transport.http,
                actor == null || actor.isBlank() ? null : actor.strip());
        c.pieceBytes = pieceBytes;
        return c;
    }

    public static HttpUrl parseBaseUrl(String text) {
        if (text == null || text.isBlank()) {
            throw new ValidationException("url", "Server URL is required");
        }
        HttpUrl url = HttpUrl.parse(text.trim());
        if (url == null) {
            throw new ValidationException("url", "Server URL '" + text.trim() + "' is not an http:// or https:// address");
        }
        return url;
    }

    public String baseUrl() {
        return transport.baseUrl();
    }

    // ---- server -------------------------------------------------------------------------------------------------

    public ServerInfo health() {
        return call(get(url("health")), type(ServerInfo.class));
    }

    /** The key this client sends, as the server knows it; {@link UnauthorizedException} if it does not. */
    public KeyInfo whoami() {
        return call(get(url("me")), type(KeyInfo.class));
    }

    /** API key management (admin keys only); see {@link ApiKeyAdmin}. */
    public ApiKeyAdmin apiKeys() {
        return new ApiKeyAdmin(this);
    }

    /** One JSON call to {@code /api/v1/<segments>} for the helpers of this package; {@code items} unwraps a list. */
    <T> T exchange(String method, Object body, Class<T> type, String... segments) {
        HttpUrl u = url(segments);
        return call(method.equals("GET") ? get(u) : send(method, u, body), type(type));
    }

    <T> List<T> exchangeItems(Class<T> type, String... segments) {
        return items(call(get(url(segments)), Items.class), type);
    }

    // ---- apps ---------------------------------------------------------------------------------------------------

    public List<App> listApps() {
        return items(call(get(url("apps")), Items.class), App.class);
    }

    public App getApp(String appId) {
        return call(get(url("apps", appId)), type(App.class));
    }

    public App createApp(String appId, String name) {
        return call(send("POST", url("apps"), Map.of("id", nz(appId), "name", nz(name))), type(App.class));
    }

    public App renameApp(String appId, String name) {
        return call(send("PATCH", url("apps", appId), Map.of("name", nz(name))), type(App.class));
    }

    /** Switches Capgo-compatible delivery of the app on or off (docs/capgo-compat.md). */
    public App setCapgoCompat(String appId, boolean on) {
        return call(send("PATCH", url("apps", appId), Map.of("capgoCompat", on)), type(App.class));
    }

    public void deleteApp(String appId) {
        call(send("DELETE", url("apps", appId), null), (JavaType) null);
    }

    // ---- channels -----------------------------------------------------------------------------------------------

    public List<Channel> listChannels(String appId) {
        return items(call(get(url("apps", appId, "channels")), Items.class), Channel.class);
    }

    public Channel getChannel(String appId, String channel) {
        return call(get(url("apps", appId, "channels", channel)), type(Channel.class));
    }

    public Channel createChannel(String appId, ChannelDraft draft) {
        return call(send("POST", url("apps", appId, "channels"), draft), type(Channel.class));
    }

    /** Changes only the fields set in {@code changes}; its name, if set, must equal {@code channel}. */
    public Channel updateChannel(String appId, String channel, ChannelDraft changes) {
        return call(send("PATCH", url("apps", appId, "channels", channel), changes), type(Channel.class));
    }

    public void deleteChannel(String appId, String channel) {
        call(send("DELETE", url("apps", appId, "channels", channel), null), (JavaType) null);
    }

    /** Points a channel at a published bundle version, or back at the builtin assets ({@code null}). */
    public Channel setChannelBundle(String appId, String channel, String bundleVersion) {
        ObjectNode body = json.createObjectNode();
        if (bundleVersion == null) {
            body.putNull("bundle");
        } else {
            body.put("bundle", bundleVersion);
        }
        return call(send("PATCH", url("apps", appId, "channels", channel), body), type(Channel.class));
    }

    // ---- trust and bundles --------------------------------------------------------------------------------------

    /** Registers (or updates, same root key) the app's {@code trust.json}; answers it as the server stored it. */
    public JsonNode registerTrust(String appId, byte[] trustJson) {
        Request r = authorized(new Request.Builder().url(url("apps", appId, "trust"))
                .put(RequestBody.create(trustJson, ApiTransport.JSON))).build();
        return call(r, type(JsonNode.class));
    }

    /** The app's registered {@code trust.json}; {@link NotFoundException} if none. */
    public JsonNode getTrust(String appId) {
        return call(get(url("apps", appId, "trust")), type(JsonNode.class));
    }

    /** Published bundles, highest sequence first (without envelopes). */
    public List<Bundle> listBundles(String appId) {
        return items(call(get(url("apps", appId, "bundles")), Items.class), Bundle.class);
    }

    /** One bundle with its release envelope. */
    public Bundle getBundle(String appId, String version) {
        return call(get(url("apps", appId, "bundles", version)), type(Bundle.class));
    }

    /** Deletes a bundle nothing uses ({@link ConflictException} with the reason otherwise); answers the blobs freed. */
    public int deleteBundle(String appId, String version) {
        JsonNode answer = call(send("DELETE", url("apps", appId, "bundles", version), null), type(JsonNode.class));
        return answer.path("freedBlobs").asInt();
    }

    /**
     * Uploads and publishes a sealed bundle, blocking; see {@link BundlePublish}. {@code blobsFolder} holds each blob
     * as a file named by its SHA-256; {@code blobs} lists all of them, the manifest blob included.
     */
    public Bundle publishBundle(String appId, String version, byte[] envelope, Path blobsFolder, List<BlobRef> blobs,
                                ProgressListener progress) {
        return newPublish(appId, version, envelope, blobsFolder, blobs, progress).run();
    }

    /** A bundle upload to {@link BundlePublish#run() run} on a worker thread and {@link BundlePublish#cancel() cancel}. */
    public BundlePublish newPublish(String appId, String version, byte[] envelope, Path blobsFolder,
                                    List<BlobRef> blobs, ProgressListener progress) {
        return new BundlePublish(this, appId, version, envelope, blobsFolder, blobs, progress, pieceBytes);
    }

    // ---- blob downloads -----------------------------------------------------------------------------------------

    /**
     * Streams the blob {@code ref} of a published bundle of {@code appId} into {@code out}, reading at most
     * {@code ref.length()} bytes and checking length and SHA-256 as they arrive. A server that sends other bytes, more
     * or fewer is a {@link ServerErrorException} (what was written to {@code out} by then must be discarded by the
     * caller; {@link #downloadBlob(String, BlobRef, Path)} does that). A local write failure is an
     * {@link UncheckedIOException}.
     */
    public void downloadBlob(String appId, BlobRef ref, OutputStream out) {
        blobs.downloadBlob(appId, ref, out);
    }

    /**
     * {@link #downloadBlob(String, BlobRef, OutputStream)} into the file {@code target}, written next to it first and
     * moved into place only once checked: on any failure nothing (no partial file) is left.
     */
    public void downloadBlob(String appId, BlobRef ref, Path target) throws IOException {
        blobs.downloadBlob(appId, ref, target);
    }

    /** The blob {@code ref} in memory (small blobs such as a manifest; the caller bounds {@code ref.length()}). */
    public byte[] fetchBlob(String appId, BlobRef ref) {
        return blobs.fetchBlob(appId, ref);
    }

    // ---- upload steps (used by BundlePublish) -------------------------------------------------------------------

    /** Bytes written so far of one request body. */
    @FunctionalInterface
    interface SentListener {
        void sent(long bytes) throws IOException;
    }

    /** A 409 that says how much of a blob the server holds. */
    static final class WrongOffset extends RuntimeException {
        private final long received;

        WrongOffset(long received) {
            super(null, null, false, false);
            this.received = received;
        }

        long received() {
            return received;
        }
    }

    JsonNode createUpload(String appId, String version, List<BlobRef> blobs, Consumer<Call> track) {
        return uploadSteps.createUpload(appId, version, blobs, track);
    }

    Bundle commitUpload(String appId, String uploadId, byte[] envelope, Consumer<Call> track) {
        return uploadSteps.commitUpload(appId, uploadId, envelope, track);
    }

    void abortUpload(String appId, String uploadId) {
        uploadSteps.abortUpload(appId, uploadId);
    }

    long blobReceived(String appId, String uploadId, String sha256, Consumer<Call> track) {
        return uploadSteps.blobReceived(appId, uploadId, sha256, track);
    }

    /** Sends bytes {@code [from, to)} of a blob; answers what the server then holds. */
    long putBlobPiece(String appId, String uploadId, BlobRef blob, Path file, long from, long to, SentListener sent,
                      Consumer<Call> track) {
        return uploadSteps.putBlobPiece(appId, uploadId, blob, file, from, to, sent, track);
    }

    // ---- freshness and devices ----------------------------------------------------------------------------------

    /** The server's freshness key (what {@code patchbay key trust-server} certifies). */
    public FreshnessKeyInfo freshnessKey() {
        return call(get(url("server", "freshness-key")), type(FreshnessKeyInfo.class));
    }

    /** Stores the app root's certificate of the server's freshness key; answers it as stored. */
    public dev.patchbay.crypto.FreshnessCert putFreshnessCert(String appId, dev.patchbay.crypto.FreshnessCert cert) {
        Request r = authorized(new Request.Builder().url(url("apps", appId, "freshness-cert"))
                .put(RequestBody.create(cert.toBytes(), ApiTransport.JSON))).build();
        return readFreshnessCert(call(r, type(JsonNode.class)));
    }

    /** The app's certificate of the server's freshness key; {@link NotFoundException} if the server is not trusted. */
    public dev.patchbay.crypto.FreshnessCert freshnessCert(String appId) {
        return readFreshnessCert(call(get(url("apps", appId, "freshness-cert")), type(JsonNode.class)));
    }

    private static dev.patchbay.crypto.FreshnessCert readFreshnessCert(JsonNode node) {
        try {
            return dev.patchbay.crypto.FreshnessCert.fromJson(node, "freshnessCert");
        } catch (dev.patchbay.crypto.CryptoException e) {
            throw new ServerErrorException(200, "bad_response", "Server sent a freshness certificate this client"
                    + " cannot read: " + e.getMessage());
        }
    }

    /** A page of the app's devices by id; {@code after} is the previous page's {@link Device.Page#next()} or null. */
    public Device.Page devices(String appId, int limit, String after) {
        HttpUrl.Builder u = url("apps", appId, "devices").newBuilder().addQueryParameter("limit", String.valueOf(limit));
        if (after != null) {
            u.addQueryParameter("after", after);
        }
        return call(get(u.build()), type(Device.Page.class));
    }

    /** One device with the bundles it holds. */
    public Device device(String appId, String deviceId) {
        return call(get(url("apps", appId, "devices", deviceId)), type(Device.class));
    }

    /** A page of the device's timeline, newest first; {@code before} is the previous page's next or null. */
    public DeviceEvent.Page deviceEvents(String appId, String deviceId, int limit, String before) {
        HttpUrl.Builder u = url("apps", appId, "devices", deviceId, "events").newBuilder()
                .addQueryParameter("limit", String.valueOf(limit));
        if (before != null) {
            u.addQueryParameter("before", before);
        }
        return call(get(u.build()), type(DeviceEvent.Page.class));
    }

    /** Pins the device to a channel (audit logged); answers the device. */
    public Device setChannelOverride(String appId, String deviceId, String channel) {
        ObjectNode body = json.createObjectNode();
        body.put("channel", channel);
        return call(send("PUT", url("apps", appId, "devices", deviceId, "channel-override"), body), type(Device.class));
    }

    /** Removes the device's channel override. */
    public void clearChannelOverride(String appId, String deviceId) {
        call(send("DELETE", url("apps", appId, "devices", deviceId, "channel-override"), null), (JavaType) null);
    }

    // ---- rollout health (part "health"; docs/rollouts.md §5) -------------------------------------------------------

    /**
     * A rollout's charts from {@code from} to {@code to} (null: the rollout's start / its end or now) in steps of
     * {@code stepSeconds} (≥ 10; at most 10,000 steps).
     */
    public RolloutSeries rolloutSeries(String appId, String rolloutId, java.time.Instant from, java.time.Instant to,
                                       int stepSeconds) {
        return rollouts.rolloutSeries(appId, rolloutId, from, to, stepSeconds);
    }

    /** The devices whose target bundle failed in the range (each once, its latest failure, newest first). */
    public List<FailedDevice> rolloutFailedDevices(String appId, String rolloutId, java.time.Instant from,
                                                   java.time.Instant to, int limit) {
        return rollouts.rolloutFailedDevices(appId, rolloutId, from, to, limit);
    }

    // ---- rollouts (core) ----------------------------------------------------------------------------------------

    /** The channel's active rollout, else its last ended one; {@link NotFoundException} if it never had one. */
    public Rollout rollout(String appId, String channel) {
        return call(get(url("apps", appId, "channels", channel, "rollout")), type(Rollout.class));
    }

    /** Starts a rollout of {@code start.targetBundle()} on the channel. */
    public Rollout startRollout(String appId, String channel, RolloutStart start) {
        return rollouts.startRollout(appId, channel, start);
    }

    /** Sets the percentage in basis points (0..10000). */
    public Rollout setRolloutPercentage(String appId, String channel, int bps, String reason) {
        return setRolloutPercentage(appId, channel, bps, reason, null);
    }

    /**
     * Sets the percentage, only if the rollout is still at {@code expectedRevision} (null: whatever it is); else the
     * server answers 409 naming {@code revision} and nothing changes. The same holds for every verb below that takes
     * an expected revision: a person acts on what they saw, not on what changed since.
     */
    public Rollout setRolloutPercentage(String appId, String channel, int bps, String reason, Long expectedRevision) {
        return rollouts.setRolloutPercentage(appId, channel, bps, reason, expectedRevision);
    }

    public Rollout pauseRollout(String appId, String channel, String reason) {
        return pauseRollout(appId, channel, reason, null);
    }

    public Rollout pauseRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rollouts.rolloutVerb(appId, channel, "pause", reason, expectedRevision);
    }

    public Rollout resumeRollout(String appId, String channel, String reason) {
        return resumeRollout(appId, channel, reason, null);
    }

    public Rollout resumeRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rollouts.rolloutVerb(appId, channel, "resume", reason, expectedRevision);
    }

    /** Moves to the next stage of the rollout's plan. */
    public Rollout advanceRollout(String appId, String channel, String reason) {
        return advanceRollout(appId, channel, reason, null);
    }

    public Rollout advanceRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rollouts.rolloutVerb(appId, channel, "advance", reason, expectedRevision);
    }

    /** The target becomes the channel's bundle. */
    public Rollout promoteRollout(String appId, String channel, String reason) {
        return promoteRollout(appId, channel, reason, null);
    }

    public Rollout promoteRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rollouts.rolloutVerb(appId, channel, "promote", reason, expectedRevision);
    }

    /**
     * Rolls back: the channel serves the rollback release (armed at start, or {@code rollbackReleaseOrNull}, a signed
     * envelope), or the builtin assets when the rollout's stable is the builtin.
     */
    public Rollout rollbackRollout(String appId, String channel, String reason, byte[] rollbackReleaseOrNull) {
        return rollbackRollout(appId, channel, reason, rollbackReleaseOrNull, null);
    }

    public Rollout rollbackRollout(String appId, String channel, String reason, byte[] rollbackReleaseOrNull,
                                   Long expectedRevision) {
        return rollouts.rollbackRollout(appId, channel, reason, rollbackReleaseOrNull, expectedRevision);
    }

    /** Replaces the plan and the health policy of the active rollout (null removes one). */
    public Rollout updateRolloutPlan(String appId, String channel, RolloutPlan plan, HealthPolicy health,
                                     String reason) {
        return updateRolloutPlan(appId, channel, plan, health, reason, null);
    }

    public Rollout updateRolloutPlan(String appId, String channel, RolloutPlan plan, HealthPolicy health,
                                     String reason, Long expectedRevision) {
        return rollouts.updateRolloutPlan(appId, channel, plan, health, reason, expectedRevision);
    }

    /** The app's rollouts, newest first; {@code state} active, ended or all (null = all). */
    public List<Rollout> rollouts(String appId, String state) {
        return rollouts.rollouts(appId, state);
    }

    /** Every change of a rollout, oldest first. */
    public List<RolloutChange> rolloutHistory(String appId, String rolloutId) {
        return items(call(get(url("apps", appId, "rollouts", rolloutId, "history")), Items.class),
                RolloutChange.class);
    }

    // ---- activity: audit log and overview ----------------------------------------------------------------------

    /** A page of the server's audit log, newest first, filtered by {@code q}. */
    public AuditPage audit(AuditQuery q) {
        HttpUrl.Builder u = url("audit").newBuilder();
        query(u, "app", q.appId());
        query(u, "actor", q.actor());
        query(u, "action", q.action());
        query(u, "target", q.target());
        query(u, "from", q.from() == null ? null : q.from().toString());
        query(u, "to", q.to() == null ? null : q.to().toString());
        query(u, "limit", q.limit() > 0 ? String.valueOf(q.limit()) : null);
        query(u, "before", q.before());
        return call(get(u.build()), type(AuditPage.class));
    }

    /** The app's rollouts in flight and its device numbers of the last 24 h. */
    public AppOverview overview(String appId) {
        return call(get(url("apps", appId, "overview")), type(AppOverview.class));
    }

    private static void query(HttpUrl.Builder u, String name, String value) {
        if (value != null) {
            u.addQueryParameter(name, value);
        }
    }

    // ---- devices (issue 5): change feed for the console's device cache -------------------------------------------

    /**
     * Devices whose row changed after {@code since} (null: from the beginning), oldest change first, at most
     * {@code limit} (1–10000); repeat with the answer's cursor while {@code more}.
     */
    public DeviceChanges deviceChanges(String appId, String since, int limit) {
        HttpUrl.Builder u = url("apps", appId, "devices", "changes").newBuilder()
                .addQueryParameter("limit", String.valueOf(limit));
        if (since != null) {
            u.addQueryParameter("since", since);
        }
        return call(get(u.build()), type(DeviceChanges.class));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
