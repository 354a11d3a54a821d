package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delay conditions hold a queued bundle back until all of them cleared (capgo-protocol §5.7). */
class DelayConditionTest {
    static final TestKeys KEYS = new TestKeys();
    static final TestKeys.Sealed V110 = KEYS.seal("1.1.0", 1, Device.files("1.1.0", ""));

    /** A device on builtin with 1.1.0 downloaded and queued, and {@code delays} set. */
    static Device queued(AutoUpdate mode, List<DelayCondition> delays) {
        Device d = new Device(KEYS, b -> b.autoUpdate(mode));
        d.server.publish(V110);
        d.boot();
        d.updater.setMultiDelay(delays);
        d.settle();
        return d;
    }

    @Test
    void backgroundNeedsThatLongInBackground() {
        Device d = queued(AutoUpdate.AT_BACKGROUND, List.of(DelayCondition.background(60_000)));
        assertEquals("1.1.0", d.updater.getNextBundle().version());
        d.updater.onBackground();
        assertEquals("builtin", d.currentVersion());
        d.advance(Duration.ofSeconds(10));
        d.updater.onForeground();
        d.updater.onBackground();
        assertEquals("builtin", d.currentVersion(), "10 s in background is not enough");
        d.advance(Duration.ofSeconds(61));
        d.updater.onForeground();
        assertTrue(d.updater.getDelays().isEmpty());
        d.settle();
        d.updater.onBackground();
        assertEquals("1.1.0", d.currentVersion());
    }

    @Test
    void killClearsAtTheNextColdStartAndInstallsThen() {
        Device d = queued(AutoUpdate.AT_BACKGROUND, List.of(DelayCondition.kill()));
        d.updater.onBackground();
        assertEquals("builtin", d.currentVersion());
        d.boot();
        assertEquals("1.1.0", d.currentVersion());
        assertTrue(d.updater.getDelays().isEmpty());
    }

    @Test
    void dateUsesTheDeviceClock() {
        Device d = queued(AutoUpdate.AT_BACKGROUND, List.of(DelayCondition.date(TestKeys.T0.plus(Duration.ofDays(2)))));
        d.updater.onBackground();
        assertEquals("builtin", d.currentVersion());
        d.clock.now = TestKeys.T0.plus(Duration.ofDays(3));
        d.updater.onForeground();
        d.settle();
        d.updater.onBackground();
        assertEquals("1.1.0", d.currentVersion());
    }

    @Test
    void nativeVersionWaitsForTheStoreUpdate() {
        Device d = queued(AutoUpdate.AT_BACKGROUND, List.of(DelayCondition.nativeVersion("1.0.1")));
        d.updater.onBackground();
        assertEquals("builtin", d.currentVersion());
        d.app = new dev.patchbay.updater.port.AppInfo("1.0.1", 100, "android", "14", false, true);
        d.boot();
        assertTrue(d.updater.getDelays().isEmpty());
        assertEquals("1.1.0", d.currentVersion());
    }

    @Test
    void severalMustAllClearAndCancelClearsThem() {
        Device d = queued(AutoUpdate.AT_BACKGROUND, List.of(DelayCondition.kill(),
                DelayCondition.date(TestKeys.T0.plus(Duration.ofDays(2)))));
        d.boot();
        assertEquals("builtin", d.currentVersion(), "kill cleared, date not yet");
        assertEquals(1, d.updater.getDelays().size());
        d.updater.cancelDelay();
        d.updater.onBackground();
        assertEquals("1.1.0", d.currentVersion());
        d.settle();
        assertTrue(d.server.actions().containsAll(List.of("delay_set", "delay_cancel")));
    }

    @Test
    void delaysHoldBackAlwaysModeToo() {
        Device d = queued(AutoUpdate.ALWAYS, List.of(DelayCondition.background(0)));
        assertEquals("builtin", d.currentVersion());
        assertEquals("1.1.0", d.updater.getNextBundle().version());
    }

    @Test
    void invalidConditionsAreRefused() {
        Device d = new Device(KEYS);
        d.boot();
        assertThrows(UpdaterException.class, () -> d.updater.setMultiDelay(List.of(
                new DelayCondition(DelayCondition.Kind.DATE, "next tuesday"))));
        assertThrows(UpdaterException.class, () -> d.updater.setMultiDelay(List.of(
                new DelayCondition(DelayCondition.Kind.NATIVE_VERSION, "two"))));
    }
}
