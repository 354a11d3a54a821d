package dev.patchbay.updater.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import dev.patchbay.server.TestReleases;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.BundleInfo;
import dev.patchbay.updater.BundleStatus;
import dev.patchbay.updater.LatestVersion;
import dev.patchbay.updater.Updater;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.port.Ports;
import dev.patchbay.updater.port.WebViewHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The updater runtime's behaviours that do not depend on the WebView, run on one platform's ports ({@link PortSet})
 * against a real Patchbay server on loopback. The same scenarios run on the harness's ports
 * ({@code dev.patchbay.harness.HarnessRuntimeContractTest}) and on the Capacitor plugin's Android ports under
 * Robolectric ({@code plugin/verify}: {@code AndroidRuntimeContractTest}): one runtime, two port sets. Plain methods
 * (not a JUnit base class), as the root's tests run on JUnit 5 and Robolectric's on JUnit 4.
 */
public final class RuntimeContract implements AutoCloseable {
    static final String APP = "com.example.shop";
    static final long WAIT_S = 30;

    private final Path tmp;
    private final PortSet portSet;
    private final RunningServer server;
    private final DeviceFixture app;
    private final UpdaterConfig config;
    private int folders;

    /** Starts a Patchbay server (data under {@code tmp}) with the app, its trust and a default channel. */
    public RuntimeContract(Path tmp, PortSet portSet) throws Exception {
        this.tmp = tmp;
        this.portSet = portSet;
        this.server = RunningServer.start(tmp.resolve("server"));
        try {
            this.app = new DeviceFixture(server, APP).create().trustServer();
            app.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        } catch (Exception e) {
            server.close();
            throw e;
        }
        // the app drives updates through the JS API (autoUpdate off), so each step is seen
        this.config = config(Duration.ofSeconds(30));
    }

    private UpdaterConfig config(Duration appReadyTimeout) {
        return UpdaterConfig.builder(server.url(), APP, Ed25519.publicKey(app.keys.rootKey), app.keys.contentKey)
                .autoUpdate(AutoUpdate.OFF).appReadyTimeout(appReadyTimeout).responseTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void close() {
        server.close();
    }

    // ------------------------------------------------------------------ the behaviours

    /**
     * check → download → verify → install → notifyAppReady confirmed; after a process restart (a new runtime on
     * the same persisted store and files) the confirmed bundle is served from the start.
     */
    public void updatesConfirmsAndTheConfirmedBundleSurvivesARestart() throws Exception {
        release("1.1.0", 2);
        String path;
        try (Process p = start()) {
            assertNull(p.updater.serverBasePath(), "a fresh install serves the builtin assets");
            BundleInfo pending = downloadLatest(p, "1.1.0");
            assertEquals(BundleStatus.PENDING, pending.status());
            BundleInfo set = p.updater.set(pending.id());
            assertEquals("1.1.0", set.version());
            path = p.updater.serverBasePath();
            assertNotNull(path);
            assertEquals(path, p.webView.served, "the WebView was switched to the new bundle");
            assertTrue(page(path).contains("bundle 1.1.0"), "the verified, decrypted page is on disk");
            assertEquals(path, p.ports.webViewSettings().get("serverBasePath"), "persisted for the Bridge");
            p.updater.onPageLoaded(path);
            BundleInfo ready = p.updater.notifyAppReady(path);
            assertEquals(BundleStatus.SUCCESS, ready.status());
            assertEquals("1.1.0", ready.version());
        }
        try (Process p = start()) {
            assertEquals(path, p.updater.serverBasePath(), "the restarted process serves the confirmed bundle");
            BundleInfo current = p.updater.current().bundle();
            assertEquals("1.1.0", current.version());
            assertEquals(BundleStatus.SUCCESS, current.status());
            assertTrue(page(path).contains("bundle 1.1.0"));
            LatestVersion again = p.updater.getLatest(null).get(WAIT_S, TimeUnit.SECONDS);
            assertFalse(again.isUpdate(), "nothing newer: " + again);
        }
    }

    /**
     * An installed bundle whose page never calls notifyAppReady (and whose process ends before the appReadyTimeout)
     * gets one more cold start — an app killed early is not its bundle's fault — and is rolled back at the start
     * after that (docs/device-protocol.md, "Rollback"), its files deleted.
     */
    public void aBundleNeverConfirmedRollsBackAtALaterStart() throws Exception {
        release("1.1.0", 2);
        String path;
        try (Process p = start()) {
            BundleInfo pending = downloadLatest(p, "1.1.0");
            p.updater.set(pending.id());
            path = p.updater.serverBasePath();
            p.updater.onPageLoaded(path);
            // the bundle's JS never confirms; the process ends (crash, swipe away)
        }
        try (Process p = start()) {
            assertEquals(path, p.updater.serverBasePath(), "one more launch for the unconfirmed bundle");
            assertEquals(BundleStatus.PENDING, p.updater.current().bundle().status());
            p.updater.onPageLoaded(path);
        }
        try (Process p = start()) {
            assertRolledBack(p, path);
        }
    }

    /** Within a process, the appReadyTimeout (the platform clock's timer) rolls an unconfirmed bundle back. */
    public void anUnconfirmedBundleRollsBackWhenTheAppReadyTimeoutPasses() throws Exception {
        release("1.1.0", 2);
        UpdaterConfig quick = config(UpdaterConfig.MIN_APP_READY_TIMEOUT);
        String path;
        try (Process p = start(quick)) {
            BundleInfo pending = downloadLatest(p, "1.1.0");
            p.updater.set(pending.id());
            path = p.updater.serverBasePath();
            assertEquals(path, p.webView.served);
            p.updater.onPageLoaded(path);
            long end = System.nanoTime() + Duration.ofSeconds(WAIT_S).toNanos();
            while (!p.updater.current().bundle().isBuiltin()) {
                assertTrue(System.nanoTime() < end, "not rolled back: " + p.updater.current());
                Thread.sleep(50);
            }
            assertTrue(p.updater.awaitIdle(Duration.ofSeconds(WAIT_S)));
            assertRolledBack(p, path);
        }
        try (Process p = start(quick)) {
            assertNull(p.updater.serverBasePath(), "the next start stays on the builtin assets");
        }
    }

    private static void assertRolledBack(Process p, String failedPath) {
        assertNull(p.updater.serverBasePath(), "back on the builtin assets");
        assertTrue(p.updater.current().bundle().isBuiltin(), String.valueOf(p.updater.current()));
        assertNull(p.webView.served, "the WebView serves the builtin assets");
        String persisted = p.ports.webViewSettings().get("serverBasePath");
        assertTrue(persisted == null || !persisted.equals(failedPath), "the Bridge would start on it: " + persisted);
        List<BundleInfo> left = p.updater.list();
        assertTrue(left.stream().noneMatch(b -> b.status() == BundleStatus.SUCCESS
                || b.status() == BundleStatus.PENDING), "the failed bundle is not kept as usable: " + left);
        assertFalse(Files.exists(Path.of(failedPath, "index.html")), "its files are deleted (autoDeleteFailed)");
    }

    /** A bundle downloaded and queued ({@code next}) by a process that then dies is installed at the next start. */
    public void aQueuedBundleIsInstalledAtTheNextStart() throws Exception {
        release("1.1.0", 2);
        try (Process p = start()) {
            BundleInfo pending = downloadLatest(p, "1.1.0");
            p.updater.next(pending.id());
            assertNull(p.updater.serverBasePath(), "still the builtin until the next start");
        }
        try (Process p = start()) {
            String path = p.updater.serverBasePath();
            assertNotNull(path, "the queued bundle is installed at the cold start");
            assertEquals("1.1.0", p.updater.current().bundle().version());
            assertTrue(page(path).contains("bundle 1.1.0"));
            assertNull(p.updater.getNextBundle());
        }
    }

    /** A download whose bytes do not match the signed manifest is refused: nothing is installable, nothing switches. */
    public void aCorruptedDownloadIsRefused() throws Exception {
        TestReleases.Sealed sealed = release("1.1.0", 2);
        corruptBlobsOnTheServer(sealed);
        try (Process p = start()) {
            LatestVersion latest = p.updater.getLatest(null).get(WAIT_S, TimeUnit.SECONDS);
            assertTrue(latest.isUpdate(), String.valueOf(latest));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.updater.download(latest).get(WAIT_S, TimeUnit.SECONDS));
            assertNotNull(e.getCause().getMessage());
            assertTrue(p.updater.awaitIdle(Duration.ofSeconds(WAIT_S)));
            assertNull(p.updater.serverBasePath());
            assertTrue(p.updater.current().bundle().isBuiltin());
            assertNull(p.webView.served);
            List<BundleInfo> left = p.updater.list();
            assertTrue(left.stream().noneMatch(b -> b.status() == BundleStatus.PENDING
                    || b.status() == BundleStatus.SUCCESS), "nothing installable: " + left);
        }
        try (Process p = start()) {
            assertNull(p.updater.serverBasePath(), "a restart does not install it either");
        }
    }

    // ------------------------------------------------------------------ the pieces

    /** One app process: the platform's ports, the runtime on them, cold-started. */
    private final class Process implements AutoCloseable {
        final RecordingWebView webView = new RecordingWebView();
        final Ports ports;
        final Updater updater;

        Process(UpdaterConfig config) {
            this.ports = portSet.start(webView);
            this.updater = new Updater(config, ports);
            updater.onColdStart();
        }

        @Override
        public void close() {
            updater.shutdown();
            portSet.end();
        }
    }

    private Process start() {
        return new Process(config);
    }

    private Process start(UpdaterConfig c) {
        return new Process(c);
    }

    /** The WebView as far as these behaviours see it: the folder it was told to serve. */
    private static final class RecordingWebView implements WebViewHost {
        volatile String served;

        @Override
        public void setServerBasePath(String absolutePath) {
            served = absolutePath;
        }

        @Override
        public void reload() {
        }
    }

    private BundleInfo downloadLatest(Process p, String version) throws Exception {
        LatestVersion latest = p.updater.getLatest(null).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(latest.isUpdate(), String.valueOf(latest));
        assertEquals(version, latest.version());
        BundleInfo b = p.updater.download(latest).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(version, b.version());
        return b;
    }

    /** Seals a web build whose page says "bundle {@code version}" (encrypted, signed) and makes the channel serve it. */
    private TestReleases.Sealed release(String version, long sequence) throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site-" + (++folders)));
        Files.writeString(site.resolve("index.html"), "<!doctype html><html><head><title>bundle " + version
                + "</title></head><body>bundle " + version + "</body></html>\n");
        Files.writeString(site.resolve("app.js"), "window.appVersion = 'bundle " + version + "';\n");
        TestReleases.Sealed sealed = app.publish(app.keys.sealFolder(site,
                Files.createDirectories(tmp.resolve("blobs-" + folders)), version, sequence));
        app.patchChannel("production", "{\"bundle\":\"" + version + "\"}");
        return sealed;
    }

    /** Flips one byte in every stored blob of {@code sealed} (same length), as a damaged disk or CDN would. */
    private void corruptBlobsOnTheServer(TestReleases.Sealed sealed) throws IOException {
        int corrupted = 0;
        for (BlobRef ref : sealed.blobs()) {
            try (Stream<Path> files = Files.walk(tmp.resolve("server"))) {
                for (Path f : files.filter(f -> f.getFileName().toString().equals(ref.sha256())).toList()) {
                    byte[] b = Files.readAllBytes(f);
                    b[b.length / 2] ^= 0x5a;
                    Files.write(f, b);
                    corrupted++;
                }
            }
        }
        assertTrue(corrupted > 0, "no stored blob found to corrupt");
    }

    private static String page(String folder) throws IOException {
        return Files.readString(Path.of(folder, "index.html"), StandardCharsets.UTF_8);
    }
}
