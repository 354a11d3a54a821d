package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.server.freshness.FreshnessBatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch-signed freshness (ADR 0114) on the server: who gets which form, and concurrent answers share a signature. */
class BatchedFreshnessTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;

    @Test
    void devicesThatAskGetABatchProofOthersAStatementSignedOnItsOwn() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            DeviceFixture f = new DeviceFixture(s, APP).create().trustServer();
            f.publish("1.5.0", 8);
            f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
            f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");

            String device = DeviceFixture.newDevice();
            ObjectNode old = f.checkBody(device, Map.of());
            JsonNode a = f.check(old);
            assertFalse(a.get("freshness").has("batch"), a.toString());
            assertFalse(verify(f, a, old).batched());

            ObjectNode batched = f.checkBody(device, Map.of()).put("freshnessBatch", true);
            JsonNode b = f.check(batched);
            assertEquals("update", b.path("kind").asText(), b.toString());
            assertTrue(b.get("freshness").has("batch"), b.toString());
            FreshnessStatement st = verify(f, b, batched);
            assertTrue(st.batched());
            assertEquals("1.5.0", st.release().version());

            // 24 devices checking at once over real HTTP: every answer verifies for its own device and nonce.
            int n = 24;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Long>> sizes = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    sizes.add(pool.submit(() -> {
                        ObjectNode body = f.checkBody(DeviceFixture.newDevice(), Map.of()).put("freshnessBatch", true);
                        go.await();
                        return verify(f, f.check(body), body).batchSize();
                    }));
                }
                go.countDown();
                for (Future<Long> size : sizes) {
                    assertTrue(size.get() >= 1);
                }
            } finally {
                pool.shutdownNow();
            }
            var bad = f.post("/updates", f.checkBody(device, Map.of()).put("freshnessBatch", "yes").toString());
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("freshnessBatch"), bad.body());
        }
    }

    static FreshnessStatement verify(DeviceFixture f, JsonNode answer, ObjectNode request) {
        return FreshnessStatement.verify(answer.get("freshness"), answer.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), APP, request.path("deviceId").asText(), request.path("nonce").asText());
    }

    @Test
    void concurrentStatementsShareOneSignaturePerBatchAndEachVerifies() throws Exception {
        byte[] root = Ed25519.generatePrivateKey();
        byte[] key = Ed25519.generatePrivateKey();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        FreshnessCert cert = FreshnessCert.create(APP, Ed25519.publicKey(key), t0, t0.plus(Duration.ofDays(30)), root);
        FreshnessBatcher batcher = new FreshnessBatcher(Ed25519.signer(key));

        // Alone: a batch of one, at once.
        JsonNode lone = batcher.sign(statement(0, 0, t0));
        assertEquals(1, lone.get("batch").get("treeSize").asLong());
        assertEquals(1, batcher.batches());

        int threads = 16;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<JsonNode>>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    List<JsonNode> answers = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        answers.add(batcher.sign(statement(thread, i, t0)));
                    }
                    return answers;
                }));
            }
            go.countDown();
            for (int t = 0; t < threads; t++) {
                List<JsonNode> answers = done.get(t).get();
                for (int i = 0; i < each; i++) {
                    FreshnessStatement.verify(answers.get(i), cert.toJson(), Ed25519.publicKey(root), APP, device(t),
                            nonce(t, i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1 + threads * each, batcher.statements());
        // Signing alone, 16 threads queue while one signs: far fewer signatures than statements.
        assertTrue(batcher.batches() < batcher.statements(),
                batcher.batches() + " signatures for " + batcher.statements() + " statements");
    }

    @Test
    void oneClientCheckingAgainAndAgainNeverWaitsTheWindowAndOthersJoinALeadersBatchWithoutWaiting() throws Exception {
        byte[] root = Ed25519.generatePrivateKey();
        byte[] key = Ed25519.generatePrivateKey();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        FreshnessCert cert = FreshnessCert.create(APP, Ed25519.publicKey(key), t0, t0.plus(Duration.ofDays(30)), root);
        // A window far longer than a signature: a statement that waited for it would show in the elapsed time.
        FreshnessBatcher batcher = new FreshnessBatcher(Ed25519.signer(key), Duration.ofMillis(400), 256);
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            // Each after the answer to the one before: nothing could join its batch, so nothing waits.
            JsonNode a = batcher.sign(statement(0, i, t0));
            assertEquals(1, a.get("batch").get("treeSize").asLong());
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs < 2_000, "10 sequential statements took " + elapsedMs + " ms (a window each is 3.6 s)");

        // While a leader gathers (another batch is still being signed), a statement from another thread joins its
        // batch: signLater returns at once and the leader completes it with the shared signature.
        CountDownLatch signing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // A batch whose completion blocks keeps "sealing" > 0 while the next one gathers.
            Future<?> first = pool.submit(() -> batcher.signLater(statement(1, 0, t0), (f, e) -> {
                signing.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertTrue(signing.await(10, java.util.concurrent.TimeUnit.SECONDS));
            java.util.concurrent.CompletableFuture<JsonNode> led = new java.util.concurrent.CompletableFuture<>();
            Future<?> leader = pool.submit(() -> batcher.signLater(statement(2, 0, t0), (f, e) -> led.complete(f)));
            Thread.sleep(50); // the leader is gathering now (it waits up to 400 ms)
            java.util.concurrent.CompletableFuture<JsonNode> joined = new java.util.concurrent.CompletableFuture<>();
            long before = System.nanoTime();
            batcher.signLater(statement(3, 0, t0), (f, e) -> joined.complete(f));
            assertTrue((System.nanoTime() - before) / 1_000_000 < 200, "a statement joining a batch returns at once");
            JsonNode a = joined.get(10, java.util.concurrent.TimeUnit.SECONDS);
            JsonNode b = led.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(2, a.get("batch").get("treeSize").asLong(), a.toString());
            assertEquals(a.get("signature"), b.get("signature"));
            FreshnessStatement.verify(a, cert.toJson(), Ed25519.publicKey(root), APP, device(3), nonce(3, 0));
            FreshnessStatement.verify(b, cert.toJson(), Ed25519.publicKey(root), APP, device(2), nonce(2, 0));
            release.countDown();
            first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            leader.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    static String device(int t) {
        return String.format("00000000-0000-4000-a000-%012d", t);
    }

    static String nonce(int t, int i) {
        return String.format("n-%02d-%05d-AAAAAAAAAAAA", t, i);
    }

    static ObjectNode statement(int t, int i, Instant at) {
        return FreshnessStatement.statement(APP, device(t), nonce(t, i), "production",
                FreshnessStatement.Outcome.UP_TO_DATE, null, at.plusSeconds(60), Duration.ofMinutes(10));
    }
}
