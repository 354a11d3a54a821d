package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The automatic flow per mode: check at cold start and foreground, download, queue or install, confirm. */
class UpdaterFlowTest {
    static final TestKeys KEYS = new TestKeys();
    static final TestKeys.Sealed V110 = KEYS.seal("1.1.0", 1, Device.files("1.1.0", ""));

    @Test
    void atBackgroundDownloadsAtColdStartQueuesAndInstallsAtBackground() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.boot();
        assertNull(d.updater.serverBasePath());
        d.settle();
        assertEquals(1, d.server.checks.size());
        BundleInfo next = d.updater.getNextBundle();
        assertEquals("1.1.0", next.version());
        assertEquals(BundleStatus.PENDING, next.status());
        assertEquals("builtin", d.currentVersion(), "atBackground does not install while in foreground");
        assertEquals(1, d.events(UpdaterEvent.SetNext.class).size());

        d.updater.onBackground();
        assertEquals("1.1.0", d.currentVersion());
        assertEquals(d.updater.serverBasePath(), d.web.path);
        d.pageLoaded();
        BundleInfo ready = d.ready();
        assertEquals(BundleStatus.SUCCESS, ready.status());
        assertEquals("1.1.0", d.servedVersion(java.util.Map.of("1.1.0", V110)));
        d.settle();
        assertTrue(d.server.actions().contains("app_ready"), d.server.actions().toString());

        // The next cold start boots it, checks again and finds nothing new.
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.currentVersion());
        assertEquals(2, d.server.checks.size());
        assertEquals("1.1.0", d.server.checks.get(1).path("currentBundle").asText());
        assertFalse(d.events(UpdaterEvent.NoNeedUpdate.class).isEmpty());
    }

    @Test
    void alwaysInstallsAtOnceAndUnconfirmedRollsBack() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.currentVersion());
        assertEquals(d.updater.serverBasePath(), d.web.path);
        d.advance(Duration.ofSeconds(11));
        assertEquals("builtin", d.currentVersion());
        assertEquals(1, d.events(UpdaterEvent.UpdateFailed.class).size());
        assertTrue(d.events(UpdaterEvent.UpdateFailed.class).get(0).reason().contains("notifyAppReady"));
        d.updater.onForeground();
        d.settle();
        assertEquals("builtin", d.currentVersion(), "a failed version is not installed again");
        assertTrue(d.updater.list().isEmpty(), "autoDeleteFailed removed it");
    }
}
