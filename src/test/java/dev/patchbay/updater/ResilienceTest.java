package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.BlobRef;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The failure-mode table of SECURITY.md: network faults, resume, deadline, full disk, deleted files, races. */
class ResilienceTest {
    static final TestKeys KEYS = new TestKeys();
    static final TestKeys.Sealed V110 = KEYS.seal("1.1.0", 1, Device.files("1.1.0", Device.noise(200_000, 2)));
    static final TestKeys.Sealed V120 = KEYS.seal("1.2.0", 2, Device.files("1.2.0", Device.noise(200_000, 3)));

    static BlobRef bigBlob(TestKeys.Sealed s) {
        return s.sealed().blobs().stream().max((a, b) -> Long.compare(a.length(), b.length())).orElseThrow();
    }

    @Test
    void coldStartNeverWaitsForTheNetwork() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.boot();
        assertTrue(d.server.checks.isEmpty(), "onColdStart returned before any request");
        assertEquals(null, d.updater.serverBasePath());
    }

    @Test
    void serverErrorsAndTimeoutsAreRetriedWithBackoffWithoutStateChange() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.server.updatesStatus.addAll(List.of(503, 429, FakeServer.TIMEOUT));
        d.boot();
        d.settle();
        assertEquals(1, d.server.checks.size());
        assertEquals(null, d.updater.getNextBundle(), "no state change while failing");
        d.advance(Duration.ofMillis(400));
        assertEquals(1, d.server.checks.size(), "the first retry waits at least half the base delay");
        d.advance(Duration.ofSeconds(30));
        assertEquals(4, d.server.checks.size(), "three failures, then success");
        assertEquals("1.1.0", d.updater.getNextBundle().version());
    }

    @Test
    void retryAfterIsHonoured() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.server.updatesStatus.add(429);
        d.boot();
        d.settle();
        d.advance(Duration.ofMillis(1900));
        assertEquals(1, d.server.checks.size(), "Retry-After: 2 holds the retry back");
        d.advance(Duration.ofMillis(200));
        assertEquals(2, d.server.checks.size());
        assertEquals("1.1.0", d.updater.getNextBundle().version());
    }

    @Test
    void retriesAreBoundedAndTheAppKeepsWhatItRuns() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        for (int i = 0; i < 10; i++) {
            d.server.updatesStatus.add(500);
        }
        d.boot();
        d.advance(Duration.ofMinutes(5));
        assertEquals(4, d.server.checks.size(), "1 try + 3 retries");
        assertEquals(1, d.events(UpdaterEvent.CheckFailed.class).size());
        assertEquals("builtin", d.currentVersion());
        assertEquals(null, d.updater.getNextBundle());
    }

    @Test
    void aDroppedConnectionResumesOnACorrect206() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.server.dropAfter = 70_000;
        d.server.drops = 1;
        d.boot();
        d.advance(Duration.ofSeconds(10));
        assertEquals("1.1.0", d.updater.getNextBundle().version());
        BlobRef big = bigBlob(V110);
        assertTrue(d.server.blobRequests.contains(big.sha256() + " bytes=70000-"), d.server.blobRequests.toString());
        assertEquals(downloadable(V110), d.server.blobBytes, "resumed, nothing fetched twice");
    }

    @Test
    void aWrong206OrA200ToARangeRestartsFromZero() {
        for (boolean wrong : new boolean[] {true, false}) {
            Device d = new Device(KEYS);
            d.server.publish(V110);
            d.server.dropAfter = 70_000;
            d.server.drops = 1;
            d.server.wrongRange = wrong;
            d.server.ignoreRange = !wrong;
            d.boot();
            d.advance(Duration.ofSeconds(30));
            assertEquals("1.1.0", d.updater.getNextBundle().version(), "wrong=" + wrong);
            BlobRef big = bigBlob(V110);
            assertTrue(d.server.blobRequests.contains(big.sha256() + " bytes=70000-"));
            assertTrue(d.server.blobBytes >= downloadable(V110) + 70_000 - 7, "fetched again from zero: "
                    + d.server.blobBytes);
            assertTrue(Device.sameFiles(V110.files(), readInstalled(d, d.updater.getNextBundle().id())));
        }
    }

    /** Ciphertext bytes a device on builtin must fetch: all blobs but the one of the unchanged app.js. */
    static long downloadable(TestKeys.Sealed s) {
        long total = s.blobs().values().stream().mapToLong(b -> b.length).sum();
        return total - s.sealed().manifest().files().stream().filter(f -> f.path().equals("assets/app.js"))
                .findFirst().orElseThrow().blobRef().length();
    }

    static Map<String, byte[]> readInstalled(Device d, String id) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        d.disk.files.forEach((k, v) -> {
            if (k.startsWith("versions/" + id + "/")) {
                out.put(k.substring(("versions/" + id + "/").length()), v);
            }
        });
        return out;
    }

    @Test
    void aDripFeedHitsTheDeadlineAndTheAttemptIsRescheduled() {
        Device d = new Device(KEYS, b -> b.downloadDeadline(Duration.ofSeconds(60)));
        d.server.publish(V110);
        d.server.dripBytes = 1000;
        d.server.dripMs = 1000;
        d.boot();
        d.settle();
        assertEquals(1, d.events(UpdaterEvent.DownloadFailed.class).size());
        assertTrue(d.events(UpdaterEvent.DownloadFailed.class).get(0).reason().contains("longer than 60 s"));
        assertEquals(null, d.updater.getNextBundle());
        d.server.dripBytes = -1;
        d.advance(Duration.ofMinutes(8));
        assertEquals(2, d.server.checks.size(), "the attempt was rescheduled");
        assertEquals("1.1.0", d.updater.getNextBundle().version());
        assertTrue(d.server.actions().contains("download_fail"));
    }

    @Test
    void aFailedDownloadIsRetriedAtTheNextStart() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.server.blobStatus.add(404);
        d.boot();
        d.settle();
        assertEquals(1, d.events(UpdaterEvent.DownloadFailed.class).size());
        assertEquals(BundleStatus.ERROR, d.updater.list().get(0).status());
        assertEquals(null, d.updater.getNextBundle());
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.updater.getNextBundle().version());
        assertEquals(1, d.updater.list().size());
    }

    @Test
    void aFullDiskKeepsTheOldBundleAndTempFilesGoAtTheNextStart() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.boot();
        d.settle();
        d.pageLoaded();
        d.ready();
        assertEquals("1.1.0", d.currentVersion());
        for (long room : new long[] {10_000, 150_000, 300_000}) {
            d.server.publish(V120);
            d.disk.capacity = d.disk.used() + room;
            d.updater.triggerUpdateCheck();
            d.settle();
            assertEquals("1.1.0", d.currentVersion(), "room " + room);
            assertFalse(d.events(UpdaterEvent.DownloadFailed.class).isEmpty(), "room " + room);
            d.disk.capacity = -1;
            d.boot();
            assertEquals("1.1.0", d.servedVersion(Map.of("1.1.0", V110)));
            assertTrue(d.disk.files.keySet().stream().noneMatch(f -> f.startsWith("downloads/")
                    || f.contains(".partial") || f.startsWith("meta/") && !f.contains(d.updater.current().bundle()
                    .id())), d.disk.files.keySet().toString());
            d.disk.capacity = d.disk.used() + room;
            d.settle();
            d.disk.capacity = -1;
            d.boot();
        }
    }

    @Test
    void filesDeletedBehindTheRuntimesBackFallBack() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.boot();
        d.settle();
        d.pageLoaded();
        d.ready();
        d.server.publish(V120);
        d.updater.triggerUpdateCheck();
        d.settle();
        d.pageLoaded();
        d.ready();
        assertEquals("1.2.0", d.currentVersion());
        // 1.1.0 was deleted as the previous bundle; now someone deletes a file of 1.2.0
        String id = d.updater.current().bundle().id();
        d.disk.files.remove("versions/" + id + "/index.html");
        d.boot();
        assertEquals("builtin", d.currentVersion());
        UpdaterEvent.UpdateFailed f = d.events(UpdaterEvent.UpdateFailed.class).get(0);
        assertTrue(f.reason().contains("index.html is missing"), d.events.toString());
        assertEquals(null, d.web.path);

        // A changed file of an unconfirmed bundle is caught by its digest.
        Device e = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        e.server.publish(V110);
        e.boot();
        e.settle();
        String eid = e.updater.current().bundle().id();
        e.disk.files.put("versions/" + eid + "/index.html", "<html>vers!on 1.1.0</html>".getBytes());
        e.boot();
        assertEquals("builtin", e.currentVersion());
        assertTrue(e.events(UpdaterEvent.UpdateFailed.class).get(0).reason().contains("SHA-256"));
    }

    @Test
    void aShutDownInstanceNeverWritesAgain() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.boot();
        for (int i = 0; i < 4; i++) {
            d.exec.runOne();
        }
        d.updater.shutdown();
        int writes = d.disk.writes;
        d.settle();
        d.advance(Duration.ofMinutes(30));
        d.updater.onForeground();
        d.updater.onBackground();
        d.settle();
        assertEquals(writes, d.disk.writes);
    }

    @Test
    void racingChecksDownloadEachContentOnce() throws Exception {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        d.server.publish(V110);
        d.boot();
        LatestVersion a = join(d, d.updater.getLatest(null));
        LatestVersion b = join(d, d.updater.getLatest(null));
        CompletableFuture<BundleInfo> fa = d.updater.download(a);
        CompletableFuture<BundleInfo> fb = d.updater.download(b);
        d.settle();
        assertEquals(fa.get().id(), fb.get().id());
        Map<String, Integer> perBlob = new HashMap<>();
        d.server.blobRequests.forEach(r -> perBlob.merge(r.split(" ")[0], 1, Integer::sum));
        assertTrue(perBlob.values().stream().allMatch(n -> n == 1), perBlob.toString());
        assertEquals(1, d.updater.list().size());
        assertEquals(fa.get().id(), d.updater.download(a).get().id(), "downloaded content is reused");
    }

    @Test
    void racingChecksOnRealThreadsHaveOneWriter() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Device d = new Device(KEYS);
            d.server.publish(V110);
            d.proc = d.disk.new Proc();
            d.exec = null;
            Updater u = new Updater(d.config, new dev.patchbay.updater.port.Ports(d.app,
                    d.proc.kv("CapacitorUpdater"), d.proc.kv("CapWebViewSettings"), d.proc.fileStore(),
                    d.ports().builtin(), d.server, d.clock, d.web, pool));
            u.onColdStart();
            List<CompletableFuture<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(CompletableFuture.runAsync(u::onForeground, pool));
                all.add(CompletableFuture.runAsync(u::triggerUpdateCheck, pool));
                all.add(u.getLatest(null).thenCompose(u::download));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
            assertTrue(u.awaitIdle(Duration.ofSeconds(20)));
            Map<String, Integer> perBlob = new HashMap<>();
            d.server.blobRequests.forEach(r -> perBlob.merge(r.split(" ")[0], 1, Integer::sum));
            assertTrue(perBlob.values().stream().allMatch(n -> n == 1), perBlob.toString());
            assertEquals(1, u.list().size(), u.list().toString());
            assertEquals("1.1.0", u.getNextBundle().version());
            u.shutdown();
        } finally {
            pool.shutdownNow();
        }
    }

    static <T> T join(Device d, CompletableFuture<T> f) {
        d.settle();
        return f.join();
    }
}
