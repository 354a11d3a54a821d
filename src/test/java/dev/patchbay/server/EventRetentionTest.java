package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Json;
import dev.patchbay.server.devices.EventRetention;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a real server (`serve --event-retention`): device events and rollout chart samples older than the
 * period go, newer ones and the audit log stay; the prune is driven with the test's clock.
 */
class EventRetentionTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock();
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir).withRolloutTick(Duration.ofHours(1))
                .withEventRetention(Duration.ofDays(30)), clock);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        f.publish("1.4.0", 1);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        f.publish("1.5.0", 2);
        client = PatchbayClient.connect(s.url(), s.adminKey);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    void events(String device, int n) throws Exception {
        ObjectNode batch = Json.mapper().createObjectNode();
        batch.put("appId", APP);
        batch.put("deviceId", device);
        ArrayNode list = batch.putArray("events");
        for (int i = 0; i < n; i++) {
            ObjectNode e = list.addObject();
            e.put("id", UUID.randomUUID().toString());
            e.put("action", "download_complete");
            e.put("bundle", "1.4.0");
            e.put("at", clock.instant().toString());
        }
        assertEquals(200, f.post("/stats", batch.toString()).statusCode());
    }

    long count(String sql) {
        return s.server.database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void eventsAndSamplesOlderThanTheRetentionGoTheRestStays() throws Exception {
        String old = DeviceFixture.newDevice();
        String recent = DeviceFixture.newDevice();
        events(old, 7);
        client.startRollout(APP, "production", new RolloutStart("1.5.0", 1000, null, null, null, "canary"));
        s.server.supervisor().tick(clock.instant());           // one chart sample now
        long auditBefore = count("SELECT COUNT(*) FROM audit_log");

        clock.advance(Duration.ofDays(20));
        events(old, 2);                                          // 20 days later the old device reports again
        clock.advance(Duration.ofDays(11));
        events(recent, 3);
        s.server.supervisor().tick(clock.instant());           // a second sample, 31 days after the first

        EventRetention.Pruned p = s.server.retention().prune(clock.instant());
        assertEquals(7, p.events(), "the 7 events from 31 days ago");
        assertEquals(1, p.samples());
        assertEquals(5, count("SELECT COUNT(*) FROM device_events"));
        assertEquals(1, count("SELECT COUNT(*) FROM rollout_samples"));
        assertEquals(2, client.deviceEvents(APP, old, 100, null).items().size(), "its timeline keeps the last 20 days");
        assertEquals(3, client.deviceEvents(APP, recent, 100, null).items().size());
        assertTrue(count("SELECT COUNT(*) FROM audit_log") >= auditBefore, "the audit log is never pruned");

        EventRetention.Pruned again = s.server.retention().prune(clock.instant());
        assertEquals(0, again.events() + again.samples(), "nothing twice");
        clock.advance(Duration.ofDays(40));
        assertEquals(5, s.server.retention().prune(clock.instant()).events(), "in time everything goes");
        assertEquals(0, count("SELECT COUNT(*) FROM device_events"));
        assertEquals(0, s.server.retention().prune(clock.instant()).events(), "an empty table is fine");
    }

    @Test
    void offersOlderThanTheRetentionGoUnlessAnActiveRolloutTargetsThem() throws Exception {
        String stable = DeviceFixture.newDevice();
        String canary = DeviceFixture.newDevice();
        String late = DeviceFixture.newDevice();
        f.check(stable, java.util.Map.of());                    // offered 1.4.0, the channel's release
        client.startRollout(APP, "production", new RolloutStart("1.5.0", 10000, null, null, null, "canary"));
        f.check(canary, java.util.Map.of());                    // offered 1.5.0, the rollout's target
        s.server.flushDevices();
        assertEquals(2, count("SELECT COUNT(*) FROM release_offers"));

        clock.advance(Duration.ofDays(31));
        f.check(late, java.util.Map.of());                      // offered 1.5.0 a month later
        s.server.flushDevices();
        EventRetention.Pruned p = s.server.retention().prune(clock.instant());
        assertEquals(1, p.offers(), "the old offer of 1.4.0 goes; the running rollout's target keeps its offers");
        assertEquals(0, count("SELECT COUNT(*) FROM release_offers WHERE bundle = '1.4.0'"));
        assertEquals(2, count("SELECT COUNT(*) FROM release_offers WHERE bundle = '1.5.0'"));

        client.promoteRollout(APP, "production", "done");       // no active rollout targets 1.5.0 any more
        p = s.server.retention().prune(clock.instant());
        assertEquals(1, p.offers(), "then only the offer within the retention stays");
        assertEquals(1, count("SELECT COUNT(*) FROM release_offers WHERE device_id = '" + late + "'"));
        assertEquals(1, count("SELECT COUNT(*) FROM release_offers"));
    }

    @Test
    void theRetentionIsAtLeastAnHour() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerConfig("127.0.0.1", 0, dataDir).withEventRetention(Duration.ofMinutes(59)));
        assertTrue(e.getMessage().contains("at least 1 h"), e.getMessage());
        assertEquals(ServerConfig.DEFAULT_EVENT_RETENTION, new ServerConfig("127.0.0.1", 0, dataDir).eventRetention());
    }
}
