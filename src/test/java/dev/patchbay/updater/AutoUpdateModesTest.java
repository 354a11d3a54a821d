package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.updater.port.AppInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code periodCheckDelay} and the {@code onlyDownload} / {@code atInstall} modes (capgo-protocol §5.4, §5.5). */
class AutoUpdateModesTest {
    static final TestKeys KEYS = LifecycleTest.KEYS;

    @Test
    void periodicCheckFindsANewReleaseAfterTheDelayInForegroundButNotInBackground() {
        Device d = LifecycleTest.runningConfirmed(AutoUpdate.AT_BACKGROUND, LifecycleTest.V110);
        d.config = KEYS.config().autoUpdate(AutoUpdate.AT_BACKGROUND).periodCheckDelay(Duration.ofSeconds(600))
                .build();
        d.boot();
        d.settle();
        int checks = d.server.checks.size();
        d.server.publish(LifecycleTest.V120);
        d.advance(Duration.ofSeconds(599));
        assertEquals(checks, d.server.checks.size(), "no check before the delay");
        assertNull(d.updater.getNextBundle());
        d.advance(Duration.ofSeconds(2));
        assertEquals(checks + 1, d.server.checks.size(), "one check once the delay passed, in the foreground");
        assertEquals("1.2.0", d.updater.getNextBundle().version(), "handled per mode: atBackground queues it");
        d.advance(Duration.ofSeconds(600));
        assertEquals(checks + 2, d.server.checks.size(), "and again every delay");

        d.updater.onBackground();
        int inBackground = d.server.checks.size();
        d.server.publish(LifecycleTest.V130);
        d.advance(Duration.ofHours(2));
        assertEquals(inBackground, d.server.checks.size(), "no periodic check while in the background");

        d.updater.onForeground();
        d.settle();
        int back = d.server.checks.size();
        d.advance(Duration.ofSeconds(601));
        assertEquals(back + 1, d.server.checks.size(), "periodic checks resume in the foreground");
    }

    @Test
    void periodCheckDelayIsOffByDefaultAndAtLeastTenMinutes() {
        assertEquals(Duration.ZERO, KEYS.config().build().periodCheckDelay());
        assertEquals(Duration.ofSeconds(600), KEYS.config().periodCheckDelay(Duration.ofSeconds(5)).build()
                .periodCheckDelay());
        assertEquals(Duration.ofSeconds(900), KEYS.config().periodCheckDelay(Duration.ofSeconds(900)).build()
                .periodCheckDelay());
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.AT_BACKGROUND));
        d.boot();
        d.settle();
        int checks = d.server.checks.size();
        d.advance(Duration.ofHours(3));
        assertEquals(checks, d.server.checks.size(), "without periodCheckDelay no check while idle in foreground");
    }

    @Test
    void onlyDownloadDownloadsButKeepsTheCurrentBundleUntilTheAppDecides() {
        assertEquals(AutoUpdate.ONLY_DOWNLOAD, AutoUpdate.of("onlyDownload"));
        assertEquals(AutoUpdate.AT_INSTALL, AutoUpdate.of("atInstall"));
        Device d = LifecycleTest.runningConfirmed(AutoUpdate.ONLY_DOWNLOAD, LifecycleTest.V110);
        d.server.publish(LifecycleTest.V120);
        d.events.clear();
        d.boot();
        d.settle();
        assertEquals("1.2.0", d.events(UpdaterEvent.UpdateAvailable.class).get(0).bundle().version());
        assertTrue(d.events(UpdaterEvent.DownloadComplete.class).size() == 1);
        assertNull(d.updater.getNextBundle(), "onlyDownload never queues");
        assertEquals("1.1.0", d.currentVersion());
        d.updater.onBackground();
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.currentVersion(), "neither background nor a cold start installs it");
        BundleInfo downloaded = d.updater.list().stream().filter(b -> "1.2.0".equals(b.version())).findFirst()
                .orElseThrow();
        d.updater.next(downloaded.id());
        d.updater.onBackground();
        assertEquals("1.2.0", d.currentVersion(), "the app's next() installs it");
    }

    @Test
    void atInstallInstallsAtTheFirstLaunchAfterANativeUpgradeOnly() {
        Device d = LifecycleTest.runningConfirmed(AutoUpdate.AT_INSTALL, LifecycleTest.V110);
        d.server.publish(LifecycleTest.V120);
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.currentVersion(), "a plain relaunch does not install");
        assertEquals("1.2.0", d.updater.getNextBundle().version(), "it queues, as atBackground");

        d.server.publish(LifecycleTest.V130);
        d.app = new AppInfo("1.1.0", 110, "android", "14", false, true);
        d.boot();
        d.settle();
        assertEquals("1.3.0", d.currentVersion(), "first launch after the native upgrade installs at once");
        d.pageLoaded();
        d.ready();

        d.server.publish(KEYS.seal("1.4.0", 4, Device.files("1.4.0", "d")));
        d.boot();
        d.settle();
        assertEquals("1.3.0", d.currentVersion(), "the next plain relaunch queues again");
        assertEquals("1.4.0", d.updater.getNextBundle().version());
    }
}
