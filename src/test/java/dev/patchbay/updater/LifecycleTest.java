package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Modes, the JS API, bundle states, confirmation and rollback, native version changes, persisted paths. */
class LifecycleTest {
    static final TestKeys KEYS = new TestKeys();
    static final TestKeys.Sealed V110 = KEYS.seal("1.1.0", 1, Device.files("1.1.0", "a"));
    static final TestKeys.Sealed V120 = KEYS.seal("1.2.0", 2, Device.files("1.2.0", "b"));
    static final TestKeys.Sealed V130 = KEYS.seal("1.3.0", 3, Device.files("1.3.0", "c"));
    static final Map<String, TestKeys.Sealed> KNOWN = Map.of("1.1.0", V110, "1.2.0", V120, "1.3.0", V130);

    /** A device (mode {@code mode}) running {@code release}, confirmed. */
    static Device runningConfirmed(AutoUpdate mode, TestKeys.Sealed release) {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        d.boot();
        d.server.publish(release);
        LatestVersion l = ResilienceTest.join(d, d.updater.getLatest(null));
        BundleInfo b = ResilienceTest.join(d, d.updater.download(l));
        d.updater.set(b.id());
        d.pageLoaded();
        assertEquals(BundleStatus.SUCCESS, d.ready().status());
        UpdaterConfig.Builder c = KEYS.config().autoUpdate(mode);
        d.config = c.build();
        return d;
    }

    @Test
    void offNeverChecksByItself() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        d.server.publish(V110);
        d.boot();
        d.updater.onForeground();
        d.updater.onBackground();
        d.advance(Duration.ofHours(1));
        assertTrue(d.server.checks.isEmpty());
        assertEquals(CheckStatus.UNAVAILABLE, d.updater.triggerUpdateCheck());
    }

    @Test
    void manualGetLatestDownloadAndNextWithProgressAndStates() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        d.server.publish(KEYS.seal("1.1.0", 1, Device.files("1.1.0", Device.noise(600_000, 1))));
        d.boot();
        LatestVersion l = ResilienceTest.join(d, d.updater.getLatest(null));
        assertTrue(l.isUpdate());
        assertEquals("1.1.0", l.version());
        CompletableFuture<BundleInfo> f = d.updater.download(l);
        List<BundleStatus> seen = new ArrayList<>();
        while (d.exec.runOne()) {
            d.updater.list().forEach(b -> seen.add(b.status()));
        }
        assertTrue(seen.contains(BundleStatus.DOWNLOADING), seen.toString());
        BundleInfo b = f.join();
        assertEquals(BundleStatus.PENDING, b.status());
        List<Integer> pct = d.events(UpdaterEvent.Download.class).stream().map(UpdaterEvent.Download::percent)
                .toList();
        assertEquals(0, pct.get(0));
        assertEquals(100, pct.get(pct.size() - 1));
        assertTrue(pct.size() >= 6, pct.toString());
        for (int i = 1; i < pct.size(); i++) {
            assertTrue(pct.get(i) >= pct.get(i - 1), pct.toString());
        }
        assertEquals(1, d.events(UpdaterEvent.DownloadComplete.class).size());
        assertEquals(1, d.events(UpdaterEvent.UpdateAvailable.class).size());

        d.updater.next(b.id());
        assertEquals(b.id(), d.updater.getNextBundle().id());
        assertEquals(1, d.events(UpdaterEvent.SetNext.class).size());
        d.updater.onBackground();
        assertEquals("1.1.0", d.currentVersion());
        assertEquals(BundleStatus.PENDING, d.updater.current().bundle().status());
        d.pageLoaded();
        assertEquals(BundleStatus.SUCCESS, d.ready().status());
        d.settle();
        assertTrue(d.server.actions().containsAll(List.of("download_start", "download_progress",
                "download_complete", "set_next", "set", "app_ready")), d.server.actions().toString());
    }

    @Test
    void getLatestReportsUpToDateAndBlockedAndRejectsFailed() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        d.boot();
        assertEquals("up_to_date", ResilienceTest.join(d, d.updater.getLatest(null)).kind());
        d.server.blocked = "native_too_old";
        LatestVersion l = ResilienceTest.join(d, d.updater.getLatest(null));
        assertEquals("blocked", l.kind());
        assertEquals("native_too_old", l.error());
        CompletableFuture<BundleInfo> f = d.updater.download(l);
        assertThrows(CompletionException.class, f::join);
    }

    @Test
    void onLaunchInstallsTheFirstCheckOnlyThenQueues() {
        Device d = runningConfirmed(AutoUpdate.ON_LAUNCH, V110);
        d.server.publish(V120);
        d.boot();
        d.settle();
        assertEquals("1.2.0", d.currentVersion(), "first check after launch installs at once");
        d.pageLoaded();
        d.ready();
        d.server.publish(V130);
        d.updater.onForeground();
        d.settle();
        assertEquals("1.2.0", d.currentVersion(), "a later check queues");
        assertEquals("1.3.0", d.updater.getNextBundle().version());
        d.updater.onBackground();
        assertEquals("1.3.0", d.currentVersion());
    }

    @Test
    void aQueuedBundleIsInstalledAtTheNextColdStart() {
        Device d = runningConfirmed(AutoUpdate.AT_BACKGROUND, V110);
        d.server.publish(V120);
        d.boot();
        d.settle();
        assertEquals("1.2.0", d.updater.getNextBundle().version());
        d.boot();
        assertEquals("1.2.0", d.servedVersion(KNOWN));
        assertNull(d.updater.getNextBundle());
    }

    @Test
    void anUnconfirmedBundleRollsBackToTheLastGoodOneAndIsNeverRetried() {
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        d.server.publish(V120);
        d.boot();
        d.settle();
        assertEquals("1.2.0", d.currentVersion());
        d.pageLoaded();
        d.advance(Duration.ofSeconds(10));
        assertEquals("1.1.0", d.currentVersion(), "rolled back to the last confirmed bundle, not builtin");
        assertEquals("1.1.0", d.servedVersion(KNOWN));
        UpdaterEvent.UpdateFailed f = d.events(UpdaterEvent.UpdateFailed.class).get(0);
        assertEquals("1.2.0", f.bundle().version());
        assertEquals("1.1.0", f.to().version());
        assertTrue(f.reason().contains("10000 ms"));
        int blobs = d.server.blobRequests.size();
        d.updater.onForeground();
        d.settle();
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.currentVersion());
        assertEquals(blobs, d.server.blobRequests.size(), "the failed version is never downloaded again");
        assertTrue(d.events(UpdaterEvent.NoNeedUpdate.class).stream().anyMatch(n -> n.reason()
                .startsWith("failed_before")));
        d.settle();
        assertTrue(d.server.actions().contains("rollback"));
        // a newer release is installed normally
        d.server.publish(V130);
        d.updater.onForeground();
        d.settle();
        assertEquals("1.3.0", d.currentVersion());
    }

    @Test
    void aBundleThatCrashesBeforeConfirmingIsRolledBackAfterTwoLaunches() {
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        d.server.publish(V120);
        d.boot();
        d.settle();
        assertEquals("1.2.0", d.currentVersion());
        d.boot(); // crashed before notifyAppReady; launch 2 may still confirm
        assertEquals("1.2.0", d.currentVersion());
        d.boot(); // crashed again
        assertEquals("1.1.0", d.currentVersion());
        assertTrue(d.events(UpdaterEvent.UpdateFailed.class).get(0).reason().contains("2 launches"));
    }

    @Test
    void theOldPageCannotConfirmTheNewBundle() {
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        String oldPage = d.web.path;
        d.server.publish(V120);
        d.boot();
        d.web.path = d.updater.serverBasePath();
        d.pageLoaded();
        oldPage = d.web.path;
        d.settle();
        assertEquals("1.2.0", d.currentVersion());
        assertEquals(BundleStatus.PENDING, d.updater.notifyAppReady(oldPage).status(), "old page during switch");
        assertEquals(BundleStatus.PENDING, d.updater.notifyAppReady(d.web.path).status(), "page not loaded yet");
        d.pageLoaded();
        assertEquals(BundleStatus.SUCCESS, d.updater.notifyAppReady(d.web.path).status());
    }

    @Test
    void aPageLoadedBeforeTheColdStartCountsOnlyIfItIsTheBundleKept() {
        // Installed, killed before confirming: the WebView loads it before the runtime starts; it may confirm.
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        d.server.publish(V120);
        d.boot();
        d.settle();
        assertEquals("1.2.0", d.currentVersion());
        d.bootWebViewFirst();
        assertEquals(BundleStatus.SUCCESS, d.updater.notifyAppReady(d.web.path).status());

        // Queued while on builtin: the WebView starts on builtin, the cold start switches it to the queued bundle.
        Device q = new Device(KEYS);
        q.server.publish(V110);
        q.boot();
        q.settle();
        assertEquals("1.1.0", q.updater.getNextBundle().version());
        q.bootWebViewFirst();
        assertEquals("1.1.0", q.currentVersion());
        assertEquals(q.updater.serverBasePath(), q.web.path, "the WebView was told to switch");
        assertEquals(BundleStatus.PENDING, q.updater.notifyAppReady(null).status(), "the builtin page cannot");
        assertEquals(BundleStatus.PENDING, q.updater.notifyAppReady(q.web.path).status(), "not loaded yet");
        q.pageLoaded();
        assertEquals(BundleStatus.SUCCESS, q.updater.notifyAppReady(q.web.path).status());
    }

    @Test
    void aNativeBuildChangeResetsToBuiltinAndDeletesBundles() {
        Device d = runningConfirmed(AutoUpdate.AT_BACKGROUND, V110);
        d.app = new dev.patchbay.updater.port.AppInfo("1.1.0", 110, "android", "14", false, true);
        d.boot();
        assertEquals("builtin", d.currentVersion());
        assertNull(d.web.path);
        assertTrue(d.updater.list().isEmpty());
        assertTrue(d.disk.files.keySet().stream().noneMatch(f -> f.startsWith("versions/")));
        d.settle();
        assertTrue(d.server.actions().contains("native_changed"));

        Device keep = runningConfirmed(AutoUpdate.AT_BACKGROUND, V110);
        keep.config = KEYS.config().resetWhenUpdate(false).build();
        keep.app = new dev.patchbay.updater.port.AppInfo("1.0.1", 101, "android", "14", false, true);
        keep.boot();
        assertEquals("1.1.0", keep.currentVersion());
    }

    @Test
    void autoDeleteOptions() {
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        d.config = KEYS.config().autoUpdate(AutoUpdate.ALWAYS).autoDeleteFailed(false).autoDeletePrevious(false)
                .build();
        d.server.publish(V120);
        d.boot();
        d.settle();
        d.advance(Duration.ofSeconds(11));
        BundleInfo failed = d.updater.list().stream().filter(b -> b.version().equals("1.2.0")).findFirst()
                .orElseThrow();
        assertEquals(BundleStatus.ERROR, failed.status());
        assertNotNull(failed.reason());
        assertThrows(UpdaterException.class, () -> d.updater.set(failed.id()));
        d.server.publish(V130);
        d.updater.triggerUpdateCheck();
        d.settle();
        d.pageLoaded();
        d.ready();
        assertEquals("1.3.0", d.currentVersion());
        assertEquals(3, d.updater.list().size(), "previous and failed bundles kept");
        d.updater.delete(failed.id());
        assertEquals(2, d.updater.list().size());
        String current = d.updater.current().bundle().id();
        assertThrows(UpdaterException.class, () -> d.updater.delete(current));
    }

    @Test
    void autoDeletePreviousRemovesTheOldBundleOnceTheNewOneIsConfirmed() {
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        String old = d.updater.current().bundle().id();
        d.server.publish(V120);
        d.boot();
        d.settle();
        assertTrue(d.disk.isDir("versions/" + old), "kept until the new one is confirmed");
        d.pageLoaded();
        d.ready();
        assertFalse(d.disk.isDir("versions/" + old));
        assertEquals(1, d.updater.list().size());
    }

    @Test
    void currentAndNextPathsArePersistedLikeCapacitor() {
        Device d = runningConfirmed(AutoUpdate.AT_BACKGROUND, V110);
        String id = d.updater.current().bundle().id();
        assertEquals("/data/user/0/com.example.shop/files/versions/" + id,
                d.disk.kv.get("CapWebViewSettings").get("serverBasePath"));
        assertEquals(id, d.disk.kv.get("CapacitorUpdater").get("current"));
        d.server.publish(V120);
        d.boot();
        d.settle();
        String next = d.updater.getNextBundle().id();
        assertEquals(next, d.disk.kv.get("CapacitorUpdater").get("next"));
        d.updater.reset(false);
        assertNull(d.disk.kv.get("CapWebViewSettings").get("serverBasePath"));
        assertNull(d.web.path);
        assertEquals("builtin", d.currentVersion());
        d.updater.reset(true);
        assertEquals("1.1.0", d.currentVersion());
    }

    @Test
    void aBuiltinAnswerGoesBack() {
        Device d = runningConfirmed(AutoUpdate.ALWAYS, V110);
        d.server.serveBuiltin = true;
        d.boot();
        d.settle();
        assertEquals("builtin", d.currentVersion());
        Device q = runningConfirmed(AutoUpdate.AT_BACKGROUND, V110);
        q.server.serveBuiltin = true;
        q.boot();
        q.settle();
        assertEquals("1.1.0", q.currentVersion());
        assertEquals("builtin", q.updater.getNextBundle().id());
        q.updater.onBackground();
        assertEquals("builtin", q.currentVersion());
    }

    @Test
    void deltaCopiesKnownFilesInsteadOfDownloadingThem() {
        Device d = runningConfirmed(AutoUpdate.AT_BACKGROUND, V110);
        long before = d.server.blobBytes;
        // 1.2.1 shares a big file with 1.1.0's bundle and app.js with builtin; only index.html is new
        Map<String, String> files = new java.util.LinkedHashMap<>(Device.files("1.1.0", "a"));
        files.put("index.html", "<html>1.2.1</html>");
        TestKeys.Sealed v121 = KEYS.seal("1.2.1", 4, files);
        d.server.publish(v121);
        d.boot();
        d.settle();
        long fetched = d.server.blobBytes - before;
        long index = v121.sealed().manifest().files().stream().filter(f -> f.path().equals("index.html"))
                .findFirst().orElseThrow().blobRef().length();
        assertEquals(v121.sealed().manifestBlob().length() + index, fetched);
        d.updater.onBackground();
        assertEquals("1.2.1", d.servedVersion(Map.of("1.2.1", v121)));
    }
}
