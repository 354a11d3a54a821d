package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.domain.Json;
import dev.patchbay.server.store.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances in this JVM on one H2 TCP server (on one PostgreSQL database: {@code ClusterPgTest}) and one
 * data folder (ADR 0116, 0117): a write on one reaches
 * the other's update checks within a second, exactly one leads and the other takes over when it stops, an upload begun
 * on one is finished on the other. Real processes behind nginx: {@link ClusterProxyTest}.
 */
class ClusterTest {
    static final String APP = "com.example.cluster";

    @TempDir
    Path dir;
    org.h2.tools.Server h2;
    RunningServer a;
    RunningServer b;

    dev.patchbay.server.store.DatabaseTarget database;

    @BeforeEach
    void start() throws Exception {
        database = sharedDatabase(dir);
        if (!TestDatabases.onPostgres()) {
            h2 = startH2(dir.resolve("h2"));
            database = new dev.patchbay.server.store.DatabaseTarget.SharedH2(
                    "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/cluster");
        }
        a = RunningServer.start(config(dir.resolve("data")));
        b = RunningServer.start(config(dir.resolve("data")));
    }

    /** H2's TCP server on a free port, local connections only, creating databases on first connection. */
    static org.h2.tools.Server startH2(Path baseDir) throws Exception {
        return org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir",
                baseDir.toString()).start();
    }

    /** On PostgreSQL ({@code ClusterPgTest}) the test database of the folder {@code dir/shared}; null on H2. */
    static dev.patchbay.server.store.DatabaseTarget sharedDatabase(Path dir) {
        return TestDatabases.onPostgres() ? TestDatabases.target(dir.resolve("shared")) : null;
    }

    ServerConfig config(Path data) {
        return new ServerConfig("127.0.0.1", 0, data).withDatabase(database).withRolloutTick(Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        for (RunningServer s : new RunningServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
        if (h2 != null) {
            h2.stop();
        }
    }

    @Test
    void aChannelSwitchOnOneInstanceReachesChecksOnTheOtherWithinASecond() throws Exception {
        assertEquals(a.adminKey, b.adminKey, "one data folder, one admin key");
        DeviceFixture f = new DeviceFixture(a, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        f.publish("1.0.0", 1);
        f.publish("1.0.1", 2);
        f.patchChannel("production", "{\"bundle\":\"1.0.0\"}");
        String device = DeviceFixture.newDevice();
        // B answers (and caches the app) before the switch.
        assertEquals("1.0.0", offered(f, b, device));
        for (String version : new String[] {"1.0.1", "1.0.0", "1.0.1"}) {
            f.patchChannel("production", "{\"bundle\":\"" + version + "\"}");
            long switched = System.nanoTime();
            String seen;
            long asked;
            do {
                asked = System.nanoTime();
                seen = offered(f, b, device);
            } while (!seen.equals(version) && System.nanoTime() - switched < 3_000_000_000L);
            // From the switch's answer to the sending of the first check that B answered with it.
            long ms = (asked - switched) / 1_000_000;
            assertEquals(version, seen, "the switch never reached B");
            assertTrue(ms < 1000, "B saw the switch after " + ms + " ms");
            System.out.println("cluster: B saw the channel switch made on A after " + ms + " ms");
        }
    }

    /** The version B offers to {@code device} (the answer's signed freshness statement verified as a device does). */
    static String offered(DeviceFixture f, RunningServer s, String device) throws Exception {
        ObjectNode body = f.checkBody(device, Map.of());
        JsonNode answer = Json.mapper().readTree(s.send("POST", "/updates", body.toString(), null,
                "application/json").body());
        assertEquals("update", answer.path("kind").asText(), answer.toString());
        FreshnessStatement st = FreshnessStatement.verify(answer.get("freshness"), answer.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), f.app, device, body.path("nonce").asText());
        st.requireRelease(Json.mapper().writeValueAsBytes(answer.get("release")));
        return st.release().version();
    }

    @Test
    void exactlyOneInstanceLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        assertNotEquals(a.server.cluster().leader(), b.server.cluster().leader(), "exactly one leader");
        RunningServer leader = a.server.cluster().leader() ? a : b;
        RunningServer other = leader == a ? b : a;
        leader.close();
        if (leader == a) {
            a = null;
        } else {
            b = null;
        }
        long t0 = System.nanoTime();
        while (!other.server.cluster().leader() && System.nanoTime() - t0 < 5_000_000_000L) {
            Thread.sleep(50);
        }
        assertTrue(other.server.cluster().leader(), "no takeover after a clean stop");
        // A clean stop gives the lease up: the next renewal (every second) takes it.
        assertTrue(System.nanoTime() - t0 < 2_500_000_000L, "takeover took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @Test
    void anUploadBegunOnOneInstanceIsFinishedOnTheOther() throws Exception {
        DeviceFixture f = new DeviceFixture(a, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        TestReleases.Sealed sealed = f.keys.seal("2.0.0", 5, 150_000);
        String base = "/api/v1/apps/" + APP + "/uploads";
        String id = ok(a.json("POST", base, sealed.uploadRequest()), 201).path("id").asText();
        BlobRef big = sealed.blobs().stream().filter(r -> r.length() == sealed.blobs().stream()
                .mapToLong(BlobRef::length).max().orElseThrow()).findFirst().orElseThrow();
        byte[] bytes = sealed.bytes(big);
        int half = bytes.length / 2;
        ok(a.putBytes(base + "/" + id + "/blobs/" + big.sha256(), Arrays.copyOfRange(bytes, 0, half),
                "bytes 0-" + (half - 1) + "/" + bytes.length), 200);
        // Instance A is gone (the upload's session is in the database, its bytes in the shared blob folder).
        a.close();
        a = null;
        JsonNode status = ok(b.json("GET", base + "/" + id + "/blobs/" + big.sha256(), null), 200);
        assertEquals(half, status.path("received").asLong(), "B sees the part A received");
        ok(b.putBytes(base + "/" + id + "/blobs/" + big.sha256(), Arrays.copyOfRange(bytes, half, bytes.length),
                "bytes " + half + "-" + (bytes.length - 1) + "/" + bytes.length), 200);
        for (BlobRef ref : sealed.blobs()) {
            if (!ref.sha256().equals(big.sha256())) {
                ok(b.putBytes(base + "/" + id + "/blobs/" + ref.sha256(), sealed.bytes(ref), null), 200);
            }
        }
        ok(b.json("POST", base + "/" + id + "/commit", new String(sealed.envelope(), StandardCharsets.UTF_8)), 201);
        DeviceFixture onB = new DeviceFixture(b, APP);
        onB.patchChannel("production", "{\"bundle\":\"2.0.0\"}");
        assertEquals("2.0.0", offered(f, b, DeviceFixture.newDevice()));
        assertTrue(onB.s.getBytes("/blobs/" + big.sha256(), null).statusCode() == 200);
    }

    /**
     * The blob lock spans the instances (ADR 0118): while A aborts an upload (its collection deletes the blobs nothing
     * else references), B opens a session for the same blobs and publishes. Without the shared lock B can be told a
     * blob is present that A's collection then deletes, and B's commit fails (or a bundle lacks a blob).
     */
    @Test
    void anAbortOnOneInstanceNeverDeletesABlobAPublishOnTheOtherCountsOn() throws Exception {
        DeviceFixture f = new DeviceFixture(a, APP).create().trustServer();
        String base = "/api/v1/apps/" + APP + "/uploads";
        int[] sizes = new int[30];
        Arrays.fill(sizes, 200);
        TestReleases.Sealed files = f.keys.seal("0.0.1", 1, sizes);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 4; i++) {
                TestReleases.Sealed sealed = f.keys.seal("3.0." + i, 10 + i, files.blobs().get(0),
                        files.blobs().subList(1, files.blobs().size()), files.bytes());
                String onA = ok(a.json("POST", base, sealed.uploadRequest()), 201).path("id").asText();
                for (BlobRef ref : sealed.blobs()) {
                    ok(a.putBytes(base + "/" + onA + "/blobs/" + ref.sha256(), sealed.bytes(ref), null), 200);
                }
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<Integer> abort = pool.submit(() -> {
                    go.await();
                    return a.json("DELETE", base + "/" + onA, null).statusCode();
                });
                java.util.concurrent.Future<String> publish = pool.submit(() -> {
                    go.await();
                    JsonNode session = ok(b.json("POST", base, sealed.uploadRequest()), 201);
                    String id = session.path("id").asText();
                    for (JsonNode missing : session.path("missing")) {
                        BlobRef ref = sealed.blobs().stream().filter(r -> r.sha256().equals(missing.asText()))
                                .findFirst().orElseThrow();
                        ok(b.putBytes(base + "/" + id + "/blobs/" + ref.sha256(), sealed.bytes(ref), null), 200);
                    }
                    var commit = b.json("POST", base + "/" + id + "/commit",
                            new String(sealed.envelope(), StandardCharsets.UTF_8));
                    return commit.statusCode() + " " + commit.body();
                });
                go.countDown();
                assertEquals(204, abort.get(60, java.util.concurrent.TimeUnit.SECONDS));
                String committed = publish.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(committed.startsWith("201"), "publish " + i + " on B: " + committed);
                for (BlobRef ref : sealed.blobs()) {
                    assertEquals(200, b.getBytes("/blobs/" + ref.sha256(), null).statusCode(), "blob of 3.0." + i);
                }
                // The next round's blobs must be collectable again: the bundle goes.
                ok(a.json("DELETE", "/api/v1/apps/" + APP + "/bundles/3.0." + i, null), 200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInstanceWithoutTheAdminKeyFileRefusesToRevokeTheOthers() throws Exception {
        Path own = dir.resolve("own");
        Files.createDirectories(own);
        IOException e = assertThrows(IOException.class, () -> PatchbayServer.start(config(own)));
        assertTrue(e.getMessage().contains("copy the admin-api-key file"), e.getMessage());
        // The other instances' key still works.
        assertEquals(200, a.json("GET", "/api/v1/apps", null).statusCode());
    }
}
