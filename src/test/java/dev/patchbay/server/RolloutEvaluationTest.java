package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.ConflictException;
import dev.patchbay.client.Device;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutDecision;
import dev.patchbay.domain.rollout.RolloutState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Update checks of a channel with a rollout (docs/rollouts.md §2) over a population of devices on a real server with
 * real signed releases: selection share, raising and lowering, pause, rollback with the rollback release and the
 * same-content rule, promote.
 */
class RolloutEvaluationTest {
    static final String APP = "com.example.shop";
    static final int DEVICES = 2000;

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;
    TestReleases.Sealed stable;
    ExecutorService pool = Executors.newFixedThreadPool(4);

    /** What a device runs: bundle and sequence (null sequence = builtin). */
    record Runs(String bundle, Long sequence) {
    }

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        stable = f.publish("1.4.0", 1);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        f.publish("1.5.0", 2);
        client = PatchbayClient.connect(s.url(), s.adminKey);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        s.close();
    }

    @Test
    void aRolloutMovesItsShareAndRollsBackWithTheRollbackRelease() throws Exception {
        TestReleases.Sealed rb = RolloutsApiTest.rollbackRelease(f.keys, stable, "1.4.0+rollback.3", 3);
        Rollout r = client.startRollout(APP, "production",
                new RolloutStart("1.5.0", 1000, null, null, rb.envelope(), "canary"));
        assertEquals("1.4.0+rollback.3", r.rollbackBundle());
        Map<String, Runs> fleet = new LinkedHashMap<>();
        for (int i = 0; i < DEVICES; i++) {
            fleet.put(DeviceFixture.newDevice(), new Runs("1.4.0", 1L));
        }
        Map<String, Integer> bucket = new HashMap<>();
        fleet.keySet().forEach(d -> bucket.put(d, RolloutBucket.of(r.id(), d)));

        // 10 %: exactly the devices whose bucket is below 1000, about 10 % of them.
        Map<String, JsonNode> answers = checkAll(fleet);
        int moved = 0;
        for (var e : answers.entrySet()) {
            boolean selected = bucket.get(e.getKey()) < 1000;
            JsonNode a = e.getValue();
            if (selected) {
                assertEquals("update", a.path("kind").asText(), a.toString());
                assertEquals("1.5.0", a.path("release").path("release").path("version").asText());
                moved++;
                fleet.put(e.getKey(), new Runs("1.5.0", 2L));
            } else {
                assertEquals("up_to_date", a.path("kind").asText(), a.toString());
                assertEquals("no_new_version", a.path("error").asText());
            }
        }
        assertTrue(moved > DEVICES * 0.08 && moved < DEVICES * 0.12, "about 10 %: " + moved);
        // The timeline names the rollout evaluation.
        String someSelected = fleet.entrySet().stream().filter(e -> e.getValue().bundle().equals("1.5.0"))
                .findFirst().orElseThrow().getKey();
        JsonNode events = json(s.json("GET", f.base + "/devices/" + someSelected + "/events", null));
        JsonNode details = events.path("items").get(0).path("details").path("rollout");
        assertEquals(r.id(), details.path("id").asText(), events.toString());
        assertEquals(bucket.get(someSelected).intValue(), details.path("bucket").asInt());
        assertEquals(1000, details.path("bps").asInt());
        assertTrue(details.path("selected").asBoolean());
        assertEquals("running", details.path("state").asText());

        // Raising only adds devices.
        client.setRolloutPercentage(APP, "production", 2500, "wider");
        answers = checkAll(fleet);
        int added = 0;
        for (var e : answers.entrySet()) {
            int b = bucket.get(e.getKey());
            JsonNode a = e.getValue();
            if (b < 1000) {
                assertEquals("no_new_version", a.path("error").asText(), "stays on the target: " + a);
            } else if (b < 2500) {
                assertEquals("update", a.path("kind").asText());
                assertEquals("1.5.0", a.path("release").path("release").path("version").asText());
                fleet.put(e.getKey(), new Runs("1.5.0", 2L));
                added++;
            } else {
                assertEquals("no_new_version", a.path("error").asText());
            }
        }
        assertTrue(added > DEVICES * 0.12 && added < DEVICES * 0.18, "about 15 % more: " + added);

        // Lowering: target devices that left the selection get the rollback release (freshness names it).
        client.setRolloutPercentage(APP, "production", 500, "narrower");
        answers = checkAll(fleet);
        int back = 0;
        for (var e : answers.entrySet()) {
            int b = bucket.get(e.getKey());
            JsonNode a = e.getValue();
            if (b >= 500 && b < 2500) {
                assertEquals("update", a.path("kind").asText(), a.toString());
                assertEquals("1.4.0+rollback.3", a.path("release").path("release").path("version").asText());
                fleet.put(e.getKey(), new Runs("1.4.0+rollback.3", 3L));
                back++;
            } else {
                assertEquals("no_new_version", a.path("error").asText(), a.toString());
            }
        }
        assertTrue(back > 0);
        String returned = fleet.entrySet().stream().filter(e -> e.getValue().bundle().startsWith("1.4.0+"))
                .findFirst().orElseThrow().getKey();
        ObjectNode body = body(returned, new Runs("1.5.0", 2L));
        JsonNode a = f.check(body);
        FreshnessStatement st = FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), APP, returned, body.path("nonce").asText());
        st.requireRelease(Json.mapper().writeValueAsBytes(a.get("release")));
        assertEquals("1.4.0+rollback.3", st.release().version());
        assertEquals(3, st.release().sequence());
        // On the rollback release it stays there (not sent to 1.4.0, which it would refuse).
        assertEquals("no_new_version", f.check(body(returned, new Runs("1.4.0+rollback.3", 3L))).path("error").asText());

        // The device page explains it.
        Device dev = client.device(APP, someSelected);
        RolloutDecision dec = dev.rollout();
        assertEquals(r.id(), dec.id());
        assertEquals(bucket.get(someSelected).intValue(), dec.bucket());
        assertEquals(500, dec.bps());
        assertTrue(dec.explanation().startsWith("bucket " + dec.bucket()), dec.explanation());
        Device retDev = client.device(APP, returned);
        assertTrue(retDev.rollout().explanation().contains("rollback release 1.4.0+rollback.3"),
                retDev.rollout().explanation());

        // Paused at 3000: target devices keep it, nobody new moves.
        client.setRolloutPercentage(APP, "production", 3000, "wide again");
        client.pauseRollout(APP, "production", "hold");
        answers = checkAll(fleet);
        for (var e : answers.entrySet()) {
            assertEquals("up_to_date", e.getValue().path("kind").asText(), e.getValue().toString());
            assertEquals("no_new_version", e.getValue().path("error").asText(), e.getValue().toString());
        }
        String onTarget = fleet.entrySet().stream().filter(e -> e.getValue().bundle().equals("1.5.0"))
                .findFirst().orElseThrow().getKey();
        assertEquals("rollout paused: keeps 1.5.0, which it already runs",
                client.device(APP, onTarget).rollout().explanation());

        // Rollback: target devices go to the rollback release, stable devices stay (same content).
        client.rollbackRollout(APP, "production", "bad", null);
        answers = checkAll(fleet);
        for (var e : answers.entrySet()) {
            Runs runs = fleet.get(e.getKey());
            JsonNode ans = e.getValue();
            switch (runs.bundle()) {
                case "1.5.0" -> {
                    assertEquals("update", ans.path("kind").asText(), ans.toString());
                    assertEquals("1.4.0+rollback.3", ans.path("release").path("release").path("version").asText());
                    fleet.put(e.getKey(), new Runs("1.4.0+rollback.3", 3L));
                }
                case "1.4.0" -> {
                    assertEquals("up_to_date", ans.path("kind").asText(), ans.toString());
                    assertEquals("same_content", ans.path("error").asText(), ans.toString());
                }
                default -> assertEquals("no_new_version", ans.path("error").asText(), ans.toString());
            }
            assertFalse(ans.path("message").asText().contains("rollout"), "no rollout any more: " + ans);
        }
        assertNull(client.device(APP, onTarget).rollout(), "the channel has no active rollout");

        // Promote of the next rollout: everyone gets the target.
        f.publish("1.6.0", 4);
        client.startRollout(APP, "production", new RolloutStart("1.6.0", 100, null, null, null, "next"));
        client.promoteRollout(APP, "production", "ship it");
        Map<String, Runs> sample = new LinkedHashMap<>();
        fleet.entrySet().stream().limit(300).forEach(e -> sample.put(e.getKey(), e.getValue()));
        for (JsonNode ans : checkAll(sample).values()) {
            assertEquals("update", ans.path("kind").asText(), ans.toString());
            assertEquals("1.6.0", ans.path("release").path("release").path("version").asText());
        }
    }

    @Test
    void aVerbOnAStaleRevisionIsRefusedAndChangesNothing() {
        Rollout shown = client.startRollout(APP, "production", new RolloutStart("1.5.0", 1000, null, null, null, "go"));
        // Someone else (or the health policy) acts first.
        Rollout now = client.pauseRollout(APP, "production", "hold", shown.revision());
        assertEquals(shown.revision() + 1, now.revision());
        ConflictException stale = assertThrows(ConflictException.class,
                () -> client.setRolloutPercentage(APP, "production", 5000, "wider", shown.revision()));
        assertTrue(stale.getMessage().contains("changed meanwhile"), stale.getMessage());
        assertThrows(ConflictException.class, () -> client.resumeRollout(APP, "production", "go on", shown.revision()));
        assertThrows(ConflictException.class,
                () -> client.rollbackRollout(APP, "production", "back", null, shown.revision()));
        Rollout after = client.rollout(APP, "production");
        assertEquals(RolloutState.PAUSED, after.state());
        assertEquals(1000, after.bps());
        assertEquals(now.revision(), after.revision());
        assertEquals(RolloutState.RUNNING,
                client.resumeRollout(APP, "production", "go on", now.revision()).state(), "the current revision works");
    }

    @Test
    void withoutARollbackReleaseLoweredDevicesKeepTheTarget() throws Exception {
        Rollout r = client.startRollout(APP, "production", new RolloutStart("1.5.0", 5000, null, null, null, "half"));
        Map<String, Runs> fleet = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            String d = DeviceFixture.newDevice();
            boolean selected = RolloutBucket.of(r.id(), d) < 5000;
            fleet.put(d, selected ? new Runs("1.5.0", 2L) : new Runs("1.4.0", 1L));
        }
        client.setRolloutPercentage(APP, "production", 0, "stop");
        String kept = null;
        for (var e : checkAll(fleet).entrySet()) {
            JsonNode a = e.getValue();
            assertEquals("up_to_date", a.path("kind").asText(), a.toString());
            if (fleet.get(e.getKey()).bundle().equals("1.5.0")) {
                assertEquals("rollout_kept", a.path("error").asText(), a.toString());
                assertTrue(a.path("message").asText().contains("rollback release"), a.toString());
                kept = e.getKey();
            } else {
                assertEquals("no_new_version", a.path("error").asText(), a.toString());
            }
        }
        RolloutDecision dec = client.device(APP, kept).rollout();
        assertEquals("1.5.0", dec.bundle());
        assertTrue(dec.explanation().contains("keeps 1.5.0"), dec.explanation());
        // A device from the builtin gets the stable.
        String fresh = DeviceFixture.newDevice();
        JsonNode a = f.check(body(fresh, new Runs("builtin", null)));
        assertEquals("update", a.path("kind").asText());
        assertEquals("1.4.0", a.path("release").path("release").path("version").asText());
        RolloutDecision freshDec = client.device(APP, fresh).rollout();
        assertEquals(RolloutState.RUNNING, freshDec.state());
        assertFalse(freshDec.selected());
        assertEquals("bucket " + freshDec.bucket() + " ≥ 0 (0.00 %): not selected, gets stable 1.4.0",
                freshDec.explanation());
    }

    private ObjectNode body(String device, Runs runs) {
        Map<String, Object> changes = new HashMap<>();
        changes.put("currentBundle", runs.bundle());
        if (runs.sequence() != null) {
            changes.put("currentSequence", runs.sequence());
        }
        return f.checkBody(device, changes);
    }

    /** One check per device, in parallel; answers by device. */
    private Map<String, JsonNode> checkAll(Map<String, Runs> fleet) throws Exception {
        List<Map.Entry<String, Future<JsonNode>>> futures = new ArrayList<>();
        for (var e : fleet.entrySet()) {
            ObjectNode b = body(e.getKey(), e.getValue());
            futures.add(Map.entry(e.getKey(), pool.submit(() -> f.check(b))));
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (var e : futures) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }
}
