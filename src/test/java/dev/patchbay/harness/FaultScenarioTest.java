package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.showing;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.Json;
import dev.patchbay.server.TestReleases;
import dev.patchbay.updater.AutoUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure modes of the shared SECURITY.md, each through the harness's fault injection, on headless devices
 * against a real server with real sealed bundles and the real runtime.
 */
class FaultScenarioTest {
    @TempDir
    static Path dir;
    static DeviceLab server;
    DeviceLab lab;

    @BeforeAll
    static void start() throws Exception {
        server = new DeviceLab(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void app() throws Exception {
        lab = server.newApp();
    }

    @AfterEach
    void devices() {
        lab.close();
    }

    static long total(TestReleases.Sealed s) {
        return s.blobs().stream().mapToLong(BlobRef::length).sum();
    }

    /** The URL part of the bundle's largest blob. */
    static String largest(TestReleases.Sealed s) {
        return "/blobs/" + s.blobs().stream().max(java.util.Comparator.comparingLong(BlobRef::length)).orElseThrow()
                .sha256();
    }

    static boolean logged(EmulatedDevice d, String text) {
        return d.log().stream().anyMatch(e -> e.message().contains(text));
    }

    /** Leftovers of interrupted work in the files folder: download parts and unfinished bundle folders. */
    static List<String> leftovers(EmulatedDevice d) throws Exception {
        Path files = d.filesFolder();
        if (!Files.exists(files)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(files)) {
            return s.map(p -> files.relativize(p).toString())
                    .filter(p -> p.endsWith(".part") || p.contains(".partial")).toList();
        }
    }

    @Test
    void aDroppedDownloadResumesWithARange() throws Exception {
        TestReleases.Sealed b = lab.release(lab.big("1.1.0", 400_000), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.faults().network().dropAfter(150_000, largest(b), 1);
        d.coldStart();
        until(d, current("1.1.0", "success"));
        assertTrue(d.traffic().exchanges("/blobs/").stream()
                .anyMatch(e -> e.range() != null && e.status() == 206), d.traffic().exchanges("/blobs/").toString());
        assertEquals(total(b), d.traffic().bodyBytes("/blobs/"), "nothing downloaded twice");
    }

    @Test
    void withoutA206TheDownloadStartsOver() throws Exception {
        TestReleases.Sealed b = lab.release(lab.big("1.1.0", 400_000), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.faults().network().dropAfter(150_000, largest(b), 1).ignoreRange("/blobs/", -1);
        d.coldStart();
        until(d, current("1.1.0", "success"));
        assertEquals(total(b) + 150_000, d.traffic().bodyBytes("/blobs/"), "the cut blob was fetched again whole");
    }

    @Test
    void serverErrorsRateLimitsAndHangsChangeNothingAndNeverBlockTheStart() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        List<UnaryOperator<NetworkFaults>> faults = List.of(
                n -> n.status(503, null, "/updates", -1),
                n -> n.status(429, Duration.ofSeconds(1), "/updates", -1),
                n -> n.hang("/updates", -1));
        for (UnaryOperator<NetworkFaults> fault : faults) {
            EmulatedDevice d = lab.headless(lab.app(c -> c.autoUpdate(AutoUpdate.ALWAYS)
                    .responseTimeout(Duration.ofSeconds(1)).maxRetries(1)));
            fault.apply(d.faults().network());
            long t0 = System.nanoTime();
            d.coldStart();
            assertTrue(System.nanoTime() - t0 < 900_000_000L, "the start does not wait for the network");
            until(d, showing("1.0.0"));
            d.awaitLog("event checkFailed", Await.LONG);
            DeviceState s = d.state();
            assertEquals("builtin", s.current().id(), d.faults().describe().toString());
            assertEquals(1, s.bundles().size());
            assertNull(s.next());
            assertTrue(d.traffic().exchanges("/blobs/").isEmpty());
            d.faults().network().clear();
            d.updater().triggerUpdateCheck();
            until(d, current("1.1.0", "success"));
        }
    }

    @Test
    void aDripFeedHitsTheDownloadDeadlineAndALaterAttemptSucceeds() throws Exception {
        lab.release(lab.big("1.1.0", 200_000), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(c -> c.autoUpdate(AutoUpdate.ALWAYS)
                .downloadDeadline(Duration.ofSeconds(1))));
        d.faults().network().bandwidth(20_000, "/blobs/", -1);
        d.coldStart();
        d.awaitLog("event downloadFailed", Await.LONG);
        d.updater().awaitIdle(Duration.ofSeconds(10));
        assertEquals("builtin", d.state().current().id());
        assertEquals(1, d.state().bundles().size());
        d.faults().network().clear();
        d.updater().triggerUpdateCheck();
        until(d, current("1.1.0", "success"));
    }

    @Test
    void aFullDiskKeepsTheOldBundleBootingAndLeftoversGoAtTheNextStart() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        until(d, current("1.1.0", "success"));
        d.updater().awaitIdle(Duration.ofSeconds(10));
        lab.release(lab.big("1.2.0", 300_000), "1.2.0", 2);
        d.faults().disk().setFree(120_000);
        d.updater().triggerUpdateCheck();
        LogEntry failed = d.awaitLog("event downloadFailed", Await.LONG);
        assertTrue(failed.message().contains("space") || failed.message().contains("disk"), failed.message());
        d.updater().awaitIdle(Duration.ofSeconds(10));
        assertTrue(until(d, current("1.1.0", "success")).bundle("1.2.0") == null);
        d.kill();
        d.faults().disk().unlimited();
        d.faults().network().offline(true);
        d.coldStart();
        until(d, showing("1.1.0"));
        d.updater().awaitIdle(Duration.ofSeconds(10));
        assertEquals(List.of(), leftovers(d));
        d.faults().network().offline(false);
        d.updater().triggerUpdateCheck();
        until(d, current("1.2.0", "success"));
    }

    @Test
    void aTamperedBlobIsRejectedAndTheReasonReported() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.faults().network().tamper("/blobs/", body -> {
            byte[] b = body.clone();
            b[b.length / 2] ^= 1;
            return b;
        }, -1);
        d.coldStart();
        d.awaitLog("event downloadFailed", Await.LONG);
        d.updater().awaitIdle(Duration.ofSeconds(10));
        DeviceState s = d.state();
        assertEquals("builtin", s.current().id());
        assertEquals(1, s.bundles().size());
        assertEquals(List.of(), leftovers(d));
        assertReported(d, "download_fail", "verify_fail");
    }

    @Test
    void tamperedMetadataOrSignatureIsRejectedBeforeAnyDownload() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        List<UnaryOperator<ObjectNode>> edits = List.of(
                env -> { ((ObjectNode) env.path("release")).put("nativeMin", "0.0.1"); return env; },
                env -> { ((ObjectNode) env.path("signature")).put("value", "A".repeat(86)); return env; });
        for (UnaryOperator<ObjectNode> edit : edits) {
            EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
            d.faults().network().tamper("/updates", body -> {
                try {
                    ObjectNode answer = (ObjectNode) Json.mapper().readTree(body);
                    if (answer.has("release")) {
                        answer.set("release", edit.apply((ObjectNode) answer.get("release")));
                    }
                    return answer.toString().getBytes(StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, -1);
            d.coldStart();
            until(d, showing("1.0.0"));
            d.updater().awaitIdle(Duration.ofSeconds(10));
            assertTrue(logged(d, "event verifyFailed") || logged(d, "event freshnessFailed"), d.tail(30));
            assertTrue(d.traffic().exchanges("/blobs/").isEmpty(), "nothing downloaded");
            assertEquals("builtin", d.state().current().id());
            assertReported(d, "verify_fail", "freshness_fail");
        }
    }

    /** The server's timeline of the device holds one of {@code actions} with a reason. */
    void assertReported(EmulatedDevice d, String... actions) throws Exception {
        String id = d.updater().getDeviceId();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (JsonNode e : lab.serverEvents(id)) {
                for (String a : actions) {
                    if (a.equals(e.path("action").asText()) && !e.path("details").path("reason").asText().isEmpty()) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The server has no " + String.join("/", actions) + " event with a reason: "
                        + lab.serverEvents(id));
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aKillAtEveryPersistedStepOfAnInstallAlwaysBootsACompleteBundle() throws Exception {
        Path site = lab.healthy("1.1.0");
        lab.release(site, "1.1.0", 1);
        EmulatedDevice probe = lab.headless(lab.app(AutoUpdate.ALWAYS));
        probe.faults().killSwitch().startTrace();
        probe.coldStart();
        until(probe, current("1.1.0", "success"));
        probe.updater().awaitIdle(Duration.ofSeconds(10));
        List<String> steps = probe.faults().killSwitch().trace();
        assertTrue(steps.size() >= 5, steps.toString());
        for (int n = 1; n <= steps.size(); n++) {
            EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
            d.faults().killSwitch().armAt(n);
            d.coldStart();
            int step = n;
            d.await(s -> !s.running() || current("1.1.0", "success").test(s), Await.LONG);
            if (d.updater() != null) {
                d.updater().awaitIdle(Duration.ofSeconds(10));
            }
            d.faults().killSwitch().disarm();
            d.kill();
            d.faults().network().offline(true);
            d.coldStart();
            DeviceState s = d.await(x -> x.page() != null && x.page().loaded(), Await.LONG);
            String where = "killed at write " + step + " (" + steps.get(step - 1) + "): " + s;
            assertTrue(s.page().version().equals("1.0.0") || s.page().version().equals("1.1.0"), where);
            if (!s.current().builtin()) {
                Path folder = Path.of(s.serverBasePath());
                for (String file : List.of("index.html", "app.js")) {
                    assertEquals(Files.readString(site.resolve(file)), Files.readString(folder.resolve(file)), where);
                }
            }
            d.faults().network().offline(false);
            d.updater().triggerUpdateCheck();
            until(d, current("1.1.0", "success"));
            d.close();
        }
    }

    @Test
    void filesDeletedBehindItsBackFallBack() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        DeviceState s = until(d, current("1.1.0", "success"));
        d.updater().awaitIdle(Duration.ofSeconds(10));
        d.kill();
        Files.delete(Path.of(s.serverBasePath()).resolve("app.js"));
        d.faults().network().offline(true);
        d.coldStart();
        s = until(d, showing("1.0.0"));
        assertEquals("builtin", s.current().id());
        assertTrue(logged(d, "event updateFailed"), d.tail(20));
    }

    @Test
    void aWrongDeviceClockNeitherBricksNorBlocksUpdates() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        for (Duration skew : List.of(Duration.ofDays(1), Duration.ofDays(-1), Duration.ofDays(365),
                Duration.ofDays(-365))) {
            EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
            d.faults().clockSkew(skew);
            d.coldStart();
            until(d, current("1.1.0", "success"));
            d.kill();
            d.coldStart();
            until(d, showing("1.1.0"));
        }
    }

    @Test
    void racingChecksDownloadOnce() throws Exception {
        TestReleases.Sealed b = lab.release(lab.big("1.1.0", 100_000), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.AT_BACKGROUND));
        d.faults().network().latency(Duration.ofMillis(100));
        d.coldStart();
        var u = d.updater();
        for (int i = 0; i < 3; i++) {
            u.triggerUpdateCheck();
            d.background();
            d.foreground();
        }
        var manual = List.of(u.getLatest(null).thenCompose(u::download), u.getLatest(null).thenCompose(u::download));
        until(d, Await.next("1.1.0"));
        for (var m : manual) {
            try {
                m.get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // a racing manual download may be refused; what matters is what was fetched
            }
        }
        u.awaitIdle(Duration.ofSeconds(10));
        assertEquals(b.blobs().size(), d.traffic().exchanges("/blobs/").size(), d.traffic().exchanges("/blobs/")
                .toString());
        assertEquals(2, d.state().bundles().size(), "one bundle: " + d.state().bundles());
        assertFalse(leftovers(d).size() > 0);
    }

    @Test
    void aBundleThatNeverConfirmsOrCrashesIsRolledBackOnceAndNotRetried() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice quiet = lab.headless(lab.quickRollback(AutoUpdate.ALWAYS),
                java.util.Map.of("1.1.0", SimulatedBehaviour.neverReady()));
        EmulatedDevice crashing = lab.headless(lab.quickRollback(AutoUpdate.ALWAYS),
                java.util.Map.of("1.1.0", SimulatedBehaviour.crashOnLoad()));
        quiet.coldStart();
        quiet.awaitLog("event updateFailed", Await.LONG);
        crashing.coldStart();
        for (int i = 0; i < 5 && !logged(crashing, "event updateFailed"); i++) {
            crashing.await(s -> !s.running(), Await.LONG);
            crashing.coldStart();
            Thread.sleep(200);
        }
        assertTrue(logged(crashing, "event updateFailed"), crashing.tail(30));
        for (EmulatedDevice d : List.of(quiet, crashing)) {
            d.await(s -> s.running() && showing("1.0.0").test(s), Await.LONG);
            d.updater().awaitIdle(Duration.ofSeconds(10));
            int downloads = d.traffic().exchanges("/blobs/").size();
            d.kill();
            d.coldStart();
            d.background();
            d.foreground();
            d.updater().awaitIdle(Duration.ofSeconds(10));
            assertEquals(downloads, d.traffic().exchanges("/blobs/").size(), "not downloaded again");
            assertEquals("builtin", d.state().current().id());
        }
    }
}
