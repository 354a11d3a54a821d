package dev.patchbay.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCacheTest {
    @TempDir
    Path dir;

    private static final Instant T1 = Instant.parse("2026-11-20T10:15:30.123456789Z");
    private static final App SHOP = new App("com.example.shop", "Shop", T1, T1);
    private static final Channel PROD = new Channel("com.example.shop", "production", "Everyone",
            Set.of(Platform.ANDROID, Platform.IOS), Set.of(Platform.ANDROID, Platform.IOS), false, true, false, T1, T1);
    private static final Channel BETA = new Channel("com.example.shop", "beta", "", Set.of(), Set.of(Platform.ANDROID),
            true, true, true, T1, T1, "1.4.0", dev.patchbay.domain.UpdateGate.MINOR);

    @Test
    void dataSurvivesReopening() {
        try (LocalCache cache = LocalCache.open(dir)) {
            cache.replaceApps("sandbox", List.of(SHOP), T1);
            cache.replaceChannels("sandbox", SHOP.id(), List.of(BETA, PROD), T1);
        }
        try (LocalCache cache = LocalCache.open(dir)) {
            Cached<List<App>> apps = cache.apps("sandbox");
            assertEquals(List.of(SHOP), apps.value());
            assertEquals(T1, apps.fetchedAt());
            Cached<List<Channel>> channels = cache.channels("sandbox", SHOP.id());
            assertEquals(List.of(BETA, PROD), channels.value(), "every field, the bundle a channel serves and its update gate included");
            assertEquals(T1, channels.fetchedAt());
        }
        assertTrue(Files.exists(dir.resolve("cache.mv.db")));
    }

    @Test
    void anUnreadableFileIsMovedAsideAndAFreshCacheStarts() throws Exception {
        try (LocalCache cache = LocalCache.open(dir)) {
            cache.replaceApps("sandbox", List.of(SHOP), T1);
        }
        byte[] garbage = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(dir.resolve("cache.mv.db"), garbage);

        Path reported;
        try (LocalCache cache = LocalCache.open(dir)) {
            reported = cache.movedAside();
            assertNull(cache.apps("sandbox").fetchedAt(), "a new, empty cache");
            cache.replaceApps("sandbox", List.of(SHOP), T1);
            assertEquals(List.of(SHOP), cache.apps("sandbox").value());
        }
        List<Path> aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(f -> f.getFileName().toString().startsWith("cache.mv.db.corrupt-")).toList();
        }
        assertEquals(1, aside.size(), "the unreadable file is kept for a bug report");
        assertArrayEquals(garbage, Files.readAllBytes(aside.get(0)));
        assertEquals(aside.get(0), reported, "the console tells the user where the old file went");
        try (LocalCache again = LocalCache.open(dir)) {
            assertNull(again.movedAside(), "a readable cache is opened as it is");
        }
    }

    @Test
    void aCacheLockedByAnotherProgramIsNotTakenForCorrupt() throws Exception {
        try (LocalCache first = LocalCache.open(dir)) {
            first.replaceApps("sandbox", List.of(SHOP), T1);
        }
        // What another console holding the file looks like to H2: the file lock is taken.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve("cache.mv.db"),
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = ch.lock()) {
            CacheException e = assertThrows(CacheException.class, () -> LocalCache.open(dir));
            assertTrue(e.getMessage().startsWith("Cannot open the local cache"), e.getMessage());
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("corrupt")), "nothing moved aside");
        }
        try (LocalCache again = LocalCache.open(dir)) {
            assertEquals(List.of(SHOP), again.apps("sandbox").value());
        }
    }

    @Test
    void devicesCachedBeforeVersion5SurviveTheMigration() throws Exception {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("cache");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_history (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL,"
                    + " applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            for (int v = 1; v <= 4; v++) {
                String name = LocalCache.MIGRATIONS + "/V" + v + ".sql";
                String script;
                try (var in = LocalCache.class.getClassLoader().getResourceAsStream(name)) {
                    script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                for (String sql : script.split("(?m);\\s*$")) {
                    if (!sql.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))) {
                        st.execute(sql);
                    }
                }
                st.execute("INSERT INTO schema_history VALUES (" + v + ", '" + name + "', CURRENT_TIMESTAMP)");
            }
            st.execute("INSERT INTO device_sync(scope_id, connection_id, app_id, sync_cursor, device_count)"
                    + " VALUES (1, 'sandbox', 'com.example.shop', '42', 2)");
            st.execute("INSERT INTO cached_device(scope_id, device_id, custom_id, custom_id_lower, platform, channel,"
                    + " current_bundle, last_outcome, last_seen) VALUES"
                    + " (1, 'b-device', 'Alice', 'alice', 'ios', 'beta', '1.5.0', 'update', 2000),"
                    + " (1, 'a-device', NULL, NULL, 'android', 'production', '1.4.0', 'up_to_date', 1000)");
        }
        try (LocalCache cache = LocalCache.open(dir)) {
            DeviceCache devices = cache.devices();
            assertEquals("42", devices.state("sandbox", "com.example.shop").cursor());
            DeviceResult r = devices.query("sandbox", "com.example.shop", DeviceQuery.all(10));
            assertEquals(List.of("b-device", "a-device"), r.rows().stream().map(DeviceRow::deviceId).toList());
            assertEquals("Alice", r.rows().get(0).customId());
            devices.applyPage("sandbox", "com.example.shop", List.of(new DeviceRow("a-device", null, "android", null,
                    null, null, "beta", null, null, null, "failed", null, null, Instant.ofEpochMilli(3000))), "43");
            DeviceResult after = devices.query("sandbox", "com.example.shop", DeviceQuery.all(10));
            assertEquals(List.of("a-device", "b-device"), after.rows().stream().map(DeviceRow::deviceId).toList());
            assertEquals(2, after.total(), "an update keeps one row per device");
        }
    }

    @Test
    void unknownListsSayTheyWereNeverFetched() {
        try (LocalCache cache = LocalCache.open(dir)) {
            Cached<List<App>> apps = cache.apps("nowhere");
            assertFalse(apps.isKnown());
            assertNull(apps.fetchedAt());
            assertEquals(List.of(), apps.value());
        }
    }

    @Test
    void connectionsAreKeptApart() {
        try (LocalCache cache = LocalCache.open(dir)) {
            cache.replaceApps("sandbox", List.of(SHOP), T1);
            cache.replaceApps("remote-1", List.of(), T1);
            assertEquals(List.of(SHOP), cache.apps("sandbox").value());
            assertEquals(List.of(), cache.apps("remote-1").value());
            assertTrue(cache.apps("remote-1").isKnown());
        }
    }

    @Test
    void anAppGoneFromTheServerTakesItsChannelsAlong() {
        try (LocalCache cache = LocalCache.open(dir)) {
            cache.replaceApps("sandbox", List.of(SHOP), T1);
            cache.replaceChannels("sandbox", SHOP.id(), List.of(PROD), T1);
            cache.replaceApps("sandbox", List.of(), T1.plusSeconds(60));
            assertEquals(List.of(), cache.channels("sandbox", SHOP.id()).value());
            assertFalse(cache.channels("sandbox", SHOP.id()).isKnown());
            assertEquals(T1.plusSeconds(60), cache.apps("sandbox").fetchedAt());
        }
    }

    @Test
    void singleWritesUpdateAndRemove() {
        try (LocalCache cache = LocalCache.open(dir)) {
            cache.putApp("sandbox", SHOP, T1);
            App renamed = new App(SHOP.id(), "Shop 2", T1, T1.plusSeconds(5));
            cache.putApp("sandbox", renamed, T1);
            assertEquals(List.of(renamed), cache.apps("sandbox").value());
            cache.putChannel("sandbox", PROD, T1);
            cache.removeChannel("sandbox", SHOP.id(), "production");
            assertEquals(List.of(), cache.channels("sandbox", SHOP.id()).value());
            cache.putChannel("sandbox", PROD, T1);
            cache.removeApp("sandbox", SHOP.id());
            assertEquals(List.of(), cache.apps("sandbox").value());
            assertEquals(List.of(), cache.channels("sandbox", SHOP.id()).value());
        }
    }

    @Test
    void offlineReadWorksAfterTheServerStops() throws Exception {
        Instant fetched;
        try (LocalCache cache = LocalCache.open(dir.resolve("cache"))) {
            PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("server")));
            PatchbayClient client;
            try {
                client = PatchbayClient.connect(server.url(), Files.readString(server.adminApiKeyFile()).strip());
                client.createApp("com.example.shop", "Shop");
                client.createChannel("com.example.shop", ChannelDraft.named("beta").withDescription("Testers"));
                fetched = Instant.now().truncatedTo(ChronoUnit.MICROS);
                cache.replaceApps("s", client.listApps(), fetched);
                cache.replaceChannels("s", "com.example.shop", client.listChannels("com.example.shop"), fetched);
            } finally {
                server.close();
            }
            PatchbayClient gone = client;
            assertThrows(ServerUnreachableException.class, gone::listApps);
        }
        try (LocalCache cache = LocalCache.open(dir.resolve("cache"))) {
            assertEquals(List.of("com.example.shop"), cache.apps("s").value().stream().map(App::id).toList());
            assertEquals(fetched, cache.apps("s").fetchedAt());
            Channel beta = cache.channels("s", "com.example.shop").value().get(0);
            assertEquals("beta", beta.name());
            assertEquals("Testers", beta.description());
        }
    }
}
