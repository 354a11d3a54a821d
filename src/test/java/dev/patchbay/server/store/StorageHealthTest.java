package dev.patchbay.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which failures count as storage faults, and an episode's life: refused writes, probe, recovery. */
class StorageHealthTest {
    @TempDir
    Path dir;

    @Test
    void storageFaultsAreToldApartFromBugsAndClientErrors() {
        assertTrue(StorageHealth.isStorageFault(new SQLException("closed", "90098", 90098)));
        assertTrue(StorageHealth.isStorageFault(new RuntimeException(new IOException("No space left on device"))));
        assertTrue(StorageHealth.isStorageFault(new FileSystemException("/data/x", null, "Read-only file system")));
        assertFalse(StorageHealth.isStorageFault(new IOException("Connection reset by peer")));
        assertFalse(StorageHealth.isStorageFault(new SQLException("duplicate", "23505", 23505)));
        assertFalse(StorageHealth.isStorageFault(new IllegalStateException("a bug")));
        assertEquals("no space left on the device",
                StorageHealth.describe(new SQLException("x", new IOException("No space left on device"))));
        assertEquals("the database cannot write its files", StorageHealth.describe(new SQLException("x", "90098", 90098)));
    }

    @Test
    void anEpisodeRefusesWritesUntilTheProbeAndRecoverySucceed() throws Exception {
        AtomicBoolean diskBack = new AtomicBoolean(false);
        try (StorageHealth health = new StorageHealth(List.of(dir.resolve("db")), Clock.systemUTC())) {
            health.onRecovery(() -> {
                if (!diskBack.get()) {
                    throw new IOException("still full");
                }
            });
            health.checkWritable();
            StorageUnavailableException e = health.fail(new IOException("No space left on device"));
            assertEquals("no space left on the device", e.getMessage());
            assertFalse(health.writable());
            assertThrows(StorageUnavailableException.class, health::checkWritable);
            // A second failure in the same episode keeps its first cause and start.
            var since = health.status().since();
            health.fail(new SQLException("closed", "90098", 90098));
            assertEquals(since, health.status().since());
            Thread.sleep(2 * StorageHealth.PROBE_MILLIS + 500);
            assertFalse(health.writable(), "recovery failed: still in the episode");
            diskBack.set(true);
            long until = System.nanoTime() + 10_000_000_000L;
            while (!health.writable()) {
                assertTrue(System.nanoTime() < until, "no recovery");
                Thread.sleep(50);
            }
            health.checkWritable();
        }
    }
}
