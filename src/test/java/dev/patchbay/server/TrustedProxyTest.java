package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.http.TrustedProxies;
import dev.patchbay.server.offers.ReleaseOffers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --trusted-proxy} (ADR 0096) over real HTTP: behind a trusted reverse proxy (here: loopback, the test's
 * own peer) each device's {@code X-Forwarded-For} address is its client address, so a fleet behind one proxy is not
 * squeezed into one address's share of rollout health; a header from a peer that is not trusted changes nothing.
 */
class TrustedProxyTest {
    static final String APP = "com.example.shop";
    static final int DEVICES = ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS + 10;

    @TempDir
    Path tmp;

    /** 60 devices, each behind the proxy with its own address (and a forged hop on the left), all report rollback. */
    HealthReading fleetBehindProxy(TrustedProxies proxies, Path dataDir) throws Exception {
        MutableClock clock = new MutableClock();
        try (RunningServer s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir)
                .withRolloutTick(Duration.ofHours(1)).withTrustedProxies(proxies), clock)) {
            DeviceFixture f = new DeviceFixture(s, APP).create().trustServer();
            f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
            f.publish("1.4.0", 1);
            f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
            f.publish("1.5.0", 2);
            PatchbayClient client = PatchbayClient.connect(s.url(), s.adminKey);
            client.startRollout(APP, "production",
                    new RolloutStart("1.5.0", 10000, null, OfferedHealthTest.POLICY, null, "canary"));
            for (int i = 0; i < DEVICES; i++) {
                String device = DeviceFixture.newDevice();
                String forwarded = "6.6.6.6, 203.0.113." + (i + 1);
                var answer = s.raw("POST", "/updates", f.checkBody(device, Map.of()).toString()
                        .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json",
                        "X-Forwarded-For", forwarded);
                assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
                ObjectNode batch = Json.mapper().createObjectNode();
                batch.put("appId", APP);
                batch.put("deviceId", device);
                ObjectNode e = batch.putArray("events").addObject();
                e.put("id", UUID.randomUUID().toString());
                e.put("action", "rollback");
                e.put("bundle", "1.5.0");
                e.put("oldBundle", "1.4.0");
                var stats = s.raw("POST", "/stats", batch.toString().getBytes(StandardCharsets.UTF_8),
                        "Content-Type", "application/json", "X-Forwarded-For", forwarded);
                assertEquals(200, stats.statusCode());
            }
            clock.advance(Duration.ofSeconds(30));
            s.server.supervisor().tick(clock.instant());
            Rollout r = client.rollout(APP, "production");
            assertEquals(RolloutState.PAUSED, r.state(), r.reason());
            return r.lastHealth();
        }
    }

    @Test
    void behindATrustedProxyEveryDeviceCountsWithItsOwnAddress() throws Exception {
        HealthReading h = fleetBehindProxy(TrustedProxies.parse("127.0.0.0/8,::1"), tmp.resolve("trusted"));
        assertEquals(DEVICES, h.failures(), h.reason());
        assertEquals(Map.of(), h.discarded());
    }

    @Test
    void aForwardedHeaderFromAPeerNotTrustedIsIgnored() throws Exception {
        // Default: no proxy trusted, every device is the TCP peer 127.0.0.1, so one address's share counts.
        HealthReading none = fleetBehindProxy(TrustedProxies.NONE, tmp.resolve("none"));
        assertEquals(ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS, none.failures(), none.reason());
        assertEquals(Map.of("address_limit", 10L), none.discarded());
        // A proxy list that does not include the peer: same as none.
        HealthReading other = fleetBehindProxy(TrustedProxies.parse("10.0.0.0/8"), tmp.resolve("other"));
        assertEquals(ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS, other.failures(), other.reason());
    }
}
