package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.port.HttpTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The device protocol (§3, §5, §6, §7) answered in memory with byte-exact bodies built by the real crypto, plus
 * fault knobs: statuses, timeouts, dropped connections, wrong ranges, drip feed, tampering.
 */
final class FakeServer implements HttpTransport {
    static final String BASE = "http://patchbay.test";
    /** A status meaning "the request timed out" (the transport throws). */
    static final int TIMEOUT = -1;

    final TestKeys keys;
    final VirtualClock clock;
    TestKeys.Sealed release;
    boolean serveBuiltin;
    String blocked;
    final Map<String, byte[]> blobs = new HashMap<>();

    final Deque<Integer> updatesStatus = new ArrayDeque<>();
    final Deque<Integer> blobStatus = new ArrayDeque<>();
    final Deque<Integer> statsStatus = new ArrayDeque<>();
    /** Drop the connection after this many body bytes, for the next {@link #drops} blob answers. */
    long dropAfter = -1;
    int drops;
    boolean ignoreRange;
    boolean wrongRange;
    /** Drip feed: each read returns at most this many bytes and takes {@link #dripMs}. */
    int dripBytes = -1;
    long dripMs;
    final Set<String> tamper = new HashSet<>();
    /** Bytes appended to every blob body (a server sending more than the signed length). */
    int overlong;
    /** The next this many stats batches are stored but their answer is lost (the device must resend). */
    int statsLoseAnswer;
    UnaryOperator<ObjectNode> tweak;
    /** How far the device clock is off; the server's own time is the device clock minus this. */
    Duration deviceSkew = Duration.ZERO;
    final Set<String> selfChannels = new HashSet<>(Set.of("beta"));

    final List<JsonNode> checks = new ArrayList<>();
    final List<JsonNode> statsBatches = new ArrayList<>();
    final Map<String, JsonNode> statsEvents = new TreeMap<>();
    final List<String> blobRequests = new ArrayList<>();
    long blobBytes;

    FakeServer(TestKeys keys, VirtualClock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    void publish(TestKeys.Sealed s) {
        blobs.putAll(s.blobs());
        release = s;
        serveBuiltin = false;
    }

    List<String> actions() {
        List<String> out = new ArrayList<>();
        statsBatches.forEach(b -> b.path("events").forEach(e -> out.add(e.path("action").asText())));
        return out;
    }

    @Override
    public synchronized Response send(Request req) throws IOException {
        String path = req.url().substring(BASE.length());
        if (path.equals("/updates")) {
            JsonNode r = Json.mapper().readTree(req.body());
            checks.add(r);
            Integer st = updatesStatus.poll();
            if (st != null) {
                return status(st);
            }
            return json(200, answer(r));
        }
        if (path.equals("/stats")) {
            Integer st = statsStatus.poll();
            if (st != null) {
                return status(st);
            }
            JsonNode r = Json.mapper().readTree(req.body());
            statsBatches.add(r);
            int dup = 0;
            for (JsonNode e : r.path("events")) {
                if (statsEvents.putIfAbsent(e.path("id").asText(), e) != null) {
                    dup++;
                }
            }
            if (statsLoseAnswer > 0) {
                statsLoseAnswer--;
                throw new java.net.SocketTimeoutException("read timed out after the batch was stored");
            }
            return json(200, Json.mapper().createObjectNode().put("accepted", r.path("events").size() - dup)
                    .put("duplicates", dup));
        }
        if (path.equals("/channel_self")) {
            JsonNode r = Json.mapper().readTree(req.body());
            ObjectNode a = Json.mapper().createObjectNode();
            String ch = r.path("channel").isNull() ? null : r.path("channel").asText();
            if (ch == null || selfChannels.contains(ch)) {
                a.put("status", "ok");
                if (ch == null) {
                    a.putNull("channel");
                } else {
                    a.put("channel", ch);
                }
            } else {
                a.put("status", "error").put("error", "self_assign_not_allowed");
            }
            return json(200, a);
        }
        if (path.startsWith("/blobs/")) {
            String sha = path.substring("/blobs/".length());
            // A presigned-style URL: the query is the signature, the path names the blob.
            if (sha.contains("?")) {
                blobRequests.add(sha + " " + req.headers().getOrDefault("Range", ""));
                sha = sha.substring(0, sha.indexOf('?'));
            } else {
                blobRequests.add(sha + " " + req.headers().getOrDefault("Range", ""));
            }
            Integer st = blobStatus.poll();
            if (st != null) {
                return status(st);
            }
            byte[] b = blobs.get(sha);
            if (b == null) {
                return status(404);
            }
            if (tamper.contains(sha)) {
                b = b.clone();
                b[b.length / 2] ^= 1;
            }
            String range = req.headers().get("Range");
            long start = 0;
            int code = 200;
            Map<String, String> headers = new HashMap<>();
            headers.put("ETag", "\"" + sha + "\"");
            if (range != null && !ignoreRange) {
                start = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
                if (start >= b.length) {
                    headers.put("Content-Range", "bytes */" + b.length);
                    return new Resp(416, headers, new byte[0], -1);
                }
                code = 206;
                long shown = wrongRange ? Math.max(0, start - 7) : start;
                if (wrongRange) {
                    start = shown;
                }
                headers.put("Content-Range", "bytes " + shown + "-" + (b.length - 1) + "/" + b.length);
            }
            byte[] body = java.util.Arrays.copyOfRange(b, (int) start, b.length + overlong);
            long drop = -1;
            if (drops > 0 && dropAfter >= 0 && body.length > dropAfter) {
                drops--;
                drop = dropAfter;
            }
            return new Resp(code, headers, body, drop);
        }
        return status(404);
    }

    private ObjectNode answer(JsonNode r) {
        String nonce = r.path("nonce").asText();
        String device = r.path("deviceId").asText();
        String channel = r.path("channel").isNull() ? "production" : r.path("channel").asText();
        ObjectNode a = Json.mapper().createObjectNode();
        FreshnessStatement.Outcome outcome;
        FreshnessStatement.ReleaseRef ref = null;
        String current = r.path("currentBundle").asText();
        if (blocked != null) {
            outcome = FreshnessStatement.Outcome.BLOCKED;
            a.put("kind", "blocked").put("error", blocked).put("message", "blocked: " + blocked);
        } else if (serveBuiltin || release == null) {
            if (current.equals("builtin")) {
                outcome = FreshnessStatement.Outcome.UP_TO_DATE;
                a.put("kind", "up_to_date").put("error", "already_on_builtin");
            } else {
                outcome = FreshnessStatement.Outcome.BUILTIN;
                a.put("kind", "builtin");
            }
        } else if (current.equals(release.version())) {
            outcome = FreshnessStatement.Outcome.UP_TO_DATE;
            a.put("kind", "up_to_date").put("error", "no_new_version").put("message", "already on it");
        } else {
            outcome = FreshnessStatement.Outcome.UPDATE;
            ref = new FreshnessStatement.ReleaseRef(release.version(), release.sequence(), release.digest());
            a.put("kind", "update");
            a.set("release", CanonicalJson.parse(release.envelope(), "envelope"));
            a.put("blobUrl", BASE + "/blobs/{sha256}");
        }
        a.put("channel", channel);
        a.put("channelSource", "default");
        a.set("freshness", FreshnessStatement.create(TestKeys.APP, device, nonce, channel, outcome, ref,
                clock.now().minus(deviceSkew), Duration.ofMinutes(10), keys.freshnessKey).toJson());
        a.set("freshnessCert", keys.freshnessCert.toJson());
        return tweak == null ? a : tweak.apply(a);
    }

    private Response status(int code) throws IOException {
        if (code == TIMEOUT) {
            throw new java.net.SocketTimeoutException("timed out");
        }
        Map<String, String> h = new HashMap<>();
        if (code == 429) {
            h.put("Retry-After", "2");
        }
        return new Resp(code, h, "{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8), -1);
    }

    private Response json(int code, JsonNode body) {
        return new Resp(code, Map.of("Content-Type", "application/json"),
                body.toString().getBytes(StandardCharsets.UTF_8), -1);
    }

    final class Resp implements Response {
        final int status;
        final Map<String, String> headers;
        final byte[] body;
        final long dropAt;

        Resp(int status, Map<String, String> headers, byte[] body, long dropAt) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.dropAt = dropAt;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public String header(String name) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        @Override
        public InputStream body() {
            boolean blob = headers.containsKey("ETag");
            return new InputStream() {
                final ByteArrayInputStream in = new ByteArrayInputStream(body);
                long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (dropAt >= 0 && read >= dropAt) {
                        throw new IOException("connection reset");
                    }
                    int max = len;
                    if (dropAt >= 0) {
                        max = (int) Math.min(max, dropAt - read);
                    }
                    if (blob && dripBytes > 0) {
                        max = Math.min(max, dripBytes);
                        clock.tick(dripMs);
                    }
                    int n = in.read(b, off, max);
                    if (n > 0) {
                        read += n;
                        if (blob) {
                            synchronized (FakeServer.this) {
                                blobBytes += n;
                            }
                        }
                    }
                    return n;
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
