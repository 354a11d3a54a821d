package dev.patchbay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The remote API client: the only way the console and the CLI reach a Patchbay server (the Local sandbox included).
 * Calls block; run them off the FX thread. Thread-safe.
 */
public final class PatchbayClient {
    public static final String API_PREFIX = "api/v1";
    /** The header naming the person acting through the API key. */
    public static final String ACTOR_HEADER = "X-Patchbay-Actor";
    /** Largest API response body read; a server that sends more is lying or broken. */
    static final long MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final OkHttpClient SHARED = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(30))
            .writeTimeout(Duration.ofSeconds(30))
            .callTimeout(Duration.ofSeconds(60))
            .retryOnConnectionFailure(true)
            .build();

    /** Size of one blob upload request (a piece of a bigger blob); a failure costs at most this much. */
    static final long DEFAULT_PIECE_BYTES = 8L * 1024 * 1024;

    private final HttpUrl baseUrl;
    private final String apiKey;
    private final OkHttpClient http;
    /** For blob uploads: no overall call deadline (a piece on a slow link), but reads and writes must progress. */
    private final OkHttpClient uploads;
    private final ObjectMapper json = Json.mapper();
    private long pieceBytes = DEFAULT_PIECE_BYTES;
    /** The person acting through the key (header {@code X-Patchbay-Actor}), or null. */
    private final String actor;

    private PatchbayClient(HttpUrl baseUrl, String apiKey, OkHttpClient http) {
        this(baseUrl, apiKey, http, null);
    }

    private PatchbayClient(HttpUrl baseUrl, String apiKey, OkHttpClient http, String actor) {
        this.actor = actor;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
        this.uploads = http.newBuilder().callTimeout(Duration.ZERO).retryOnConnectionFailure(false).readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60)).build();
    }

    /** The same client sending blobs in pieces of {@code bytes} (tests; very slow links). */
    PatchbayClient withPieceBytes(long bytes) {
        PatchbayClient c = new PatchbayClient(baseUrl, apiKey, http, actor);
        c.pieceBytes = bytes;
        return c;
    }

    /**
     * @param baseUrl server address such as {@code http://127.0.0.1:7300} or {@code https://updates.example.com}
     * @param apiKey  the API key sent as a bearer token; may be blank for calls that need none
     * @throws ValidationException if the address is not an http(s) URL
     */
    public static PatchbayClient connect(String baseUrl, String apiKey) {
        return new PatchbayClient(parseBaseUrl(baseUrl), apiKey == null ? "" : apiKey.trim(), SHARED);
    }

    /** The same client with other timeouts (a quick reachability probe, say). */
    public PatchbayClient withTimeouts(Duration connect, Duration call) {
        OkHttpClient tuned = http.newBuilder().connectTimeout(connect).callTimeout(call).build();
        PatchbayClient c = new PatchbayClient(baseUrl, apiKey, tuned, actor);
        c.pieceBytes = pieceBytes;
        return c;
    }

    /**
     * The same client naming the person behind the key: the server records {@code key:<id> (<name>) as <actor>} in
     * the audit log (header {@code X-Patchbay-Actor}, 1..100 printable ASCII characters; null = none).
     */
    public PatchbayClient withActor(String actor) {
        PatchbayClient c = new PatchbayClient(baseUrl, apiKey, http, actor == null || actor.isBlank() ? null : actor.strip());
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
        String s = baseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
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
                .put(RequestBody.create(trustJson, JSON))).build();
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
        Request.Builder b = new Request.Builder().url(url("apps", appId, "blobs", ref.sha256())).get()
                .header("Accept", "application/octet-stream");
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        // The transfer client: no overall deadline for a big blob on a slow link, but reads must progress.
        Call call = uploads.newCall(b.build());
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw errorFrom(response.code(), readCapped(body));
            }
            if (body == null) {
                throw badBlob(ref, "an empty answer");
            }
            long declared = body.contentLength();
            if (declared != -1 && declared != ref.length()) {
                throw badBlob(ref, declared + " bytes (Content-Length)");
            }
            MessageDigest digest = sha256();
            InputStream in = body.byteStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            // Ask for one byte more than expected at the end, to notice a server that sends too much.
            while ((n = in.read(buf, 0, (int) Math.min(buf.length, ref.length() - total + 1))) != -1) {
                total += n;
                if (total > ref.length()) {
                    throw badBlob(ref, "more than " + ref.length() + " bytes");
                }
                digest.update(buf, 0, n);
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (total != ref.length()) {
                throw badBlob(ref, total + " bytes");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(ref.sha256())) {
                throw badBlob(ref, "bytes with SHA-256 " + actual);
            }
        } catch (ApiException | UncheckedIOException e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * {@link #downloadBlob(String, BlobRef, OutputStream)} into the file {@code target}, written next to it first and
     * moved into place only once checked: on any failure nothing (no partial file) is left.
     */
    public void downloadBlob(String appId, BlobRef ref, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".download-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                downloadBlob(appId, ref, out);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The blob {@code ref} in memory (small blobs such as a manifest; the caller bounds {@code ref.length()}). */
    public byte[] fetchBlob(String appId, BlobRef ref) {
        if (ref.length() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("blob too large to hold in memory: " + ref.length());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) ref.length());
        downloadBlob(appId, ref, out);
        return out.toByteArray();
    }

    private ServerErrorException badBlob(BlobRef ref, String got) {
        return new ServerErrorException(200, "bad_blob", "The server at " + baseUrl() + " sent " + got + " for blob "
                + ref.sha256() + " (" + ref.length() + " bytes expected); nothing was kept");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        ObjectNode body = json.createObjectNode();
        body.put("version", version);
        var list = body.putArray("blobs");
        for (BlobRef b : blobs) {
            list.addObject().put("sha256", b.sha256()).put("length", b.length());
        }
        return call(send("POST", url("apps", appId, "uploads"), body), type(JsonNode.class), http, track);
    }

    Bundle commitUpload(String appId, String uploadId, byte[] envelope, Consumer<Call> track) {
        Request r = authorized(new Request.Builder().url(url("apps", appId, "uploads", uploadId, "commit"))
                .post(RequestBody.create(envelope, JSON))).build();
        return call(r, type(Bundle.class), http, track);
    }

    void abortUpload(String appId, String uploadId) {
        call(send("DELETE", url("apps", appId, "uploads", uploadId), null), (JavaType) null);
    }

    long blobReceived(String appId, String uploadId, String sha256, Consumer<Call> track) {
        JsonNode n = call(get(url("apps", appId, "uploads", uploadId, "blobs", sha256)), type(JsonNode.class), http,
                track);
        return received(n);
    }

    /** Sends bytes {@code [from, to)} of a blob; answers what the server then holds. */
    long putBlobPiece(String appId, String uploadId, BlobRef blob, Path file, long from, long to, SentListener sent,
                      Consumer<Call> track) {
        Request.Builder b = authorized(new Request.Builder().url(url("apps", appId, "uploads", uploadId, "blobs",
                blob.sha256())).put(BundlePublish.fileRange(file, from, to, sent)));
        if (!(from == 0 && to == blob.length())) {
            b.header("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + blob.length());
        }
        Request request = b.build();
        Call call = uploads.newCall(request);
        track.accept(call);
        try (Response response = call.execute()) {
            byte[] body = readCapped(response.body());
            if (response.code() == 409) {
                try {
                    JsonNode n = json.readTree(body);
                    if (n != null && n.has("received")) {
                        throw new WrongOffset(n.get("received").asLong());
                    }
                } catch (IOException notJson) {
                    // fall through to the typed error
                }
            }
            if (!response.isSuccessful()) {
                throw errorFrom(response.code(), body);
            }
            try {
                return received(json.readTree(body));
            } catch (IOException e) {
                throw new ServerErrorException(response.code(), "bad_response", "Server sent an unreadable answer to a blob upload");
            }
        } catch (ApiException | WrongOffset e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private static long received(JsonNode n) {
        if (n == null || !n.path("received").canConvertToLong()) {
            throw new ServerErrorException(200, "bad_response", "Server answer lacks 'received'");
        }
        return n.path("received").asLong();
    }

    // ---- freshness and devices ----------------------------------------------------------------------------------

    /** The server's freshness key (what {@code patchbay key trust-server} certifies). */
    public FreshnessKeyInfo freshnessKey() {
        return call(get(url("server", "freshness-key")), type(FreshnessKeyInfo.class));
    }

    /** Stores the app root's certificate of the server's freshness key; answers it as stored. */
    public dev.patchbay.crypto.FreshnessCert putFreshnessCert(String appId, dev.patchbay.crypto.FreshnessCert cert) {
        Request r = authorized(new Request.Builder().url(url("apps", appId, "freshness-cert"))
                .put(RequestBody.create(cert.toBytes(), JSON))).build();
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
        HttpUrl.Builder u = url("apps", appId, "rollouts", rolloutId, "series").newBuilder()
                .addQueryParameter("step", String.valueOf(stepSeconds));
        range(u, from, to);
        return call(get(u.build()), type(RolloutSeries.class));
    }

    /** The devices whose target bundle failed in the range (each once, its latest failure, newest first). */
    public List<FailedDevice> rolloutFailedDevices(String appId, String rolloutId, java.time.Instant from,
                                                   java.time.Instant to, int limit) {
        HttpUrl.Builder u = url("apps", appId, "rollouts", rolloutId, "failed-devices").newBuilder()
                .addQueryParameter("limit", String.valueOf(limit));
        range(u, from, to);
        return items(call(get(u.build()), type(Items.class)), FailedDevice.class);
    }

    private static void range(HttpUrl.Builder u, java.time.Instant from, java.time.Instant to) {
        if (from != null) {
            u.addQueryParameter("from", from.toString());
        }
        if (to != null) {
            u.addQueryParameter("to", to.toString());
        }
    }

    // ---- rollouts (core) ----------------------------------------------------------------------------------------

    /** The channel's active rollout, else its last ended one; {@link NotFoundException} if it never had one. */
    public Rollout rollout(String appId, String channel) {
        return call(get(url("apps", appId, "channels", channel, "rollout")), type(Rollout.class));
    }

    /** Starts a rollout of {@code start.targetBundle()} on the channel. */
    public Rollout startRollout(String appId, String channel, RolloutStart start) {
        ObjectNode body = json.createObjectNode();
        body.put("targetBundle", start.targetBundle());
        if (start.bps() != null) {
            body.put("bps", start.bps());
        }
        if (start.plan() != null) {
            body.set("plan", json.valueToTree(start.plan()));
        }
        if (start.health() != null) {
            body.set("health", json.valueToTree(start.health()));
        }
        if (start.rollbackRelease() != null) {
            body.set("rollbackRelease", releaseNode(start.rollbackRelease()));
        }
        body.put("reason", start.reason());
        return call(send("POST", rolloutUrl(appId, channel), body), type(Rollout.class));
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
        ObjectNode body = verbBody(reason, expectedRevision);
        body.put("bps", bps);
        return call(send("POST", rolloutUrl(appId, channel, "set"), body), type(Rollout.class));
    }

    public Rollout pauseRollout(String appId, String channel, String reason) {
        return pauseRollout(appId, channel, reason, null);
    }

    public Rollout pauseRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rolloutVerb(appId, channel, "pause", reason, expectedRevision);
    }

    public Rollout resumeRollout(String appId, String channel, String reason) {
        return resumeRollout(appId, channel, reason, null);
    }

    public Rollout resumeRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rolloutVerb(appId, channel, "resume", reason, expectedRevision);
    }

    /** Moves to the next stage of the rollout's plan. */
    public Rollout advanceRollout(String appId, String channel, String reason) {
        return advanceRollout(appId, channel, reason, null);
    }

    public Rollout advanceRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rolloutVerb(appId, channel, "advance", reason, expectedRevision);
    }

    /** The target becomes the channel's bundle. */
    public Rollout promoteRollout(String appId, String channel, String reason) {
        return promoteRollout(appId, channel, reason, null);
    }

    public Rollout promoteRollout(String appId, String channel, String reason, Long expectedRevision) {
        return rolloutVerb(appId, channel, "promote", reason, expectedRevision);
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
        ObjectNode body = verbBody(reason, expectedRevision);
        if (rollbackReleaseOrNull != null) {
            body.set("rollbackRelease", releaseNode(rollbackReleaseOrNull));
        }
        return call(send("POST", rolloutUrl(appId, channel, "rollback"), body), type(Rollout.class));
    }

    /** Replaces the plan and the health policy of the active rollout (null removes one). */
    public Rollout updateRolloutPlan(String appId, String channel, RolloutPlan plan, HealthPolicy health,
                                     String reason) {
        return updateRolloutPlan(appId, channel, plan, health, reason, null);
    }

    public Rollout updateRolloutPlan(String appId, String channel, RolloutPlan plan, HealthPolicy health,
                                     String reason, Long expectedRevision) {
        ObjectNode body = verbBody(reason, expectedRevision);
        body.set("plan", plan == null ? json.nullNode() : json.valueToTree(plan));
        body.set("health", health == null ? json.nullNode() : json.valueToTree(health));
        return call(send("PUT", rolloutUrl(appId, channel, "plan"), body), type(Rollout.class));
    }

    /** The app's rollouts, newest first; {@code state} active, ended or all (null = all). */
    public List<Rollout> rollouts(String appId, String state) {
        List<Rollout> out = new java.util.ArrayList<>();
        String after = null;
        do {
            HttpUrl.Builder u = url("apps", appId, "rollouts").newBuilder()
                    .addQueryParameter("state", state == null ? "all" : state)
                    .addQueryParameter("limit", "200");
            if (after != null) {
                u.addQueryParameter("after", after);
            }
            RolloutPage page = call(get(u.build()), type(RolloutPage.class));
            if (page == null || page.items() == null) {
                throw new ServerErrorException(200, "bad_response", "Server answered without an 'items' list");
            }
            out.addAll(page.items());
            after = page.next();
        } while (after != null);
        return out;
    }

    /** Every change of a rollout, oldest first. */
    public List<RolloutChange> rolloutHistory(String appId, String rolloutId) {
        return items(call(get(url("apps", appId, "rollouts", rolloutId, "history")), Items.class),
                RolloutChange.class);
    }

    private record RolloutPage(List<Rollout> items, String next) {
    }

    private Rollout rolloutVerb(String appId, String channel, String verb, String reason, Long expectedRevision) {
        return call(send("POST", rolloutUrl(appId, channel, verb), verbBody(reason, expectedRevision)),
                type(Rollout.class));
    }

    private ObjectNode verbBody(String reason, Long expectedRevision) {
        ObjectNode body = json.createObjectNode();
        body.put("reason", reason);
        if (expectedRevision != null) {
            body.put("expectedRevision", expectedRevision);
        }
        return body;
    }

    private HttpUrl rolloutUrl(String appId, String channel, String... verb) {
        HttpUrl u = url("apps", appId, "channels", channel, "rollout");
        return verb.length == 0 ? u : u.newBuilder().addPathSegment(verb[0]).build();
    }

    private JsonNode releaseNode(byte[] envelope) {
        try {
            JsonNode n = json.readTree(envelope);
            if (n == null || !n.isObject()) {
                throw new ValidationException("rollbackRelease", "The rollback release is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ValidationException("rollbackRelease", "The rollback release is not JSON: " + rootMessage(e));
        }
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

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private record Items(List<JsonNode> items) {
    }

    private <T> List<T> items(Items page, Class<T> type) {
        if (page == null || page.items() == null) {
            throw new ServerErrorException(200, "bad_response", "Server answered without an 'items' list");
        }
        try {
            JavaType t = json.getTypeFactory().constructType(type);
            return page.items().stream().map(n -> json.<T>convertValue(n, t)).toList();
        } catch (IllegalArgumentException e) {
            throw new ServerErrorException(200, "bad_response", "Server sent a list this client cannot read: " + rootMessage(e));
        }
    }

    private JavaType type(Class<?> c) {
        return json.getTypeFactory().constructType(c);
    }

    HttpUrl url(String... segments) {
        HttpUrl.Builder b = baseUrl.newBuilder();
        for (String s : API_PREFIX.split("/")) {
            b.addPathSegment(s);
        }
        for (String s : segments) {
            b.addPathSegment(Objects.requireNonNull(s));
        }
        return b.build();
    }

    private Request get(HttpUrl url) {
        return authorized(new Request.Builder().url(url).get()).build();
    }

    Request send(String method, HttpUrl url, Object body) {
        RequestBody rb = null;
        if (body != null) {
            try {
                rb = RequestBody.create(json.writeValueAsBytes(body), JSON);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot encode request body", e);
            }
        }
        return authorized(new Request.Builder().url(url).method(method, rb)).build();
    }

    Request.Builder authorized(Request.Builder b) {
        b.header("Accept", "application/json");
        if (actor != null) {
            b.header(ACTOR_HEADER, actor);
        }
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    <T> T call(Request request, Class<T> type) {
        return call(request, type(type));
    }

    private <T> T call(Request request, JavaType type) {
        return call(request, type, http, c -> { });
    }

    private <T> T call(Request request, JavaType type, OkHttpClient client, Consumer<Call> track) {
        Call call = client.newCall(request);
        track.accept(call);
        try (Response response = call.execute()) {
            byte[] body = readCapped(response.body());
            if (!response.isSuccessful()) {
                throw errorFrom(response.code(), body);
            }
            if (type == null) {
                return null;
            }
            if (body.length == 0) {
                throw new ServerErrorException(response.code(), "bad_response", "Server sent an empty answer to "
                        + request.method() + " " + request.url().encodedPath());
            }
            try {
                return json.readValue(body, type);
            } catch (IOException e) {
                throw new ServerErrorException(response.code(), "bad_response", "Server sent an answer this client cannot read ("
                        + request.method() + " " + request.url().encodedPath() + "): " + rootMessage(e));
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private ServerUnreachableException unreachable(IOException e) {
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new ServerUnreachableException("Cannot reach the server at " + baseUrl() + " (" + rootMessage(e) + ")", e);
        }
        if (e instanceof InterruptedIOException) {
            return new ServerUnreachableException("The server at " + baseUrl() + " did not answer in time", e);
        }
        return new ServerUnreachableException("Connection to " + baseUrl() + " failed: " + rootMessage(e), e);
    }

    private static byte[] readCapped(ResponseBody body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= MAX_RESPONSE_BYTES) {
            if (source.read(buffer, 64 * 1024) == -1) {
                return buffer.readByteArray();
            }
        }
        throw new ServerErrorException(200, "bad_response", "Server answer exceeds " + (MAX_RESPONSE_BYTES >> 20) + " MiB");
    }

    private ApiException errorFrom(int status, byte[] body) {
        String code = "http_" + status;
        String message = null;
        String field = null;
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                code = node.path("error").asText(code);
                message = node.hasNonNull("message") ? node.get("message").asText() : null;
                field = node.hasNonNull("field") ? node.get("field").asText() : null;
            }
        } catch (IOException notJson) {
            // A proxy or a foreign server: fall back to the status line.
        }
        if (message == null || message.isBlank()) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
            message = "Server answered HTTP " + status + (text.isEmpty() || text.startsWith("<") ? "" : ": " + text);
        }
        return switch (status) {
            case 401, 403 -> new UnauthorizedException(status, code, message);
            case 404 -> new NotFoundException(status, code, message);
            case 409 -> new ConflictException(status, code, message);
            case 400, 413, 415, 422 -> new ValidationFailedException(status, code, message, field);
            default -> new ServerErrorException(status, code, message);
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
