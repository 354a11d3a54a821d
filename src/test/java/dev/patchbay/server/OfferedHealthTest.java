package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.server.offers.ReleaseOffers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollout health counts only devices the server offered the target (ADR 0094): finding 3 of issue 15 — 60 anonymous
 * {@code POST /stats} from invented device ids, each a {@code rollback} of the target — moves nothing, and the
 * discarded reports are counted with their reason; devices that really got the offer still count, at most
 * {@link ReleaseOffers#DEFAULT_DEVICES_PER_ADDRESS} of them per client address.
 */
class OfferedHealthTest {
    static final String APP = "com.example.shop";
    /** The policy of the finding: pause at once on a failing window, from 10 attempts. */
    static final HealthPolicy POLICY = new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 0L, HealthAction.PAUSE);

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock();
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir).withRolloutTick(Duration.ofHours(1)), clock);
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

    Rollout startRollout(int bps) {
        return client.startRollout(APP, "production", new RolloutStart("1.5.0", bps, null, POLICY, null, "canary"));
    }

    void rollback(String device) throws Exception {
        ObjectNode batch = Json.mapper().createObjectNode();
        batch.put("appId", APP);
        batch.put("deviceId", device);
        ObjectNode e = batch.putArray("events").addObject();
        e.put("id", UUID.randomUUID().toString());
        e.put("action", "rollback");
        e.put("bundle", "1.5.0");
        e.put("oldBundle", "1.4.0");
        assertEquals(200, f.post("/stats", batch.toString()).statusCode());
    }

    void tick() {
        clock.advance(Duration.ofSeconds(30));
        s.server.supervisor().tick(clock.instant());
    }

    @Test
    void sixtyInventedDevicesReportingRollbackMoveNothing() throws Exception {
        startRollout(5000);
        for (int i = 0; i < 60; i++) {
            rollback(DeviceFixture.newDevice());
        }
        tick();
        Rollout r = client.rollout(APP, "production");
        assertEquals(RolloutState.RUNNING, r.state(), r.reason());
        HealthReading h = r.lastHealth();
        assertEquals(0, h.attempts(), h.reason());
        assertEquals(0, h.failures());
        assertEquals(Map.of("not_offered", 60L), h.discarded());
        assertEquals(Map.of("not_offered", 60L), client.rolloutSeries(APP, r.id(), null, null, 60).discarded());
        assertTrue(client.rolloutFailedDevices(APP, r.id(), null, null, 10).isEmpty(), "no invented device is listed");
    }

    @Test
    void offeredDevicesCountAndOneAddressMovesAtMostItsShare() throws Exception {
        startRollout(10000);
        int devices = ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS + 10;
        for (int i = 0; i < devices; i++) {
            String device = DeviceFixture.newDevice();
            JsonNode answer = f.check(device, Map.of());
            assertEquals("1.5.0", answer.path("release").path("release").path("version").asText());
            rollback(device);
        }
        tick();
        Rollout r = client.rollout(APP, "production");
        HealthReading h = r.lastHealth();
        assertEquals(ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS, h.failures(), h.reason());
        assertEquals(Map.of("address_limit", 10L), h.discarded());
        // Really offered, really failing: the policy acts.
        assertEquals(RolloutState.PAUSED, r.state(), r.reason());
    }
}
