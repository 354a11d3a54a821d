package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.domain.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code patchbay serve} processes on one H2 TCP server (one PostgreSQL database: {@code ClusterProxyPgTest})
 * and one data folder, behind a real nginx (ADR 0116,
 * 0117, docs/production.md): devices keep checking through the proxy while an automatic staged rollout runs; a write on
 * one instance reaches a check answered by the other within a second; the instance running the rollout supervisor is
 * killed with SIGKILL mid-rollout, the other takes the lease over within seconds and finishes the plan, and no device
 * check fails (nginx passes a check whose instance died to the other, {@code proxy_next_upstream}).
 *
 * <p>nginx comes from Debian's package ({@code .ci/run} installs it). Without it the test is skipped, except under
 * {@code CI=true}, where it fails.
 */
class ClusterProxyTest {
    static final String APP = "com.example.fleet";
    static final int DEVICE_THREADS = 4;
    static final int DEVICES_PER_THREAD = 15;

    @TempDir
    Path dir;
    final List<Node> nodes = new ArrayList<>();
    final List<AutoCloseable> cleanup = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final TestReleases keys = new TestReleases(APP);
    String adminKey;

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes) {
            n.process.destroyForcibly();
            n.process.waitFor(10, TimeUnit.SECONDS);
        }
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void twoInstancesBehindNginxActAsOneAndSurviveTheLeadersKillNine() throws Exception {
        Path nginx = NginxProxy.binary();
        if (nginx == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("nginx is not installed: .ci/run installs Debian's nginx package (apt-get install nginx)");
            }
            Assumptions.assumeTrue(false, "nginx is not installed (apt-get install nginx); skipping the proxy test");
        }
        String db;
        if (dev.patchbay.server.store.TestDatabases.onPostgres()) {
            db = dev.patchbay.server.store.TestDatabases.jdbcUrl(dir.resolve("shared"));
        } else {
            org.h2.tools.Server h2 = ClusterTest.startH2(dir.resolve("h2"));
            cleanup.add(h2::stop);
            db = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/cluster";
        }
        Path data = dir.resolve("data");
        long t0 = System.nanoTime();
        // The schema first (as production.md says: one instance alone on a new schema), then both JVMs at once: they
        // race for the first admin key and the freshness key, and must end up with one of each.
        dev.patchbay.server.store.Database.open(dev.patchbay.server.store.DatabaseTarget.parse(db, Map.of(), null),
                new dev.patchbay.server.store.StorageHealth(List.of(data), java.time.Clock.systemUTC())).close();
        java.util.concurrent.CompletableFuture<Node> startingB = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Node.start("B", data, db);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Node a = Node.start("A", data, db);
        nodes.add(a);
        Node b = startingB.get(120, TimeUnit.SECONDS);
        nodes.add(b);
        System.out.printf("cluster: two instances up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        NginxProxy proxy = NginxProxy.start(nginx, List.of(a.port, b.port), false);
        cleanup.add(proxy);
        adminKey = Files.readString(data.resolve("admin-api-key")).strip();
        String lb = proxy.url;
        setUp(lb);

        // A write on A reaches a check answered by B within a second.
        String d0 = DeviceFixture.newDevice();
        assertEquals("1.0.0", check(b.url, d0).version);
        Thread.sleep(400); // B's write-behind stores the device, so A can set its override
        assertEquals(200, send(a.url, "PUT", "/api/v1/apps/" + APP + "/devices/" + d0 + "/channel-override",
                "{\"channel\":\"beta\"}").statusCode());
        long written = System.nanoTime();
        Answer seen;
        long asked;
        do {
            asked = System.nanoTime();
            seen = check(b.url, d0);
        } while (!"beta".equals(seen.channel) && System.nanoTime() - written < 3_000_000_000L);
        // From the write's answer to the sending of the first check that B answered with it.
        long propagation = (asked - written) / 1_000_000;
        assertEquals("beta", seen.channel, "the override set on A never reached B");
        assertEquals("1.1.0", seen.version);
        assertTrue(propagation < 1000, "B answered with the override " + propagation + " ms after A stored it");
        System.out.printf("cluster: a channel override stored by A reached B's checks after %d ms%n", propagation);

        // Devices check through the proxy for the rest of the test.
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = new CopyOnWriteArrayList<>();
        Map<String, String> lastVersion = new ConcurrentHashMap<>();
        AtomicLong checks = new AtomicLong();
        List<Thread> devices = new ArrayList<>();
        for (int t = 0; t < DEVICE_THREADS; t++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < DEVICES_PER_THREAD; i++) {
                ids.add(DeviceFixture.newDevice());
            }
            devices.add(CrashDurabilityTest.go(() -> {
                while (running.get()) {
                    for (String id : ids) {
                        try {
                            Answer ans = check(lb, id);
                            lastVersion.put(id, ans.version);
                            checks.incrementAndGet();
                        } catch (Exception | AssertionError e) {
                            failures.add(Instant.now() + " " + id + ": " + e);
                        }
                    }
                }
            }));
        }
        // An automatic plan the leader's supervisor advances: 10 % → 50 % → 100 %, then promote.
        assertEquals(201, send(lb, "POST", "/api/v1/apps/" + APP + "/channels/production/rollout",
                "{\"targetBundle\":\"1.1.0\",\"reason\":\"cluster test\",\"plan\":{\"auto\":true,\"stages\":["
                        + "{\"bps\":1000,\"minSoakSeconds\":2,\"gate\":\"none\"},"
                        + "{\"bps\":5000,\"minSoakSeconds\":6,\"gate\":\"none\"},"
                        + "{\"bps\":10000,\"minSoakSeconds\":2,\"gate\":\"none\"}]}}").statusCode());
        JsonNode r = waitForRollout(lb, n -> n.path("stageIndex").asInt() >= 1, 30);
        assertEquals(5000, r.path("bps").asInt(), r.toString());
        Node leader = a.leading() ? a : b;
        Node other = leader == a ? b : a;
        assertTrue(leader.leading() && !other.leading(), "exactly one instance leads: A " + a.leading() + ", B "
                + b.leading());
        long checksBefore = checks.get();
        leader.process.destroyForcibly(); // SIGKILL: its lease is left to expire
        long killed = System.nanoTime();
        leader.process.waitFor(10, TimeUnit.SECONDS);
        while (!other.leading() && System.nanoTime() - killed < 20_000_000_000L) {
            Thread.sleep(50);
        }
        long takeover = (other.leaderSince.get() - killed) / 1_000_000;
        assertTrue(other.leading(), "instance " + other.name + " never took the lease over");
        assertTrue(takeover < 10_000, "takeover after " + takeover + " ms");
        System.out.printf("cluster: %s killed (SIGKILL) at stage 2; %s took the lease over after %d ms%n",
                leader.name, other.name, takeover);
        JsonNode done = waitForRollout(lb, n -> n.path("state").asText().equals("completed"), 40);
        assertEquals(10000, done.path("bps").asInt(), done.toString());
        // Every device is offered the target once the plan has promoted it (its next pass over the fleet).
        long after = checks.get();
        long until = System.nanoTime() + 10_000_000_000L;
        while (checks.get() < after + DEVICE_THREADS * DEVICES_PER_THREAD * 2L && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        running.set(false);
        for (Thread t : devices) {
            t.join(20_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " device checks failed, e.g. "
                + failures.subList(0, Math.min(5, failures.size())));
        assertTrue(checks.get() > checksBefore, "devices kept checking after the kill");
        assertEquals(DEVICE_THREADS * DEVICES_PER_THREAD, lastVersion.size());
        lastVersion.forEach((id, v) -> assertEquals("1.1.0", v, "device " + id + " after the promotion"));
        System.out.printf("cluster: %d device checks through nginx, none failed%n", checks.get());
    }

    void setUp(String url) throws Exception {
        assertEquals(201, send(url, "POST", "/api/v1/apps", "{\"id\":\"" + APP + "\",\"name\":\"Fleet\"}").statusCode());
        assertEquals(201, send(url, "PUT", "/api/v1/apps/" + APP + "/trust", keys.trustText()).statusCode());
        JsonNode key = Json.mapper().readTree(send(url, "GET", "/api/v1/server/freshness-key", null).body());
        FreshnessCert cert = FreshnessCert.create(APP, Codec.unb64(key.path("publicKey").asText(), 32, "publicKey"),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)), keys.rootKey);
        assertEquals(200, send(url, "PUT", "/api/v1/apps/" + APP + "/freshness-cert",
                new String(cert.toBytes(), StandardCharsets.UTF_8)).statusCode());
        assertEquals(201, send(url, "POST", "/api/v1/apps/" + APP + "/channels",
                "{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}").statusCode());
        assertEquals(201, send(url, "POST", "/api/v1/apps/" + APP + "/channels", "{\"name\":\"beta\"}").statusCode());
        publish(url, keys.seal("1.0.0", 1, 3000));
        publish(url, keys.seal("1.1.0", 2, 3000));
        assertEquals(200, send(url, "PATCH", "/api/v1/apps/" + APP + "/channels/production",
                "{\"bundle\":\"1.0.0\"}").statusCode());
        assertEquals(200, send(url, "PATCH", "/api/v1/apps/" + APP + "/channels/beta",
                "{\"bundle\":\"1.1.0\"}").statusCode());
    }

    void publish(String url, TestReleases.Sealed sealed) throws Exception {
        String base = "/api/v1/apps/" + APP + "/uploads";
        HttpResponse<String> open = send(url, "POST", base, sealed.uploadRequest());
        assertEquals(201, open.statusCode(), open.body());
        String id = Json.mapper().readTree(open.body()).path("id").asText();
        for (BlobRef ref : sealed.blobs()) {
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url + base + "/" + id + "/blobs/"
                            + ref.sha256())).header("Authorization", "Bearer " + adminKey)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(sealed.bytes(ref))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
        }
        HttpResponse<String> commit = send(url, "POST", base + "/" + id + "/commit",
                new String(sealed.envelope(), StandardCharsets.UTF_8));
        assertEquals(201, commit.statusCode(), commit.body());
    }

    JsonNode waitForRollout(String url, java.util.function.Predicate<JsonNode> done, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode last = null;
        while (System.nanoTime() < until) {
            HttpResponse<String> r = send(url, "GET", "/api/v1/apps/" + APP + "/channels/production/rollout", null);
            if (r.statusCode() == 200) {
                last = Json.mapper().readTree(r.body());
                JsonNode rollout = last.has("rollout") ? last.get("rollout") : last;
                if (done.test(rollout)) {
                    return rollout;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the rollout did not get there within " + seconds + " s: " + last);
    }

    record Answer(String kind, String channel, String version) {
    }

    /** One update check as a device makes it: a fresh nonce, the answer's freshness statement verified. */
    Answer check(String url, String device) throws Exception {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("appId", APP);
        body.put("deviceId", device);
        body.put("platform", "android");
        body.put("osVersion", "14");
        body.put("nativeVersion", "1.4.0");
        body.put("nativeBuild", 140);
        body.put("runtimeVersion", "0.1.0");
        body.put("currentBundle", "builtin");
        body.putNull("currentSequence");
        body.putNull("channel");
        body.putNull("customId");
        body.put("isEmulator", false);
        body.put("isProduction", true);
        ObjectNode k = body.putObject("keyIds");
        k.put("root", keys.trust.rootKeyId());
        k.put("content", keys.trust.contentKeyId());
        body.put("nonce", DeviceFixture.nonce());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/updates"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = Json.mapper().readTree(r.body());
        FreshnessStatement st = FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"),
                keys.trust.rootPublicKey(), APP, device, body.path("nonce").asText());
        String version = null;
        if (a.path("kind").asText().equals("update")) {
            st.requireRelease(Json.mapper().writeValueAsBytes(a.get("release")));
            version = st.release().version();
        }
        return new Answer(a.path("kind").asText(), st.channel(), version);
    }

    HttpResponse<String> send(String url, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + adminKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One {@code patchbay serve} process; notes when its log says it became the leader. */
    static final class Node {
        final String name;
        final Process process;
        final String url;
        final int port;
        final AtomicLong leaderSince = new AtomicLong();
        volatile boolean leader;

        private Node(String name, Process process, String url) {
            this.name = name;
            this.process = process;
            this.url = url;
            this.port = URI.create(url).getPort();
        }

        boolean leading() {
            return leader && process.isAlive();
        }

        static Node start(String name, Path data, String db) throws Exception {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    // The server's own log configuration (INFO), not the tests' (WARN): the test reads who leads.
                    "-Dlogback.configurationFile=" + Node.class.getResource("/logback.xml"),
                    "-cp", System.getProperty("java.class.path"), "dev.patchbay.Launcher", "serve",
                    "--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString(), "--db", db,
                    "--rollout-tick", "300ms"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Pattern listening = Pattern.compile("listening on (http://[0-9.:]+)");
            StringBuilder log = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            Node[] node = {null};
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                log.append(line).append('\n');
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    node[0] = new Node(name, p, m.group(1));
                    node[0].leader = log.indexOf(" is the leader") >= 0;
                    if (node[0].leader) {
                        node[0].leaderSince.set(System.nanoTime());
                    }
                    Node n = node[0];
                    CrashDurabilityTest.go(() -> out.lines().forEach(l -> {
                        if (l.contains(" is the leader")) {
                            n.leaderSince.set(System.nanoTime());
                            n.leader = true;
                        } else if (l.contains("is no longer the leader")) {
                            n.leader = false;
                        }
                    }));
                    return n;
                }
            }
            p.destroyForcibly();
            throw new AssertionError("instance " + name + " did not start:\n" + log);
        }
    }
}
