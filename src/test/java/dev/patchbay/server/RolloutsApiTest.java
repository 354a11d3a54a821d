package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.ConflictException;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout verbs of docs/rollouts.md §5 on a real server: state machine, refusals, history and audit. */
class RolloutsApiTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;
    TestReleases.Sealed stable;
    String rollout;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        stable = f.publish("1.4.0", 1);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        f.publish("1.5.0", 2);
        client = PatchbayClient.connect(s.url(), s.adminKey);
        rollout = f.base + "/channels/production/rollout";
    }

    @AfterEach
    void stop() {
        s.close();
    }

    /** A rollback release of {@code of}: the same blobs, re-signed as {@code version} with {@code sequence}. */
    static TestReleases.Sealed rollbackRelease(TestReleases keys, TestReleases.Sealed of, String version, long sequence) {
        BlobRef manifest = of.blobs().get(0);
        return keys.seal(version, sequence, manifest, of.blobs().subList(1, of.blobs().size()), of.bytes());
    }

    static String envelopeField(TestReleases.Sealed release) {
        return new String(release.envelope(), StandardCharsets.UTF_8);
    }

    @Test
    void startIsValidatedAndOneIsActivePerChannel() throws Exception {
        assertError(s.json("GET", rollout, null), 404, "not_found", "rollout");
        assertThrows(NotFoundException.class, () -> client.rollout(APP, "production"));
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"bps\":1000}"), 400,
                "validation_failed", "reason");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"bps\":1000,\"reason\":\"  \"}"), 400,
                "validation_failed", "reason");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"bps\":1000,\"reason\":\""
                + "x".repeat(501) + "\"}"), 400, "validation_failed", "reason");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"bps\":10001,\"reason\":\"r\"}"), 400,
                "validation_failed", "bps");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"plan\":{\"auto\":true,"
                + "\"stages\":[{\"bps\":500,\"minSoakSeconds\":0},{\"bps\":100,\"minSoakSeconds\":0}]}}"), 400,
                "validation_failed", "plan.stages");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"health\":"
                + "{\"threshold\":2}}"), 400, "validation_failed", "health.threshold");
        // the preflight note: one line of text, not empty, at most 2000 characters, a string
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"preflight\":\" \"}"),
                400, "validation_failed", "preflight");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"preflight\":\""
                + "x".repeat(2001) + "\"}"), 400, "validation_failed", "preflight");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"preflight\":"
                + "\"passed\\nforged=1\"}"), 400, "validation_failed", "preflight");
        assertEquals(400, s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"preflight\":"
                + "{\"passed\":true}}").statusCode(), "a note is text");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"9.9.9\",\"reason\":\"r\"}"), 404, "not_found",
                "targetBundle");
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.4.0\",\"reason\":\"r\"}"), 400,
                "validation_failed", "targetBundle");
        assertError(s.json("POST", f.base + "/channels/nope/rollout", "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\"}"),
                404, "not_found", "channel");
        // health action rollback on a bundle stable needs a rollback release
        assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\",\"health\":"
                + "{\"action\":\"rollback\"}}"), 400, "validation_failed", "rollbackRelease");
        // a target whose sequence is not above the stable's
        f.channel("{\"name\":\"beta\"}");
        f.patchChannel("beta", "{\"bundle\":\"1.5.0\"}");
        assertError(s.json("POST", f.base + "/channels/beta/rollout", "{\"targetBundle\":\"1.4.0\",\"reason\":\"r\"}"),
                409, "conflict", "targetBundle");
        assertEquals(0, count("SELECT COUNT(*) FROM rollouts"), "refusals write nothing");

        Rollout r = client.withActor("alice").startRollout(APP, "production",
                new RolloutStart("1.5.0", 1000, null, null, null, "canary for the checkout fix"));
        assertEquals(RolloutState.RUNNING, r.state());
        assertEquals(1000, r.bps());
        assertEquals("1.4.0", r.stableBundle());
        assertEquals("1.5.0", r.targetBundle());
        assertEquals(1, r.revision());
        assertTrue(r.id().matches("[0-9a-f]{16}"), r.id());
        assertEquals("admin as alice", r.startedBy());
        assertEquals(r, client.rollout(APP, "production"));

        JsonNode again = assertError(s.json("POST", rollout, "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\"}"), 409,
                "conflict", "rollout");
        assertTrue(again.path("message").asText().contains(r.id()), again.toString());
        assertError(s.json("PATCH", f.base + "/channels/production", "{\"bundle\":\"1.5.0\"}"), 409, "conflict",
                "bundle");
        ok(s.json("PATCH", f.base + "/channels/production", "{\"bundle\":\"1.4.0\",\"description\":\"d\"}"), 200);
        assertEquals(1, count("SELECT COUNT(*) FROM rollouts"));
    }

    @Test
    void everyVerbFollowsTheStateMachineAndIsRecorded() throws Exception {
        PatchbayClient alice = client.withActor("alice");
        Rollout r = alice.startRollout(APP, "production", new RolloutStart("1.5.0", null, null, null, null, "start"));
        assertEquals(0, r.bps(), "no plan, no bps: 0");

        r = alice.setRolloutPercentage(APP, "production", 2500, "widen");
        assertEquals(2500, r.bps());
        assertEquals(2, r.revision());
        assertError(s.json("POST", rollout + "/set", "{\"bps\":-1,\"reason\":\"r\"}"), 400, "validation_failed", "bps");
        assertError(s.json("POST", rollout + "/set", "{\"reason\":\"r\"}"), 400, "validation_failed", "bps");
        JsonNode stale = assertError(s.json("POST", rollout + "/set", "{\"bps\":3000,\"reason\":\"r\","
                + "\"expectedRevision\":1}"), 409, "conflict", "revision");
        assertEquals(2, stale.path("revision").asLong());
        ok(s.json("POST", rollout + "/set", "{\"bps\":3000,\"reason\":\"r\",\"expectedRevision\":2}"), 200);

        assertError(s.json("POST", rollout + "/resume", "{\"reason\":\"r\"}"), 409, "conflict", "state");
        r = client.pauseRollout(APP, "production", "look at crash rate");
        assertEquals(RolloutState.PAUSED, r.state());
        assertError(s.json("POST", rollout + "/pause", "{\"reason\":\"r\"}"), 409, "conflict", "state");
        r = client.setRolloutPercentage(APP, "production", 2000, "while paused");
        assertEquals(RolloutState.PAUSED, r.state());
        r = client.resumeRollout(APP, "production", "fine");
        assertEquals(RolloutState.RUNNING, r.state());

        assertError(s.json("POST", rollout + "/advance", "{\"reason\":\"r\"}"), 409, "conflict", "plan");
        RolloutPlan plan = new RolloutPlan(false, List.of(new RolloutStage(1000, 0, "none"),
                new RolloutStage(5000, 3600, "healthy"), new RolloutStage(10000, 0, "none")));
        r = client.updateRolloutPlan(APP, "production", plan, new HealthPolicy(null, 0.1, null, null, null, null,
                HealthAction.NOTIFY), "add a plan");
        assertEquals(plan, r.plan());
        assertEquals(0, r.stageIndex(), "2000 bps is in stage 1 (1000)");
        assertEquals(0.1, r.health().threshold());
        assertEquals(3600L, r.health().windowSeconds());
        assertError(s.json("PUT", rollout + "/plan", "{\"reason\":\"r\"}"), 400, "validation_failed", "plan");
        r = client.advanceRollout(APP, "production", "stage 2");
        assertEquals(5000, r.bps());
        assertEquals(1, r.stageIndex());
        r = client.advanceRollout(APP, "production", "stage 3");
        assertEquals(10000, r.bps());
        assertError(s.json("POST", rollout + "/advance", "{\"reason\":\"r\"}"), 409, "conflict", "plan");

        // rollback needs a rollback release when the stable is a bundle
        assertError(s.json("POST", rollout + "/rollback", "{\"reason\":\"r\"}"), 409, "conflict", "rollbackRelease");
        TestReleases.Sealed other = f.keys.seal("1.4.0+rollback.3", 3, 1000);
        assertError(s.json("POST", rollout + "/rollback", "{\"reason\":\"r\",\"rollbackRelease\":"
                + envelopeField(other) + "}"), 400, "validation_failed", "rollbackRelease");
        TestReleases.Sealed low = rollbackRelease(f.keys, stable, "1.4.0+rollback.2", 2);
        assertError(s.json("POST", rollout + "/rollback", "{\"reason\":\"r\",\"rollbackRelease\":"
                + envelopeField(low) + "}"), 409, "conflict", "rollbackRelease");
        TestReleases.Sealed foreign = rollbackRelease(new TestReleases(APP), stable, "1.4.0+rollback.3", 3);
        assertError(s.json("POST", rollout + "/rollback", "{\"reason\":\"r\",\"rollbackRelease\":"
                + envelopeField(foreign) + "}"), 400, "invalid_release", "rollbackRelease");
        assertEquals(RolloutState.RUNNING, client.rollout(APP, "production").state(), "refusals change nothing");
        assertEquals(2, client.listBundles(APP).size());

        TestReleases.Sealed good = rollbackRelease(f.keys, stable, "1.4.0+rollback.3", 3);
        r = alice.rollbackRollout(APP, "production", "checkout broken", good.envelope());
        assertEquals(RolloutState.ROLLED_BACK, r.state());
        assertEquals("1.4.0+rollback.3", r.rollbackBundle());
        assertNotNull(r.endedAt());
        assertEquals("1.4.0+rollback.3", client.getChannel(APP, "production").bundle());
        Bundle rb = client.getBundle(APP, "1.4.0+rollback.3");
        assertEquals("1.4.0", rb.rollbackOf());
        assertEquals(3, rb.sequence());
        assertNull(client.getBundle(APP, "1.5.0").rollbackOf());
        assertTrue(client.listBundles(APP).stream().anyMatch(b -> "1.4.0".equals(b.rollbackOf())));

        for (String verb : List.of("pause", "resume", "promote", "rollback", "advance")) {
            assertError(s.json("POST", rollout + "/" + verb, "{\"reason\":\"r\"}"), 409, "conflict", "state");
        }
        assertError(s.json("POST", rollout + "/set", "{\"bps\":1,\"reason\":\"r\"}"), 409, "conflict", "state");
        assertEquals(r, client.rollout(APP, "production"), "the last ended rollout when none is active");

        List<RolloutChange> history = client.rolloutHistory(APP, r.id());
        List<String> actions = history.stream().map(RolloutChange::action).toList();
        assertEquals(List.of("rollout.start", "rollout.set", "rollout.set", "rollout.pause", "rollout.set",
                "rollout.resume", "rollout.plan.update", "rollout.advance", "rollout.advance", "rollout.rollback"),
                actions);
        RolloutChange first = history.get(0);
        assertNull(first.fromState());
        assertNull(first.fromBps());
        assertEquals("running", first.toState());
        assertEquals("admin as alice", first.actor());
        assertEquals("start", first.reason());
        RolloutChange pause = history.get(3);
        assertEquals("running", pause.fromState());
        assertEquals("paused", pause.toState());
        assertEquals(3000, pause.fromBps());
        assertEquals("look at crash rate", pause.reason());
        assertEquals("admin", pause.actor());
        assertEquals("rolled_back", history.get(history.size() - 1).toState());

        List<String> audit = audit("rollout.%");
        assertEquals(actions, audit.stream().map(a -> a.split("\\|")[0]).toList());
        assertTrue(audit.get(audit.size() - 1).contains("as alice"), audit.toString());
        assertTrue(audit.get(audit.size() - 1).contains("checkout broken"), audit.toString());
        assertEquals(1, audit("bundle.publish").stream().filter(a -> a.contains("rollbackOf=1.4.0")).count());
    }

    @Test
    void promoteServesTheTargetAndListsShowActiveAndEnded() throws Exception {
        f.channel("{\"name\":\"beta\"}");
        Rollout beta = client.startRollout(APP, "beta", new RolloutStart("1.5.0", 5000, null, null, null, "b"));
        assertNull(beta.stableBundle(), "beta serves the builtin");
        Rollout prod = client.startRollout(APP, "production", new RolloutStart("1.5.0", null,
                new RolloutPlan(true, List.of(new RolloutStage(100, 60, null), new RolloutStage(10000, 0, "none"))),
                null, null, "p"));
        assertEquals(100, prod.bps(), "the plan's first stage");
        assertEquals(0, prod.stageIndex());

        Rollout done = client.promoteRollout(APP, "production", "all good");
        assertEquals(RolloutState.COMPLETED, done.state());
        assertEquals(10000, done.bps());
        assertEquals("1.5.0", client.getChannel(APP, "production").bundle());

        // the builtin stable rolls back without a rollback release
        Rollout back = client.rollbackRollout(APP, "beta", "no", null);
        assertEquals(RolloutState.ROLLED_BACK, back.state());
        assertNull(client.getChannel(APP, "beta").bundle());

        Rollout again = client.startRollout(APP, "beta", new RolloutStart("1.5.0", 10, null, null, null, "again"));
        assertEquals(List.of(again.id()), client.rollouts(APP, "active").stream().map(Rollout::id).toList());
        assertEquals(2, client.rollouts(APP, "ended").size());
        assertEquals(3, client.rollouts(APP, "all").size());
        assertEquals(again.id(), client.rollouts(APP, null).get(0).id(), "newest first");
        JsonNode page = json(s.json("GET", f.base + "/rollouts?limit=2", null));
        assertEquals(2, page.path("items").size());
        JsonNode rest = json(s.json("GET", f.base + "/rollouts?limit=2&after=" + page.path("next").asText(), null));
        assertEquals(1, rest.path("items").size());
        assertTrue(rest.path("next").isNull());
        assertError(s.json("GET", f.base + "/rollouts?state=old", null), 400, "invalid_field", "state");
        assertError(s.json("GET", f.base + "/rollouts/0123456789abcdef/history", null), 404, "not_found", null);
    }

    @Test
    void theActorHeaderIsValidated() throws Exception {
        String body = "{\"targetBundle\":\"1.5.0\",\"reason\":\"r\"}";
        var bad = s.raw("POST", rollout, body.getBytes(StandardCharsets.UTF_8), "Authorization",
                "Bearer " + s.adminKey, "Content-Type", "application/json", "X-Patchbay-Actor", "x".repeat(101));
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body(), StandardCharsets.UTF_8).contains("\"field\":\"X-Patchbay-Actor\""));
        assertEquals(0, count("SELECT COUNT(*) FROM rollouts"));
        var good = s.raw("POST", rollout, body.getBytes(StandardCharsets.UTF_8), "Authorization",
                "Bearer " + s.adminKey, "Content-Type", "application/json", "X-Patchbay-Actor", "bob smith");
        assertEquals(201, good.statusCode(), new String(good.body(), StandardCharsets.UTF_8));
        assertTrue(audit("rollout.start").get(0).contains("admin as bob smith"));
    }

    @Test
    void theSupervisorActsWithSystemActors() throws Exception {
        // The supervisor's side of the contract (RolloutActions), on the server's own database.
        dev.patchbay.server.rollouts.RolloutService service = new dev.patchbay.server.rollouts.RolloutService(
                s.server.database(), java.time.Clock.systemUTC(), null, null);
        Rollout r = client.startRollout(APP, "production", new RolloutStart("1.5.0", null,
                new RolloutPlan(true, List.of(new RolloutStage(100, 0, "none"), new RolloutStage(1000, 0, "none"))),
                new HealthPolicy(null, null, null, null, null, null, HealthAction.NOTIFY), null, "auto"));
        assertEquals(List.of(r.id()), service.active().stream().map(Rollout::id).toList());

        var reading = new dev.patchbay.domain.rollout.HealthReading(java.time.Instant.parse("2026-11-22T10:00:00Z"),
                60, 1, 1 / 60.0, 0.003, 0.05, dev.patchbay.domain.rollout.HealthVerdict.HEALTHY, "healthy");
        service.recordHealth(r.id(), reading, false);
        Rollout read = client.rollout(APP, "production");
        assertEquals(reading, read.lastHealth());
        assertNull(read.lastActionAt());
        assertEquals(r.revision(), read.revision(), "a reading is no change");

        Rollout advanced = service.advance(dev.patchbay.server.rollouts.RolloutActions.PLAN, APP, "production",
                "plan: stage 2 of 2", r.revision());
        assertEquals(1000, advanced.bps());
        assertNull(advanced.lastActionAt(), "a plan step does not start the health policy's cooldown");
        var conflict = assertThrows(dev.patchbay.server.http.ApiError.class, () -> service.pause(
                dev.patchbay.server.rollouts.RolloutActions.HEALTH_POLICY, APP, "production", "late", r.revision()));
        assertEquals("revision", conflict.field());
        service.notify(dev.patchbay.server.rollouts.RolloutActions.HEALTH_POLICY, r.id(), "health policy: 9 of 60 failed");
        assertNotNull(service.pause(dev.patchbay.server.rollouts.RolloutActions.HEALTH_POLICY, APP, "production",
                "health: failing", null).lastActionAt());
        service.recordHealth(r.id(), reading, true);
        assertEquals(reading.at(), client.rollout(APP, "production").lastActionAt());

        List<RolloutChange> history = client.rolloutHistory(APP, r.id());
        assertEquals("rollout.plan.advance", history.get(1).action());
        assertEquals("system:plan", history.get(1).actor());
        assertEquals("rollout.health.pause", history.get(2).action());
        assertEquals("system:health-policy", history.get(2).actor());
        List<String> audit = audit("rollout.%");
        assertEquals(List.of("rollout.start", "rollout.plan.advance", "rollout.health.notify", "rollout.health.pause"),
                audit.stream().map(a -> a.split("\\|")[0]).toList());
        assertTrue(audit.get(2).contains("system:health-policy|rollout=" + r.id() + " health policy: 9 of 60"),
                audit.get(2));
    }

    private long count(String sql) {
        return s.server.database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Audit entries "action|actor|detail" whose action is like {@code pattern}, oldest first. */
    private List<String> audit(String pattern) {
        return s.server.database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT action, actor, detail FROM audit_log WHERE action LIKE ? ORDER BY id")) {
                ps.setString(1, pattern);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                    }
                }
                return out;
            }
        });
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
