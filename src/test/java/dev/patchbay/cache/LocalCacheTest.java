package dev.patchbay.cache;

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
