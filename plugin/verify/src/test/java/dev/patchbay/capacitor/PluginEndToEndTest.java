package dev.patchbay.capacitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;

/**
 * The plugin in Capacitor's real Android Bridge (Robolectric, SDK 35) against a real Patchbay server on loopback:
 * the app's update path end to end, with Android's own SharedPreferences files, the app's files folder,
 * HttpURLConnection and the APK's public/ assets.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35)
public class PluginEndToEndTest {
    static final String APP = "com.example.shop";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RunningServer server;
    private DeviceFixture app;

    @Before
    public void server() throws Exception {
        ProcessRuntime.end();
        server = RunningServer.start(tmp.newFolder("server").toPath());
        app = new DeviceFixture(server, APP).create().trustServer();
        app.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
    }

    @After
    public void stop() {
        ProcessRuntime.end();
        if (server != null) {
            server.close();
        }
    }

    /** A web build whose page says {@code title}. */
    private Path site(String title) throws Exception {
        Path d = tmp.newFolder(title.replace(' ', '-')).toPath();
        Files.writeString(d.resolve("index.html"), "<!doctype html><html><head><title>" + title
                + "</title></head><body>" + title + "<script>Capacitor.Plugins.CapacitorUpdater.notifyAppReady()"
                + "</script></body></html>\n");
        return d;
    }

    /** Seals {@code site} for real (encrypted, signed), publishes it and makes the channel serve it. */
    private void release(String version, long sequence) throws Exception {
        app.publish(app.keys.sealFolder(site("bundle " + version), tmp.newFolder("blobs-" + version).toPath(),
                version, sequence));
        app.patchChannel("production", "{\"bundle\":\"" + version + "\"}");
    }

    /** The app's capacitor.config: what the console's Keys page exports, plus the test setup's needs. */
    String config(String autoUpdate, long appReadyTimeoutMs) {
        return "{\"appId\":\"dev.patchbay.capacitor.testapp\",\"android\":{\"resolveServiceWorkerRequests\":false},"
                + "\"plugins\":{\"PatchbayUpdater\":{\"serverUrl\":\"" + server.url() + "\",\"appId\":\"" + APP
                + "\",\"rootPublicKey\":\"" + Codec.b64(Ed25519.publicKey(app.keys.rootKey))
                + "\",\"contentKey\":\"" + Codec.b64(app.keys.contentKey) + "\",\"autoUpdate\":\"" + autoUpdate
                + "\",\"appReadyTimeout\":" + appReadyTimeoutMs + ",\"responseTimeout\":5}}}";
    }

    private static boolean servesBundle(AndroidApp a, String version) {
        try {
            String page = a.serve("index.html");
            return page != null && page.contains("bundle " + version);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    public void coldStartChecksDownloadsVerifiesInstallsAndTheConfirmedBundleIsServed() throws Exception {
        release("1.1.0", 2);
        String config = config("always", 30_000);
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            a.await("the new bundle installed", WAIT, () -> servesBundle(a, "1.1.0"));
            assertTrue(a.bridge.getServerBasePath().startsWith(a.activity.getFilesDir().getPath()));
            a.await("the install done", WAIT, ProcessRuntimeAccess::idle);
            a.pageLoaded();
            String answer = a.call("notifyAppReady", "{}");
            assertTrue(answer, answer.contains("\"success\":true"));
            // docs/benchmarks.md: cold start → check → download → verify → install → confirmed
            System.out.println("plugin e2e update ms: " + (System.nanoTime() - a.startedNanos) / 1_000_000);
            assertTrue(answer, answer.contains("\"version\":\"1.1.0\"") && answer.contains("\"status\":\"success\""));
            // Android's SharedPreferencesImpl wrote real files: the runtime's state and Capacitor's served path
            String webPrefs = a.prefsFile(AndroidPorts.WEBVIEW_PREFS);
            assertNotNull(webPrefs);
            assertTrue(webPrefs, webPrefs.contains("<string name=\"serverBasePath\">" + a.bridge.getServerBasePath()));
            assertNotNull(a.prefsFile(AndroidPorts.PREFS));
        }
        // the next cold start serves the confirmed bundle from the first request on
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            assertTrue(servesBundle(a, "1.1.0"));
            String current = a.call("current", "{}");
            assertTrue(current, current.contains("\"status\":\"success\"") && current.contains("1.1.0"));
        }
    }

    @Test
    public void aBundleThatNeverConfirmsIsRolledBackAtTheNextStart() throws Exception {
        release("1.1.0", 2);
        String config = config("always", 3_000);
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            a.await("the new bundle installed", WAIT, ProcessRuntimeAccess::installedOrFailed);
            // the bundle's JS never calls notifyAppReady; the process ends (crash, swipe away)
        }
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            a.await("the builtin bundle served again", WAIT, () -> builtin(a));
            assertFalse(a.bridge.getServerBasePath(), a.bridge.getServerBasePath().startsWith("/"));
            // the failed bundle is gone (autoDeleteFailed) and the runtime answers through the bridge
            String current = a.call("current", "{}");
            assertTrue(current, current.contains("\"id\":\"builtin\""));
            // not retried: the failed release is not installed again
            a.await("the runtime idle", WAIT, ProcessRuntimeAccess::idle);
            assertTrue(builtin(a));
        }
    }

    private static boolean builtin(AndroidApp a) {
        try {
            String page = a.serve("index.html");
            return page != null && page.contains("builtin 1.0.0");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    public void killedAfterTheQueuedInstallWasPersistedTheNextStartInstallsIt() throws Exception {
        release("1.1.0", 2);
        String config = config("atBackground", 30_000);
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            a.await("the bundle downloaded and queued", WAIT, () -> {
                String p = prefs(a);
                return p != null && p.contains("1.1.0") && ProcessRuntimeAccess.nextQueued();
            });
            assertTrue("still the builtin until background or the next start", a.serve("index.html")
                    .contains("builtin 1.0.0"));
            // killed here: the queued bundle is only in the persisted state
        }
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            assertTrue(servesBundle(a, "1.1.0"));
        }
    }

    @Test
    public void aNativeUpgradeResetsToTheNewBuiltinWhenResetWhenUpdate() throws Exception {
        release("1.1.0", 2);
        String config = config("always", 30_000);
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            a.await("the new bundle installed", WAIT, () -> servesBundle(a, "1.1.0"));
            a.await("the install done", WAIT, ProcessRuntimeAccess::idle);
            a.pageLoaded();
            assertTrue(a.call("notifyAppReady", "{}").contains("\"success\":true"));
        }
        app.patchChannel("production", "{\"bundle\":null}");
        // the store installs native 2.0.0 over it (its builtin web layer is new too)
        android.content.pm.PackageInfo p = org.robolectric.Shadows.shadowOf(
                org.robolectric.RuntimeEnvironment.getApplication().getPackageManager())
                .getInternalMutablePackageInfo("dev.patchbay.capacitor.testapp");
        p.versionName = "2.0.0";
        p.setLongVersionCode(20000);
        try (AndroidApp a = AndroidApp.coldStart(config)) {
            assertTrue(a.serve("index.html"), a.serve("index.html").contains("builtin 1.0.0"));
            String current = a.call("current", "{}");
            assertTrue(current, current.contains("\"native\":\"2.0.0\""));
        }
    }

    private static String prefs(AndroidApp a) {
        try {
            return a.prefsFile(AndroidPorts.PREFS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
