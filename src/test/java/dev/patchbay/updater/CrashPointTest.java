package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The heart of the runtime: the process is killed at every write of a full update (check, download, queue, install
 * at background, confirm, delete of the previous bundle, stats) — once with the write lost, once with it done — and
 * a new process over the same files must boot a complete bundle whose files are exactly those of the old or the new
 * release, then still reach the new release.
 */
class CrashPointTest {
    static final TestKeys KEYS = new TestKeys();
    static final TestKeys.Sealed V110 = KEYS.seal("1.1.0", 1, Device.files("1.1.0", "old"));
    static final TestKeys.Sealed V120 = KEYS.seal("1.2.0", 2, Device.files("1.2.0", "new" + "x".repeat(70_000)));
    static final Map<String, TestKeys.Sealed> KNOWN = Map.of("1.1.0", V110, "1.2.0", V120);

    private static Device onOldRelease;

    /** A device running 1.1.0, confirmed; the server now serves 1.2.0 (prepared once, then forked). */
    static synchronized Device onOldRelease() {
        if (onOldRelease == null) {
            onOldRelease = prepareOldRelease();
            onOldRelease.updater.shutdown();
        }
        return onOldRelease.fork();
    }

    static Device prepareOldRelease() {
        Device d = new Device(KEYS);
        d.server.publish(V110);
        d.boot();
        d.settle();
        d.updater.onBackground();
        d.pageLoaded();
        d.ready();
        d.updater.onForeground();
        d.settle();
        assertEquals("1.1.0", d.currentVersion());
        d.server.publish(V120);
        return d;
    }

    /** Cold start, check and download, background install, page load and confirmation, stats. */
    static void update(Device d) {
        d.boot();
        d.settle();
        d.updater.onForeground();
        d.settle();
        d.updater.onBackground();
        d.settle();
        d.pageLoaded();
        d.ready();
        d.updater.onForeground();
        d.settle();
    }

    @Test
    void everyKillPointBootsACompleteVerifiedBundle() {
        int points = killEverywhere(CrashPointTest::onOldRelease, CrashPointTest::update, d -> {
            d.settle();
            d.pageLoaded();
            d.ready();
            d.updater.onForeground();
            d.settle();
            d.updater.onBackground();
            d.settle();
            d.pageLoaded();
            d.ready();
            d.settle();
        }, "1.2.0");
        assertTrue(points > 80, points + " kill points");
    }

    /** A device on 1.1.0 (mode always) gets 1.2.0, which never confirms: the rollback is killed everywhere too. */
    @Test
    void everyKillPointOfARollbackBootsACompleteVerifiedBundle() {
        java.util.function.Consumer<Device> neverConfirms = d -> {
            d.settle();
            d.advance(java.time.Duration.ofSeconds(11));
            d.updater.onForeground();
            d.settle();
            d.advance(java.time.Duration.ofSeconds(11));
        };
        int points = killEverywhere(() -> {
            Device d = onOldRelease();
            d.config = KEYS.config().autoUpdate(AutoUpdate.ALWAYS).build();
            return d;
        }, d -> {
            d.boot();
            neverConfirms.accept(d);
        }, d -> {
            neverConfirms.accept(d);
            neverConfirms.accept(d);
        }, "1.1.0");
        assertTrue(points > 40, points + " kill points");
    }

    /**
     * The disk fills up at each write of a full update (every later write fails too): the platform glue never throws,
     * the device keeps serving a complete bundle, and once space is freed the next start cleans the temp files and
     * the update goes through.
     */
    @Test
    void aDiskFullAtAnyWriteKeepsACompleteBundleAndCleansUp() {
        Device clean = onOldRelease();
        int start = clean.disk.writes;
        update(clean);
        int total = clean.disk.writes - start;
        for (int n = 1; n <= total; n++) {
            Device d = onOldRelease();
            d.disk.failFrom = d.disk.writes + n;
            String where = "disk full from write " + n + "/" + total;
            try {
                update(d);
            } catch (UpdaterException e) {
                // notifyAppReady may refuse: "could not save"; the JS promise rejects
            }
            String served = d.servedVersionInMemory(KNOWN);
            assertTrue(served.equals("1.1.0") || served.equals("1.2.0"), where + ": serves " + served);
            d.disk.failFrom = -1;
            d.boot();
            String booted = d.servedVersion(KNOWN);
            assertTrue(booted.equals("1.1.0") || booted.equals("1.2.0"), where + ": booted " + booted);
            assertFalse(d.disk.files.keySet().stream().anyMatch(f -> f.startsWith("downloads/")
                    || f.contains(".partial")), where + ": temp files left " + d.disk.files.keySet());
            d.settle();
            d.pageLoaded();
            d.ready();
            d.updater.onForeground();
            d.settle();
            d.updater.onBackground();
            d.settle();
            d.pageLoaded();
            d.ready();
            d.settle();
            assertEquals("1.2.0", d.servedVersion(KNOWN), where + ": did not reach 1.2.0");
        }
    }

    /**
     * Runs {@code flow} on a fresh {@code setup} device once to count its writes, then once per write with the
     * process killed at it (write lost, then write done); after each kill a new process must boot a complete known
     * bundle, and {@code recover} must bring it to {@code expected}. Returns the number of kill points.
     */
    static int killEverywhere(java.util.function.Supplier<Device> setup, java.util.function.Consumer<Device> flow,
            java.util.function.Consumer<Device> recover, String expected) {
        Device clean = setup.get();
        int start = clean.disk.writes;
        flow.accept(clean);
        int total = clean.disk.writes - start;
        assertEquals(expected, clean.currentVersion());
        assertTrue(total > 20, "a full flow writes more than " + total + " times");
        if (Boolean.getBoolean("crashpoint.log")) {
            clean.disk.log.subList(clean.disk.log.size() - total, clean.disk.log.size()).forEach(System.out::println);
        }

        List<String> outcomes = new ArrayList<>();
        for (boolean after : new boolean[] {false, true}) {
            for (int n = 1; n <= total; n++) {
                Device d = setup.get();
                d.disk.killAt = d.disk.writes + n;
                d.disk.killAfter = after;
                boolean killed = false;
                try {
                    flow.accept(d);
                } catch (Killed k) {
                    killed = true;
                }
                String where = "kill " + (after ? "after" : "before") + " write " + n + "/" + total + " ("
                        + d.disk.log.get(d.disk.log.size() - 1) + ")";
                assertTrue(killed, where + ": the kill point was not reached");
                d.disk.killAt = -1;

                d.boot();
                String booted = d.servedVersion(KNOWN);
                assertTrue(booted.equals("1.1.0") || booted.equals("1.2.0"), where + ": booted " + booted);
                assertNotEquals(BundleStatus.ERROR, d.updater.current().bundle().status(), where);
                outcomes.add(booted);

                recover.accept(d);
                assertEquals(expected, d.servedVersion(KNOWN), where + ": did not reach " + expected);
                assertEquals(BundleStatus.SUCCESS, d.updater.current().bundle().status(), where);
                d.boot();
                assertEquals(expected, d.servedVersion(KNOWN), where);
                assertFalse(d.disk.files.keySet().stream().anyMatch(f -> f.startsWith("downloads/")
                        || f.contains(".partial")), where + ": leftovers " + d.disk.files.keySet());
            }
        }
        assertTrue(outcomes.contains("1.1.0") && outcomes.contains("1.2.0"), outcomes.toString());
        System.out.println("CrashPointTest: " + total + " writes, " + (2 * total) + " kill points, booted 1.1.0 "
                + outcomes.stream().filter("1.1.0"::equals).count() + " times and 1.2.0 "
                + outcomes.stream().filter("1.2.0"::equals).count() + " times");
        return 2 * total;
    }
}
