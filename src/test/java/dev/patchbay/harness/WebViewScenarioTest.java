package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.showing;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * The scenarios where the bundle's own JavaScript decides: a real WebView (headless Monocle) runs each bundle served
 * from the device's loopback origin, against the real server and runtime. Kept few: each costs seconds.
 */
class WebViewScenarioTest {
    @TempDir
    static Path dir;
    static DeviceLab server;
    DeviceLab lab;

    @BeforeAll
    static void start() throws Exception {
        FxToolkit.registerPrimaryStage();
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

    @Test
    void aBundleWhoseJsCallsNotifyAppReadyIsConfirmed() throws Exception {
        lab.release(lab.site("ok", "bundle 1.1.0",
                "Capacitor.Plugins.CapacitorUpdater.notifyAppReady().then(function (r) {"
                        + " console.log('confirmed ' + r.bundle.version + ' ' + r.bundle.status); });"),
                "1.1.0", 1);
        EmulatedDevice d = lab.withWebView(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        DeviceState s = until(d, current("1.1.0", "success").and(showing("1.1.0")));
        assertTrue(s.page().url().startsWith(d.origin()), s.page().url());
        d.awaitLog("console.log: confirmed 1.1.0 success", Await.LONG);
    }

    static java.time.Instant switchedAt(EmulatedDevice d) {
        return d.log().stream().filter(e -> e.message().startsWith("setServerBasePath(files/")).findFirst()
                .orElseThrow().at();
    }

    /**
     * The builtin page keeps calling notifyAppReady (its own bundle) while the runtime switches to 1.2.0, whose JS
     * never calls it: the old page's calls must not confirm 1.2.0, which is rolled back when its timeout passes and
     * is not downloaded again by the next checks.
     */
    @Test
    void theOldPageCannotConfirmTheNewBundleAndANeverReadyBundleRollsBackOnce() throws Exception {
        Path spamming = lab.site("spam", "builtin 1.0.0",
                "setInterval(function () { Capacitor.Plugins.CapacitorUpdater.notifyAppReady(); }, 20);");
        EmulatedDevice d = lab.withWebView(lab.app(c -> c.autoUpdate(AutoUpdate.ALWAYS)
                .appReadyTimeout(Duration.ofSeconds(1))).withWebAssets(spamming));
        d.coldStart();
        until(d, showing("1.0.0"));
        d.awaitLog("page 1 calls notifyAppReady", Await.LONG);
        d.updater().awaitIdle(Duration.ofSeconds(10));
        lab.release(lab.site("silent", "bundle 1.2.0", "console.log('1.2.0 loaded, never ready');"), "1.2.0", 2);
        // Besides its timer, the old page calls once more right when the switch begins: the log line comes before
        // the WebView's navigation is queued on the FX thread, so this call runs in the old page, whatever the speed
        // of the machine (a 20 ms timer alone may not tick between the switch and the navigation).
        d.onLog(e -> {
            if (e.message().startsWith("setServerBasePath(files/")) {
                javafx.application.Platform.runLater(() -> d.webView().getEngine()
                        .executeScript("Capacitor.Plugins.CapacitorUpdater.notifyAppReady();"));
            }
        });
        d.updater().triggerUpdateCheck();
        d.awaitLog("console.log: 1.2.0 loaded, never ready", Await.LONG);
        assertTrue(d.log().stream().anyMatch(e -> e.source().equals("js") && e.message().startsWith("page 1 ")
                && e.message().contains("notifyAppReady") && e.at().isAfter(switchedAt(d))),
                "the old page called notifyAppReady after the switch to 1.2.0 began");
        DeviceState s = until(d, current("1.0.0", "success").and(showing("1.0.0")));
        assertEquals("builtin", s.current().id());
        assertNull(s.bundle("1.2.0"), "a failed bundle is deleted: " + s.bundles());
        assertTrue(d.log().stream().anyMatch(e -> e.message().contains("event updateFailed")
                && e.message().contains("notifyAppReady was not called")), "rolled back for the right reason");
        assertTrue(d.log().stream().noneMatch(e -> e.message().contains("event appReady")
                && e.message().contains("\"version\":\"1.2.0\"")), "never confirmed by the old page");

        long downloads = d.traffic().exchanges("/blobs/").size();
        d.background();
        d.foreground();
        d.updater().awaitIdle(Duration.ofSeconds(10));
        d.kill();
        d.coldStart();
        d.updater().awaitIdle(Duration.ofSeconds(10));
        until(d, showing("1.0.0"));
        assertEquals(downloads, d.traffic().exchanges("/blobs/").size(), "1.2.0 is not downloaded again");
        assertEquals("builtin", d.state().current().id());
    }

    /**
     * Bundles whose page reloads itself forever, throws at once, or has nothing in it never confirm: each is rolled
     * back saying why, and the runtime goes on to install a healthy release afterwards.
     */
    @Test
    void loopingThrowingAndEmptyBundlesAreRolledBackAndTheRuntimeCarriesOn() throws Exception {
        EmulatedDevice d = lab.withWebView(lab.quickRollback(AutoUpdate.ALWAYS));
        d.coldStart();
        until(d, showing("1.0.0"));
        d.updater().awaitIdle(Duration.ofSeconds(10));
        java.nio.file.Path empty = java.nio.file.Files.createDirectories(lab.dir.resolve("sites").resolve("empty"));
        java.nio.file.Files.writeString(empty.resolve("index.html"), "");
        Path[] bad = {lab.site("loop", "bundle 1.1.0", "setTimeout(function () { location.reload(); }, 10);"),
            lab.site("throws", "bundle 1.2.0", "throw new Error('cannot start');"), empty};
        for (int i = 0; i < bad.length; i++) {
            String v = "1.1." + i;
            lab.release(bad[i], v, 10 + i);
            d.updater().triggerUpdateCheck();
            until(d, s -> s.bundle(v) == null && d.log().stream().anyMatch(e -> e.message().contains(
                    "event updateFailed") && e.message().contains("\"version\":\"" + v + "\"")));
            until(d, current("1.0.0", "success").and(showing("1.0.0")));
            d.updater().awaitIdle(Duration.ofSeconds(10));
        }
        assertTrue(d.log().stream().anyMatch(e -> e.message().startsWith("js error: cannot start")
                || e.message().contains("js error: Error: cannot start")), d.tail(40));
        lab.release(lab.healthy("1.3.0"), "1.3.0", 20);
        d.updater().triggerUpdateCheck();
        until(d, current("1.3.0", "success").and(showing("1.3.0")));
    }
}
