package dev.patchbay.server.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADR 0126: an update check does not wait for the database because the catalog's entry of its app grew older than
 * the TTL (it is replaced in the background), and checks arriving together for an app that must be loaded share one
 * load — but never one that started before a write.
 */
class DeviceCatalogRefreshTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dir;
    Database db;
    DeviceCatalog catalog;
    final ExecutorService callers = Executors.newFixedThreadPool(16);

    @BeforeEach
    void open() throws Exception {
        db = dev.patchbay.server.store.TestDatabases.open(dir);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO apps(id, name, created_at, updated_at) VALUES (?, 'Shop', ?, ?)")) {
                ps.setString(1, APP);
                ps.setObject(2, Database.utc(Instant.now()));
                ps.setObject(3, Database.utc(Instant.now()));
                ps.executeUpdate();
            }
            return null;
        });
        catalog = new DeviceCatalog(db);
    }

    @AfterEach
    void close() {
        callers.shutdownNow();
        db.close();
    }

    @Test
    void anExpiredEntryIsAnsweredWhileOneBackgroundLoadReplacesIt() throws Exception {
        assertNotNull(catalog.get(APP));
        assertEquals(1, catalog.loads());
        CountDownLatch release = new CountDownLatch(1);
        catalog.beforeLoad(() -> await(release));
        long later = System.currentTimeMillis() + DeviceCatalog.TTL_MILLIS + 1;
        List<Future<DeviceCatalog.AppView>> checks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            checks.add(callers.submit(() -> catalog.get(APP, later)));
        }
        for (Future<DeviceCatalog.AppView> f : checks) {
            assertNotNull(f.get(5, TimeUnit.SECONDS), "a check waited for the reload of an expired entry");
        }
        release.countDown();
        long until = System.nanoTime() + 5_000_000_000L;
        while (catalog.loads() < 2) {
            assertTrue(System.nanoTime() < until, "the expired entry was never reloaded");
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertEquals(2, catalog.loads(), "one background load, not one per check");
    }

    @Test
    void checksOfAnInvalidatedAppShareOneLoadButNotOneFromBeforeTheWrite() throws Exception {
        assertNotNull(catalog.get(APP));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        catalog.beforeLoad(() -> {
            entered.countDown();
            await(release);
        });
        catalog.invalidate(APP);
        List<Future<DeviceCatalog.AppView>> checks = new ArrayList<>();
        checks.add(callers.submit(() -> catalog.get(APP)));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            checks.add(callers.submit(() -> catalog.get(APP)));
        }
        Thread.sleep(300); // they join the load in flight
        assertEquals(2, catalog.loads());
        // A write now: a check after it must not take the answer of the load that started before it.
        catalog.invalidate(APP);
        catalog.beforeLoad(() -> { });
        Future<DeviceCatalog.AppView> afterWrite = callers.submit(() -> catalog.get(APP));
        assertNotNull(afterWrite.get(5, TimeUnit.SECONDS), "a check after the write waited for the older load");
        assertEquals(3, catalog.loads());
        release.countDown();
        for (Future<DeviceCatalog.AppView> f : checks) {
            assertNotNull(f.get(5, TimeUnit.SECONDS));
        }
        assertEquals(3, catalog.loads(), "the checks of one generation shared one load");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
