package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Device events (§5) and channel self-assignment (§6), and the check request (§3). */
class StatsAndChannelTest {
    static final TestKeys KEYS = new TestKeys();

    @Test
    void eventsSurviveARestartAndAreDeliveredOnceWithTheirIds() {
        Device d = new Device(KEYS);
        d.server.statsStatus.add(503);
        d.boot();
        d.updater.onForeground();
        // killed before the flush got through: the events are on disk
        d.boot();
        d.server.statsLoseAnswer = 1;
        d.settle();
        d.advance(Duration.ofMinutes(10));
        assertTrue(d.server.statsBatches.size() >= 2, "resent after a lost answer");
        long launches = d.server.statsEvents.values().stream()
                .filter(e -> e.path("action").asText().equals("app_launch")).count();
        assertEquals(2, launches, "each event stored once, whatever was resent");
        assertTrue(d.server.actions().size() > d.server.statsEvents.size(), "duplicates were sent and skipped");
        assertEquals("[]", d.disk.kv.get("CapacitorUpdater").get("statsQueue"));
    }

    @Test
    void overloadIsRetriedWithBackoffAndBatchesStaySmall() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        for (int i = 0; i < 4; i++) {
            d.server.statsStatus.add(429);
        }
        d.boot();
        for (int i = 0; i < 150; i++) {
            d.updater.onForeground();
            d.updater.onBackground();
        }
        d.settle();
        assertTrue(d.server.statsBatches.isEmpty());
        d.advance(Duration.ofMinutes(20));
        assertEquals(301, d.server.statsEvents.size());
        assertTrue(d.server.statsBatches.stream().allMatch(b -> b.path("events").size() <= 200));
        assertEquals(TestKeys.APP, d.server.statsBatches.get(0).path("appId").asText());
    }

    @Test
    void theQueueIsCappedOldestFirst() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF).statsEnabled(true));
        for (int i = 0; i < 100; i++) {
            d.server.statsStatus.add(500);
        }
        d.boot();
        for (int i = 0; i < 300; i++) {
            d.updater.onForeground();
            d.updater.onBackground();
        }
        String q = d.disk.kv.get("CapacitorUpdater").get("statsQueue");
        JsonNode queue = dev.patchbay.domain.Json.mapper().valueToTree(parse(q));
        assertEquals(Prefs.MAX_QUEUE, queue.size());
        assertEquals("stats_dropped", queue.get(queue.size() - 1).path("action").asText());
    }

    static JsonNode parse(String s) {
        try {
            return dev.patchbay.domain.Json.mapper().readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void statsCanBeDisabled() {
        Device d = new Device(KEYS, b -> b.statsEnabled(false));
        d.boot();
        d.updater.onForeground();
        d.settle();
        assertTrue(d.server.statsBatches.isEmpty());
        assertNull(d.disk.kv.get("CapacitorUpdater").get("statsQueue"));
    }

    @Test
    void theCheckRequestCarriesWhatTheServerNeedsAndAFreshNonce() {
        Device d = new Device(KEYS, b -> b.defaultChannel("production"));
        d.boot();
        d.updater.setCustomId("customer-42");
        d.settle();
        d.updater.onForeground();
        d.settle();
        assertEquals(2, d.server.checks.size());
        JsonNode r = d.server.checks.get(1);
        assertEquals(TestKeys.APP, r.path("appId").asText());
        assertEquals(d.updater.getDeviceId(), r.path("deviceId").asText());
        assertTrue(d.updater.getDeviceId().matches("[0-9a-f-]{36}"));
        assertEquals("android", r.path("platform").asText());
        assertEquals("1.0.0", r.path("nativeVersion").asText());
        assertEquals(100, r.path("nativeBuild").asLong());
        assertEquals("builtin", r.path("currentBundle").asText());
        assertTrue(r.path("currentSequence").isNull());
        assertEquals("production", r.path("channel").asText());
        assertEquals("customer-42", r.path("customId").asText());
        assertEquals(KEYS.config().build().rootKeyId(), r.path("keyIds").path("root").asText());
        assertEquals(16, Base64.getUrlDecoder().decode(r.path("nonce").asText()).length);
        Set<String> nonces = new HashSet<>();
        d.server.checks.forEach(c -> nonces.add(c.path("nonce").asText()));
        assertEquals(2, nonces.size(), "a new nonce per check");
    }

    @Test
    void channelSelfAssignment() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.OFF));
        d.boot();
        ChannelAnswer ok = ResilienceTest.join(d, d.updater.setChannel("beta", false));
        assertTrue(ok.ok());
        assertEquals("beta", d.updater.getChannel());
        ChannelAnswer no = ResilienceTest.join(d, d.updater.setChannel("internal", false));
        assertFalse(no.ok());
        assertEquals("self_assign_not_allowed", no.error());
        assertEquals("beta", d.updater.getChannel());
        ResilienceTest.join(d, d.updater.getLatest(null));
        assertEquals("beta", d.server.checks.get(0).path("channel").asText());
        assertTrue(ResilienceTest.join(d, d.updater.unsetChannel(false)).ok());
        assertNull(d.updater.getChannel());
        d.boot();
        assertNull(d.updater.getChannel());
    }

    @Test
    void configFromCapacitorJson() {
        UpdaterConfig c = UpdaterConfig.fromJson("{\"plugins\":{\"PatchbayUpdater\":{\"serverUrl\":\"https://u.example/\","
                + "\"appId\":\"com.example.shop\",\"rootPublicKey\":\"" + enc(KEYS.config().build().rootPublicKey())
                + "\",\"contentKey\":\"" + enc(KEYS.contentKey) + "\",\"autoUpdate\":\"always\","
                + "\"appReadyTimeout\":500,\"responseTimeout\":5,\"autoDeletePrevious\":false,"
                + "\"defaultChannel\":\"beta\"}}}");
        assertEquals("https://u.example", c.serverUrl());
        assertEquals(AutoUpdate.ALWAYS, c.autoUpdate());
        assertEquals(Duration.ofSeconds(1), c.appReadyTimeout(), "at least 1000 ms");
        assertEquals(Duration.ofSeconds(5), c.responseTimeout());
        assertFalse(c.autoDeletePrevious());
        assertTrue(c.autoDeleteFailed());
        assertEquals("beta", c.defaultChannel());
        assertEquals(AutoUpdate.AT_BACKGROUND, AutoUpdate.of("true"));
        assertEquals(AutoUpdate.OFF, AutoUpdate.of("false"));
        assertEquals(Duration.ZERO, c.periodCheckDelay(), "no periodic check unless configured");

        UpdaterConfig p = UpdaterConfig.fromJson("{\"serverUrl\":\"https://u.example\",\"appId\":\"a.b\","
                + "\"rootPublicKey\":\"" + enc(KEYS.config().build().rootPublicKey()) + "\",\"contentKey\":\""
                + enc(KEYS.contentKey) + "\",\"autoUpdate\":\"onlyDownload\",\"periodCheckDelay\":120}");
        assertEquals(AutoUpdate.ONLY_DOWNLOAD, p.autoUpdate());
        assertEquals(Duration.ofSeconds(600), p.periodCheckDelay(), "at least 600 s, as the reference plugin");
    }

    static String enc(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
