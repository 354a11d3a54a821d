package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.BundleRetentionClient;
import dev.patchbay.client.BundleRetentionClient.Retention;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.client.ValidationFailedException;
import dev.patchbay.domain.Bundle;
import dev.patchbay.server.bundles.BundleRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Keep the last N unused bundles" (ADR 0104): set over the API, applied at once and after each publish; a bundle a
 * channel serves, an active rollout uses (target, stable, rollback release) or a device runs is never deleted.
 */
class BundleRetentionTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;
    BundleRetentionClient retention;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        client = PatchbayClient.connect(s.url(), s.adminKey);
        retention = new BundleRetentionClient(client);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private List<String> versions() {
        return client.listBundles(APP).stream().map(Bundle::version).sorted().toList();
    }

    @Test
    void keepsTheNewestUnusedBundlesAndNeverOneInUse() throws Exception {
        f.publish("1.0.0", 1);
        f.publish("1.1.0", 2); // a device runs it
        f.publish("1.2.0", 3);
        f.publish("1.3.0", 4); // production serves it
        f.publish("1.4.0", 5); // rollout target
        f.publish("1.5.0", 6);
        f.publish("1.6.0", 7);
        f.patchChannel("production", "{\"bundle\":\"1.3.0\"}");
        client.startRollout(APP, "production", new RolloutStart("1.4.0", 1000, null, null, null, "canary"));
        String device = DeviceFixture.newDevice();
        f.check(device, Map.of("currentBundle", "1.1.0", "currentSequence", 2));
        assertNull(retention.get(APP).keepUnusedBundles(), "a new app keeps every bundle");

        Retention set = retention.set(APP, 1);
        assertEquals(1, set.keepUnusedBundles());
        // Unused: 1.6.0, 1.5.0, 1.2.0, 1.0.0 (newest first); the newest stays.
        assertEquals(List.of("1.0.0", "1.2.0", "1.5.0"), set.deleted());
        assertTrue(set.freedBlobs() > 0, set.toString());
        assertEquals(List.of("1.1.0", "1.3.0", "1.4.0", "1.6.0"), versions());
        assertEquals(1, retention.get(APP).keepUnusedBundles());

        // A publish applies the rule: 1.6.0 is no longer the newest unused bundle.
        f.publish("1.7.0", 8);
        assertEquals(List.of("1.1.0", "1.3.0", "1.4.0", "1.7.0"), versions());

        // The rollout's end frees its stable (1.3.0): the next publish prunes it; the device's bundle stays.
        client.promoteRollout(APP, "production", "all good");
        f.publish("1.8.0", 9);
        assertEquals(List.of("1.1.0", "1.4.0", "1.8.0"), versions());

        JsonNode audit = json(s.json("GET", "/api/v1/audit?action=bundle.retention", null));
        assertEquals("keepUnusedBundles=all -> 1", audit.path("items").get(0).path("detail").asText());
        JsonNode deletes = json(s.json("GET", "/api/v1/audit?action=bundle.delete", null));
        assertEquals(6, deletes.path("items").size(), deletes.toString());
        assertTrue(deletes.path("items").get(0).path("detail").asText().contains("retention=keep 1 unused"),
                deletes.toString());

        // Back to keeping everything: nothing more goes.
        assertNull(retention.set(APP, null).keepUnusedBundles());
        f.publish("1.9.0", 10);
        f.publish("2.0.0", 11);
        assertEquals(List.of("1.1.0", "1.4.0", "1.8.0", "1.9.0", "2.0.0"), versions());
    }

    /**
     * The timed run (ADR 0109): a device that stopped reporting holds its bundle only while it was seen within the
     * device window (the event retention, here 30 days); after that the timer prunes the bundle without any publish.
     * Only the leader runs it.
     */
    @Test
    void theTimerPrunesBundlesOfDevicesThatWentQuietOnTheLeaderOnly() throws Exception {
        s.close();
        MutableClock clock = new MutableClock();
        s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir.resolve("timed"))
                .withEventRetention(Duration.ofDays(30)), clock);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        client = PatchbayClient.connect(s.url(), s.adminKey);
        retention = new BundleRetentionClient(client);
        f.publish("1.0.0", 1); // a device runs it, then goes quiet
        f.publish("1.1.0", 2);
        f.publish("1.2.0", 3); // production serves it
        f.patchChannel("production", "{\"bundle\":\"1.2.0\"}");
        String quiet = DeviceFixture.newDevice();
        f.check(quiet, Map.of("currentBundle", "1.0.0", "currentSequence", 1));
        assertEquals(List.of(), retention.set(APP, 1).deleted(), "1.1.0 is the one unused bundle kept");

        BundleRetention timer = s.server.bundleRetention();
        clock.advance(Duration.ofDays(29));
        assertEquals(Map.of(), timer.timed(), "seen 29 days ago: the device still holds 1.0.0");
        assertEquals(List.of("1.0.0", "1.1.0", "1.2.0"), versions());

        clock.advance(Duration.ofDays(2));
        timer.withLeadership(() -> false);
        assertEquals(Map.of(), timer.timed(), "an instance that does not lead leaves it to the leader");
        assertEquals(List.of("1.0.0", "1.1.0", "1.2.0"), versions());
        timer.withLeadership(() -> true);
        Map<String, BundleRetention.Setting> pruned = timer.timed();
        assertEquals(List.of("1.0.0"), pruned.get(APP).deleted(), pruned.toString());
        assertEquals(List.of("1.1.0", "1.2.0"), versions());
        JsonNode deletes = json(s.json("GET", "/api/v1/audit?action=bundle.delete", null));
        assertEquals("system:retention", deletes.path("items").get(0).path("actor").asText(), deletes.toString());
        assertTrue(deletes.path("items").get(0).path("detail").asText().contains("retention=keep 1 unused"),
                deletes.toString());

        // A device seen again protects its bundle again; an app without a rule is left alone.
        String back = DeviceFixture.newDevice();
        f.check(back, Map.of("currentBundle", "1.1.0", "currentSequence", 2));
        f.publish("1.3.0", 4);
        f.publish("1.4.0", 5);
        clock.advance(Duration.ofDays(1));
        timer.timed();
        assertEquals(List.of("1.1.0", "1.2.0", "1.4.0"), versions(), "the device seen a day ago keeps 1.1.0");
        retention.set(APP, null);
        f.publish("1.5.0", 6);
        clock.advance(Duration.ofDays(60));
        assertEquals(Map.of(), timer.timed());
        assertEquals(List.of("1.1.0", "1.2.0", "1.4.0", "1.5.0"), versions());
    }

    @Test
    void refusesACountOutOfRange() throws Exception {
        ValidationFailedException e = Assertions.assertThrows(ValidationFailedException.class,
                () -> retention.set(APP, 0));
        assertTrue(e.getMessage().contains("Keep between 1 and"), e.getMessage());
        assertNull(retention.get(APP).keepUnusedBundles());
    }
}
