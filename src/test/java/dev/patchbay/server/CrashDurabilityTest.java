package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.server.store.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable acknowledgements (ADR 0090): a real {@code patchbay serve} process is killed with SIGKILL at a random moment
 * of mixed load — device event batches, bundle publishes, channel switches, rollout pause/resume — several times; after
 * each kill the data folder is opened and every acknowledged write must be there, exactly once. The suite runs a few
 * kills; {@code -Dpatchbay.crash.kills=N} (bench/crash.sh) runs more.
 */
class CrashDurabilityTest {
    static final String APP = "com.example.crash";
    static final int KILLS = Integer.getInteger("patchbay.crash.kills", 3);
    static final long SEED = Long.getLong("patchbay.crash.seed", 20261207L);

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final TestReleases keys = new TestReleases(APP);

    /** Every acknowledged event as "device/eventId". */
    final Set<String> ackedEvents = ConcurrentHashMap.newKeySet();
    /** Every acknowledged published version, and the blobs they need. */
    final Set<String> ackedVersions = ConcurrentHashMap.newKeySet();
    final Set<String> ackedBlobs = ConcurrentHashMap.newKeySet();
    /** The channel's bundle: the last acknowledged switch, and the one sent when the server died (if unanswered). */
    final AtomicReference<String> channelAcked = new AtomicReference<>("none");
    final AtomicReference<String> channelInFlight = new AtomicReference<>();
    final AtomicInteger verbsAcked = new AtomicInteger();
    final AtomicInteger verbsInFlight = new AtomicInteger();
    final AtomicInteger nextVersion = new AtomicInteger(1);
    /** The blobs of every bundle whose publish was sent, acknowledged or not: a stored bundle must have them all. */
    final Map<String, List<String>> sentBlobs = new ConcurrentHashMap<>();
    /** Uploads staged (blobs sent) but never committed: they must never show up as bundles. */
    final Set<String> stagedVersions = ConcurrentHashMap.newKeySet();

    /** How many kill rounds this run makes. */
    int kills() {
        return KILLS;
    }

    /** Starts {@code patchbay serve} on {@code data} (and the test's database). */
    ServerProcess startServer(Path data) throws Exception {
        return ServerProcess.start(data);
    }

    /** Whether the blob {@code sha256} is stored, whole and with that digest (a subclass may look in a bucket). */
    boolean blobStored(Path data, String sha256) throws Exception {
        return Files.isRegularFile(data.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256));
    }

    /** More load during a round (a subclass's), as threads that end when the server dies. */
    List<Runnable> moreLoad(String url, String key) {
        return List.of();
    }

    /** More checks of the crashed data folder, on the database (a subclass's). */
    void verifyMore(Connection c, Path data, int round) throws Exception {
    }

    /** Checks after each start of the server on a data folder that was crashed (a subclass's). */
    void afterRestart(Path data, String url, int round) throws Exception {
    }

    /** The crash: SIGKILL of the server process (a subclass may kill the database server too). */
    void crash(Path data, ServerProcess server) throws Exception {
        server.kill();
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        Path data = dir.resolve("data");
        Random random = new Random(SEED);
        ServerProcess server = startServer(data);
        String key = Files.readString(data.resolve("admin-api-key")).strip();
        setUp(server.url, key);
        server.kill();
        Rollouts.insert(data, APP, "beta", "1.0.1", 5000, "running", null);
        long revision = rolloutRevision(data);
        for (int round = 1; round <= kills(); round++) {
            String state = rolloutState(data);
            long t0 = System.nanoTime();
            server = startServer(data);
            System.out.printf("crash round %d: server up in %d ms%n", round, (System.nanoTime() - t0) / 1_000_000);
            if (round > 1) {
                try {
                    afterRestart(data, server.url, round);
                } catch (Exception | AssertionError e) {
                    server.kill(); // a failed check leaves no server process behind
                    throw e;
                }
            }
            String url = server.url;
            stageWithoutCommit(url, key);
            verbsInFlight.set(0);
            channelInFlight.set(null);
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                load.add(go(() -> stats(url)));
            }
            load.add(go(() -> publishes(url, key)));
            load.add(go(() -> channelSwitches(url, key)));
            load.add(go(() -> rolloutVerbs(url, key, state)));
            moreLoad(url, key).forEach(r -> load.add(go(r)));
            // Kill at a random moment once every kind of write is flowing (or after 5 s on a slow machine).
            int events = ackedEvents.size();
            int versions = ackedVersions.size();
            int verbs = verbsAcked.get();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < until && (ackedEvents.size() == events || ackedVersions.size() == versions
                    || verbsAcked.get() == verbs)) {
                Thread.sleep(20);
            }
            Thread.sleep(200 + random.nextInt(1000));
            crash(data, server);
            for (Thread t : load) {
                t.join(10_000);
            }
            revision = verify(data, round, revision);
        }
        // The last data folder also opens as a server again.
        server = startServer(data);
        try {
            afterRestart(data, server.url, kills() + 1);
        } finally {
            server.kill();
        }
    }

    long verify(Path data, int round, long revisionBefore) throws Exception {
        try (Connection c = open(data)) {
            Set<String> stored = new HashSet<>();
            int rows = 0;
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT device_id, event_id FROM device_events WHERE event_id IS NOT NULL")) {
                while (rs.next()) {
                    stored.add(rs.getString(1) + "/" + rs.getString(2));
                    rows++;
                }
            }
            assertEquals(stored.size(), rows, "round " + round + ": an event is stored twice");
            Set<String> lost = new HashSet<>(ackedEvents);
            lost.removeAll(stored);
            assertTrue(lost.isEmpty(), "round " + round + ": " + lost.size() + " of " + ackedEvents.size()
                    + " acknowledged events lost, e.g. " + lost.stream().limit(3).toList());
            Set<String> versions = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM bundles WHERE app_id = ?")) {
                ps.setString(1, APP);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(rs.getString(1));
                    }
                }
            }
            assertTrue(versions.containsAll(ackedVersions), "round " + round + ": published bundles lost: acknowledged "
                    + ackedVersions + ", stored " + versions);
            for (String staged : stagedVersions) {
                assertFalse(versions.contains(staged), "round " + round + ": the upload of " + staged
                        + " was never committed but is a bundle");
            }
            // Nothing half-written: every stored bundle (acknowledged or caught by the kill) has all its blobs.
            for (String version : versions) {
                for (String sha : sentBlobs.getOrDefault(version, List.of())) {
                    assertTrue(blobStored(data, sha),
                            "round " + round + ": bundle " + version + " is stored without its blob " + sha);
                }
            }
            for (String sha : ackedBlobs) {
                assertTrue(blobStored(data, sha),
                        "round " + round + ": blob " + sha + " of an acknowledged publish is missing");
            }
            String channel;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT bundle_version FROM channels WHERE app_id = ? AND name = 'production'")) {
                ps.setString(1, APP);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    channel = rs.getString(1) == null ? "none" : rs.getString(1);
                }
            }
            String inFlight = channelInFlight.get();
            assertTrue(channel.equals(channelAcked.get()) || channel.equals(inFlight), "round " + round
                    + ": channel switch lost: acknowledged " + channelAcked.get() + ", stored " + channel);
            channelAcked.set(channel);
            long revision = rolloutRevision(c);
            long moved = revision - revisionBefore;
            assertTrue(moved >= verbsAcked.get() && moved <= verbsAcked.get() + verbsInFlight.get(), "round " + round
                    + ": " + verbsAcked.get() + " rollout verbs acknowledged, " + moved + " stored");
            verbsAcked.set(0);
            verifyMore(c, data, round);
            System.out.printf("crash round %d: %d events, %d bundles, channel %s, rollout revision %d — all present%n",
                    round, ackedEvents.size(), ackedVersions.size(), channel, revision);
            return revision;
        }
    }

    void setUp(String url, String key) throws Exception {
        assertEquals(201, send(url, key, "POST", "/api/v1/apps", "{\"id\":\"" + APP + "\",\"name\":\"Crash\"}"));
        assertEquals(201, send(url, key, "PUT", "/api/v1/apps/" + APP + "/trust", keys.trustText()));
        assertEquals(201, send(url, key, "POST", "/api/v1/apps/" + APP + "/channels",
                "{\"name\":\"production\"}"));
        assertEquals(201, send(url, key, "POST", "/api/v1/apps/" + APP + "/channels", "{\"name\":\"beta\"}"));
        assertTrue(publish(url, key, "1.0.0", 1));
        assertTrue(publish(url, key, "1.0.1", 2));
        nextVersion.set(3);
    }

    void stats(String url) {
        String device = UUID.randomUUID().toString();
        long seq = 0;
        while (true) {
            StringBuilder b = new StringBuilder("{\"appId\":\"" + APP + "\",\"deviceId\":\"" + device + "\",\"events\":[");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "e" + seq++;
                ids.add(id);
                b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"action\":\"app_launch\"}");
            }
            b.append("]}");
            try {
                if (send(url, null, "POST", "/stats", b.toString()) == 200) {
                    ids.forEach(id -> ackedEvents.add(device + "/" + id));
                }
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    void publishes(String url, String key) {
        while (true) {
            int n = nextVersion.getAndIncrement();
            try {
                publish(url, key, "1.0." + n, n);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    boolean publish(String url, String key, String version, long sequence) throws IOException, InterruptedException {
        TestReleases.Sealed b = keys.seal(version, sequence, 2000);
        sentBlobs.put(version, b.blobs().stream().map(BlobRef::sha256).toList());
        String id = stage(url, key, b);
        if (id == null) {
            return false;
        }
        String base = "/api/v1/apps/" + APP + "/uploads";
        int committed = send(url, key, "POST", base + "/" + id + "/commit", new String(b.envelope(), StandardCharsets.UTF_8));
        if (committed == 201 || committed == 200) {
            ackedVersions.add(version);
            b.blobs().forEach(r -> ackedBlobs.add(r.sha256()));
            return true;
        }
        return false;
    }

    /** An upload whose blobs are all sent but which is never committed (as a client that died before the commit). */
    void stageWithoutCommit(String url, String key) throws IOException, InterruptedException {
        int n = nextVersion.getAndIncrement();
        String version = "1.0." + n;
        assertTrue(stage(url, key, keys.seal(version, n, 2000)) != null, "staging " + version);
        stagedVersions.add(version);
    }

    /** Opens an upload and sends its blobs; its id, or {@code null} when the server refused. */
    String stage(String url, String key, TestReleases.Sealed b) throws IOException, InterruptedException {
        String base = "/api/v1/apps/" + APP + "/uploads";
        HttpResponse<String> open = request(url, key, "POST", base, b.uploadRequest());
        if (open.statusCode() != 201) {
            return null;
        }
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(open.body());
        m.find();
        String id = m.group(1);
        for (BlobRef ref : b.blobs()) {
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url + base + "/" + id + "/blobs/"
                            + ref.sha256())).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(b.bytes(ref))).build(), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 200) {
                return null;
            }
        }
        return id;
    }

    void channelSwitches(String url, String key) {
        Random random = new Random();
        while (true) {
            List<String> choices = new ArrayList<>(ackedVersions);
            choices.add("none");
            String target = choices.get(random.nextInt(choices.size()));
            channelInFlight.set(target);
            String body = target.equals("none") ? "{\"bundle\":null}" : "{\"bundle\":\"" + target + "\"}";
            try {
                int status = send(url, key, "PATCH", "/api/v1/apps/" + APP + "/channels/production", body);
                if (status == 200) {
                    channelAcked.set(target);
                }
                channelInFlight.set(null);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    void rolloutVerbs(String url, String key, String initialState) {
        boolean running = initialState.equals("running");
        while (true) {
            String verb = running ? "pause" : "resume";
            verbsInFlight.set(1);
            try {
                int status = send(url, key, "POST", "/api/v1/apps/" + APP + "/channels/beta/rollout/" + verb,
                        "{\"reason\":\"crash test\"}");
                if (status == 200) {
                    verbsAcked.incrementAndGet();
                }
                verbsInFlight.set(0);
                running = !running;
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    int send(String url, String key, String method, String path, String body) throws IOException, InterruptedException {
        return request(url, key, method, path, body).statusCode();
    }

    HttpResponse<String> request(String url, String key, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Thread go(Runnable r) {
        Thread t = new Thread(r, "crash-load");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static Connection open(Path data) throws Exception {
        return TestDatabases.connect(data);
    }

    static long rolloutRevision(Path data) throws Exception {
        try (Connection c = open(data)) {
            return rolloutRevision(c);
        }
    }

    static long rolloutRevision(Connection c) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT revision FROM rollouts WHERE channel = 'beta'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String rolloutState(Path data) throws Exception {
        try (Connection c = open(data);
             ResultSet rs = c.createStatement().executeQuery("SELECT state FROM rollouts WHERE channel = 'beta'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code patchbay serve} in a process of its own (this JVM's class path), killed with SIGKILL. */
    static final class ServerProcess {
        final Process process;
        final String url;

        private ServerProcess(Process process, String url) {
            this.process = process;
            this.url = url;
        }

        static ServerProcess start(Path data) throws Exception {
            // Quick to start on a busy machine: the test measures durability, not speed.
            return start(data, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        }

        static ServerProcess start(Path data, List<String> jvmOptions) throws Exception {
            return start(data, jvmOptions, List.of(), Map.of());
        }

        /** With more {@code serve} options (e.g. {@code --db}) and environment variables (e.g. PGPASSWORD). */
        static ServerProcess start(Path data, List<String> jvmOptions, List<String> serveOptions,
                                   Map<String, String> environment) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.patchbay.Launcher", "serve",
                    "--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString(), "--rollout-tick", "1h"));
            command.addAll(serveOptions);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(environment);
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Pattern listening = Pattern.compile("listening on (http://[0-9.:]+)");
            StringBuilder log = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                log.append(line).append('\n');
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    // Keep reading the output so the process never blocks on a full pipe.
                    go(() -> {
                        try {
                            out.lines().forEach(l -> { });
                        } catch (java.io.UncheckedIOException e) {
                            // the process was killed: its output is closed
                        }
                    });
                    return new ServerProcess(p, m.group(1));
                }
            }
            p.destroyForcibly();
            throw new AssertionError("the server process did not start:\n" + log);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
