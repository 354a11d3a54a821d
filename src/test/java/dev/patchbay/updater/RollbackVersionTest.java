package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A rollback release (docs/rollouts.md §3) has a version with build metadata, {@code <stable>+rollback.<sequence>}:
 * the updater installs it over the target like any release with a higher sequence, and reports it as its current
 * bundle afterwards.
 */
class RollbackVersionTest {
    static final TestKeys KEYS = new TestKeys();

    @Test
    void aRollbackReleaseVersionInstallsAndIsReported() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(KEYS.seal("1.5.0", 2, Device.files("1.5.0", "")));
        d.boot();
        d.settle();
        assertEquals("1.5.0", d.currentVersion());
        d.pageLoaded();
        d.ready();
        d.settle();

        d.server.publish(KEYS.seal("1.4.0+rollback.3", 3, Device.files("1.4.0", "")));
        d.boot();
        d.settle();
        assertEquals("1.4.0+rollback.3", d.currentVersion());
        d.pageLoaded();
        d.ready();
        d.settle();
        d.boot();
        d.settle();
        assertEquals("1.4.0+rollback.3", d.currentVersion());
        var check = d.server.checks.get(d.server.checks.size() - 1);
        assertEquals("1.4.0+rollback.3", check.path("currentBundle").asText(), check.toString());
        assertEquals(3, check.path("currentSequence").asLong(), check.toString());
    }
}
