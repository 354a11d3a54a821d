package dev.patchbay.console.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.cache.DeviceCache;
import dev.patchbay.cache.DeviceQuery;
import dev.patchbay.cache.DeviceRow;
import dev.patchbay.cache.DeviceSyncState;
import dev.patchbay.cache.LocalCache;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.DeviceRows;
import dev.patchbay.server.RunningServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DeviceSync} from a real server on loopback into a file cache. */
class DeviceSyncTest {
    static final String APP = "com.example.shop";
    static final String CONN = "sandbox";
    static final int N = 2000;

    @TempDir
    Path serverDir;
    @TempDir
    Path cacheDir;
    RunningServer s;
    PatchbayClient client;
    LocalCache local;
    DeviceCache cache;

    @BeforeEach
    void start() throws Exception {
        try (RunningServer first = RunningServer.start(serverDir)) {
            new DeviceFixture(first, APP).create().trustServer();
        }
        DeviceRows.insert(serverDir, APP, 0, N);
        s = RunningServer.start(serverDir);
        client = PatchbayClient.connect(s.url(), s.adminKey);
        local = LocalCache.open(cacheDir);
        cache = local.devices();
    }

    @AfterEach
    void stop() {
        local.close();
        s.close();
    }

    DeviceSync sync() {
        return new DeviceSync(cache, client, CONN, APP, 300);
    }

    @Test
    void cancelLeavesAConsistentCacheAndTheNextRunResumesFromTheCursor() throws Exception {
        AtomicInteger pages = new AtomicInteger();
        List<Long> progress = new ArrayList<>();
        DeviceSync.Result cut = sync().run(() -> pages.get() >= 2, received -> {
            pages.incrementAndGet();
            progress.add(received);
        }, Clock.systemUTC());
        assertTrue(cut.cancelled());
        assertEquals(600, cut.received());
        assertEquals(List.of(300L, 600L), progress);
        DeviceSyncState mid = cache.state(CONN, APP);
        assertNotNull(mid.cursor());
        assertNull(mid.syncedAt(), "not synced to the end");
        // What is cached is exactly the first 600 changes: whole pages, nothing half-written.
        assertEquals(600, cache.query(CONN, APP, DeviceQuery.all(10)).total());
        assertEquals(DeviceRows.deviceId(599), cache.query(CONN, APP, new DeviceQuery(DeviceRows.deviceId(599),
                null, null, null, null, null, null, null, true, 0, 1)).rows().get(0).deviceId());
        assertEquals(0, cache.query(CONN, APP, new DeviceQuery(DeviceRows.deviceId(600), null, null, null, null, null,
                null, null, true, 0, 1)).total());

        DeviceSync.Result rest = sync().run(() -> false, r -> { }, Clock.systemUTC());
        assertFalse(rest.cancelled());
        assertEquals(N - 600, rest.received(), "resumed from the stored cursor");
        assertEquals(N, rest.state().devices());
        assertNotNull(rest.state().syncedAt());
        DeviceRow d = cache.query(CONN, APP, new DeviceQuery(DeviceRows.deviceId(1234), null, null, null, null, null,
                null, null, true, 0, 1)).rows().get(0);
        assertEquals(DeviceRows.channel(1234), d.channel());
        assertEquals(DeviceRows.bundle(1234), d.currentBundle());
        assertEquals(DeviceRows.outcome(1234), d.state());
        assertEquals(DeviceRows.lastSeen(1234), d.lastSeen());
    }

    @Test
    void onlyChangedDevicesAreFetchedAgain() throws Exception {
        assertEquals(N, sync().run(() -> false, r -> { }, Clock.systemUTC()).received());
        DeviceSync.Result none = sync().run(() -> false, r -> { }, Clock.systemUTC());
        assertEquals(0, none.received());
        assertEquals(1, none.pages());

        DeviceFixture f = new DeviceFixture(s, APP);
        f.check(DeviceRows.deviceId(7), Map.of("nativeVersion", "3.1.0"));
        String fresh = DeviceFixture.newDevice();
        f.check(fresh, Map.of("customId", "Alice-42"));
        DeviceSync.Result two = sync().run(() -> false, r -> { }, Clock.systemUTC());
        assertEquals(2, two.received());
        assertEquals(N + 1, two.state().devices());
        assertEquals("3.1.0", cache.query(CONN, APP, new DeviceQuery(DeviceRows.deviceId(7), null, null, null, null,
                null, null, null, true, 0, 1)).rows().get(0).nativeVersion());
        assertEquals(fresh, cache.query(CONN, APP, new DeviceQuery("alice", null, null, null, null, null, null, null,
                true, 0, 5)).rows().get(0).deviceId());
    }
}
