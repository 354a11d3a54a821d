package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.next;
import static dev.patchbay.harness.Await.showing;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.BundleInfo;
import dev.patchbay.updater.LatestVersion;
import dev.patchbay.updater.Updater;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The update paths end to end: real server, real sealed bundles, real runtime on headless emulated devices. */
class UpdateFlowScenarioTest {
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

    @Test
    void downloadNowInstallAtBackground() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.AT_BACKGROUND));
        d.coldStart();
        DeviceState s = until(d, next("1.1.0"));
        assertEquals("builtin", s.current().id(), "atBackground only queues while the app is in use");
        assertEquals("pending", s.next().status());
        d.background();
        until(d, current("1.1.0", "pending").or(current("1.1.0", "success")));
        d.foreground();
        s = until(d, current("1.1.0", "success"));
        assertNull(s.next());
        assertEquals("1.1.0", s.page().version());
        assertEquals(s.current().id(), Path.of(s.serverBasePath()).getFileName().toString());
    }

    @Test
    void directInstall() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        DeviceState s = until(d, current("1.1.0", "success").and(showing("1.1.0")));
        assertEquals("success", s.fallback().status());
        assertEquals("1.1.0", s.fallback().version(), "a confirmed bundle is the last known good");
    }

    @Test
    void manualDownloadAndSet() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.OFF));
        d.coldStart();
        Updater u = d.updater();
        LatestVersion latest = u.getLatest(null).get();
        assertTrue(latest.isUpdate(), latest.toString());
        assertEquals("1.1.0", latest.version());
        BundleInfo b = u.download(latest).get();
        assertEquals("pending", b.status().wire());
        assertEquals("builtin", d.state().current().id(), "off: nothing installs by itself");
        u.set(b.id());
        until(d, current("1.1.0", "success").and(showing("1.1.0")));
    }

    @Test
    void killRelaunchThenDirectUpdate() throws Exception {
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        d.updater().awaitIdle(Duration.ofSeconds(10));
        assertEquals("builtin", d.state().current().id());
        d.kill();
        assertEquals(DeviceState.ProcessState.STOPPED, d.state().process());
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        d.coldStart();
        until(d, current("1.1.0", "success").and(showing("1.1.0")));
        d.kill();
        d.coldStart();
        DeviceState s = until(d, showing("1.1.0"));
        assertEquals("success", s.current().status(), "a confirmed bundle boots again after a kill");
    }

    @Test
    void nativeUpgradeResetsToBuiltin() throws Exception {
        lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        until(d, current("1.1.0", "success"));
        lab.serve(null);
        Path assets2 = lab.site("builtin2", "builtin 2.0.0", "");
        d.nativeUpgrade(d.app().withVersion("2.0.0", 20000).withWebAssets(assets2));
        d.coldStart();
        DeviceState s = until(d, showing("2.0.0"));
        assertEquals("builtin", s.current().id());
        assertEquals(1, s.bundles().size(), "the downloaded bundles of the old native build are deleted: "
                + s.bundles());
        assertNull(s.serverBasePath());
    }
}
