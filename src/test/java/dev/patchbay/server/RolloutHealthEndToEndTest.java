package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.FailedDevice;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.client.RolloutSeries;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout supervisor on a real server (docs/rollouts.md §4, §5): devices report through {@code POST /stats}, a
 * test clock moves time, the test drives the ticks (the scheduled one waits an hour), the verbs are the real ones.
 */
class RolloutHealthEndToEndTest {
    static final String APP = "com.example.shop";
    static final HealthPolicy SMALL = new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 900L, HealthAction.PAUSE);

    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock();
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;
    TestReleases.Sealed stable;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir).withRolloutTick(Duration.ofHours(1)), clock);
        f = new DeviceFixture(s, APP).create().trustServer();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        stable = f.publish("1.4.0", 1);
        f.patchChannel("production", "{\"bundle\":\"1.4.0\"}");
        f.publish("1.5.0", 2);
        client = PatchbayClient.connect(s.url(), s.adminKey);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    void tick() {
        s.server.supervisor().tick(clock.instant());
    }

    void later(Duration d) {
        clock.advance(d);
    }

    /**
     * {@code n} new devices each report {@code action} for {@code bundle} through the device protocol. A report about
     * the running rollout's target comes from a device the rollout selected, after a real update check offered it
     * the target: only such reports count (ADR 0094).
     */
    List<String> report(int n, String action, String bundle) throws Exception {
        List<String> devices = new ArrayList<>();
        Rollout running = current();
        boolean offered = running != null && running.state() == dev.patchbay.domain.rollout.RolloutState.RUNNING
                && running.targetBundle().equals(bundle);
        for (int i = 0; i < n; i++) {
            String device = DeviceFixture.newDevice();
            if (offered) {
                while (dev.patchbay.domain.RolloutBucket.of(running.id(), device) >= running.bps()) {
                    device = DeviceFixture.newDevice();
                }
                assertEquals(bundle, f.check(device, Map.of()).path("release").path("release").path("version").asText(),
                        "the rollout offers its target to a selected device");
            }
            send(device, action, bundle, Map.of("reason", "white screen after start"));
            devices.add(device);
        }
        return devices;
    }

    void send(String device, String action, String bundle, Map<String, String> details) throws Exception {
        ObjectNode batch = Json.mapper().createObjectNode();
        batch.put("appId", APP);
        batch.put("deviceId", device);
        ArrayNode list = batch.putArray("events");
        ObjectNode e = list.addObject();
        e.put("id", UUID.randomUUID().toString());
        e.put("action", action);
        e.put("bundle", bundle);
        e.put("at", clock.instant().toString());
        if (action.equals("rollback")) {
            e.put("oldBundle", "1.4.0");
        }
        ObjectNode d = e.putObject("details");
        details.forEach(d::put);
        assertEquals(200, f.post("/stats", batch.toString()).statusCode());
    }

    Rollout startRollout(Integer bps, RolloutPlan plan, HealthPolicy health, byte[] rollbackRelease) {
        return client.startRollout(APP, "production", new RolloutStart("1.5.0", bps, plan, health, rollbackRelease,
                "canary"));
    }

    Rollout current() {
        return client.rollout(APP, "production");
    }

    @Test
    void aStagedPlanAdvancesStageByStageWhenHealthyAndPromotesAtTheEnd() throws Exception {
        List<RolloutStage> stages = List.of(new RolloutStage(100, 3600, "healthy"),
                new RolloutStage(1000, 3600, "healthy"), new RolloutStage(5000, 3600, "healthy"),
                new RolloutStage(10000, 3600, "healthy"));
        Rollout r = startRollout(null, new RolloutPlan(true, stages), SMALL, null);
        assertEquals(100, r.bps());

        for (int stage = 0; stage < 4; stage++) {
            later(Duration.ofMinutes(10));
            report(12, "app_ready", "1.5.0");
            later(Duration.ofMinutes(40));
            tick();                                           // healthy, but soaked only 50 min
            assertEquals(stages.get(stage).bps(), current().bps());
            assertEquals(RolloutState.RUNNING, current().state());
            assertEquals(HealthVerdict.HEALTHY, current().lastHealth().verdict());
            later(Duration.ofMinutes(10));
            tick();
        }
        r = current();
        assertEquals(RolloutState.COMPLETED, r.state());
        assertEquals(10000, r.bps());
        assertEquals("1.5.0", json(s.json("GET", f.base + "/channels/production", null)).path("bundle").asText());

        List<RolloutChange> history = client.rolloutHistory(APP, r.id());
        List<String> lines = history.stream().map(h -> h.actor() + " " + h.action() + " " + h.toBps()).toList();
        assertEquals(List.of("system:plan rollout.plan.advance 1000", "system:plan rollout.plan.advance 5000",
                "system:plan rollout.plan.advance 10000", "system:plan rollout.plan.promote 10000"),
                lines.subList(lines.size() - 4, lines.size()), lines.toString());
        RolloutChange second = history.get(history.size() - 4);
        assertEquals("plan: stage 2 of 4 (10.00 %) after 1 h soak, healthy (0 of 12 devices failed (0.0 %, 95 % lower"
                + " bound 0.0 % ≤ threshold 5.0 %))", second.reason());
        assertTrue(history.get(history.size() - 1).reason().startsWith("plan: promoted at stage 4 of 4 (100.00 %)"
                + " after 1 h soak, healthy ("), history.get(history.size() - 1).reason());
        assertEquals(List.of("rollout.plan.advance", "rollout.plan.advance", "rollout.plan.advance",
                "rollout.plan.promote"), audit("rollout.plan.%", "system:plan"));
    }

    @Test
    void theHealthWebhookHearsOfEachActionAndNothingElse() throws Exception {
        java.util.concurrent.BlockingQueue<String> heard = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hooks/rollouts", exchange -> {
            heard.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try {
            s.server.supervisor().withWebhook(dev.patchbay.server.rollouts.HealthWebhook.to(
                    "http://127.0.0.1:" + hook.getAddress().getPort() + "/hooks/rollouts"));
            Rollout r = startRollout(1000, null, SMALL, null);
            later(Duration.ofMinutes(5));
            report(12, "app_ready", "1.5.0");
            tick();                                           // healthy: nothing to tell
            later(Duration.ofMinutes(1));
            report(6, "rollback", "1.5.0");
            tick();                                           // failing: paused, and told
            String notice = heard.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(notice != null && notice.startsWith("POST application/json {"), String.valueOf(notice));
            JsonNode body = Json.mapper().readTree(notice.substring(notice.indexOf('{')));
            assertEquals("rollout.health", body.path("event").asText());
            assertEquals("pause", body.path("action").asText());
            assertEquals("paused", body.path("state").asText());
            assertEquals(APP, body.path("appId").asText());
            assertEquals("production", body.path("channel").asText());
            assertEquals(r.id(), body.path("rolloutId").asText());
            assertEquals("1.5.0", body.path("targetBundle").asText());
            assertEquals("1.4.0", body.path("stableBundle").asText());
            assertEquals(1000, body.path("bps").asInt());
            assertEquals(18, body.path("attempts").asLong());
            assertEquals(6, body.path("failures").asLong());
            assertTrue(body.path("reason").asText().startsWith("health policy: 6 of 18 devices failed"), notice);
            assertEquals(current().reason(), body.path("reason").asText() + ": paused");

            later(Duration.ofMinutes(1));
            tick();                                           // still failing, but paused and in its cooldown
            assertNull(heard.poll(1, java.util.concurrent.TimeUnit.SECONDS), "one action, one notice");
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aHealthWebhookMustBeAnHttpUrl() {
        for (String bad : List.of("ftp://example.com/x", "not a url", "mailto:ops@example.com", "https:///nohost")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new ServerConfig("127.0.0.1", 0, dataDir).withHealthWebhook(bad));
            assertTrue(e.getMessage().contains("http(s) URL") && e.getMessage().contains(bad), e.getMessage());
        }
        assertEquals("https://hooks.example.com/patchbay",
                new ServerConfig("127.0.0.1", 0, dataDir).withHealthWebhook("https://hooks.example.com/patchbay")
                        .healthWebhook());
    }

    @Test
    void aFailingWindowPausesWithTheNumbersAndTheCooldownHoldsASecondPause() throws Exception {
        Rollout r = startRollout(1000, null, SMALL, null);
        later(Duration.ofMinutes(5));
        report(10, "app_ready", "1.5.0");
        report(5, "rollback", "1.5.0");
        report(20, "disk_full", "1.5.0");                  // not the bundle's fault
        report(20, "rollback", "1.4.0");                   // another bundle
        later(Duration.ofMinutes(1));
        tick();
        Rollout paused = current();
        assertEquals(RolloutState.PAUSED, paused.state());
        String expected = "health policy: 5 of 15 devices failed (33.3 %, 95 % lower bound 15.2 % > threshold 5.0 %)"
                + " in the last 6 min";
        assertEquals(expected + ": paused", paused.reason());
        assertEquals(HealthVerdict.FAILING, paused.lastHealth().verdict());
        assertEquals(expected, paused.lastHealth().reason());
        assertEquals(15, paused.lastHealth().attempts());
        assertEquals(5, paused.lastHealth().failures());
        assertEquals(paused.lastHealth().at(), paused.lastActionAt());
        RolloutChange last = last(client.rolloutHistory(APP, r.id()));
        assertEquals("system:health-policy", last.actor());
        assertEquals("rollout.health.pause", last.action());
        assertEquals(expected + ": paused", last.reason());
        assertEquals(List.of("rollout.health.pause"), audit("rollout.health.%", "system:health-policy"));
        assertTrue(auditDetails("rollout.health.pause").get(0).contains(expected), auditDetails("rollout.health.pause")
                .toString());

        // A person resumes 5 min later: the window restarts, new failures arrive, but the cooldown (15 min) holds.
        later(Duration.ofMinutes(5));
        client.resumeRollout(APP, "production", "fixed the server side");
        later(Duration.ofMinutes(1));
        report(10, "app_ready", "1.5.0");
        report(5, "verify_fail", "1.5.0");
        later(Duration.ofMinutes(1));
        tick();
        Rollout running = current();
        assertEquals(RolloutState.RUNNING, running.state());
        assertEquals(HealthVerdict.FAILING, running.lastHealth().verdict());
        assertEquals(15, running.lastHealth().attempts(), "the window starts at the resume");
        assertEquals(paused.lastActionAt(), running.lastActionAt());
        later(Duration.ofMinutes(9));
        tick();
        assertEquals(RolloutState.PAUSED, current().state(), "after the cooldown the policy pauses again");
        assertEquals(2, audit("rollout.health.%", "system:health-policy").size());
    }

    @Test
    void rollbackActionReturnsTheChannelToTheRollbackRelease() throws Exception {
        TestReleases.Sealed rb = RolloutsApiTest.rollbackRelease(f.keys, stable, "1.4.0+rollback.3", 3);
        Rollout r = startRollout(5000, null, new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 900L,
                HealthAction.ROLLBACK), rb.envelope());
        later(Duration.ofMinutes(2));
        report(6, "app_ready", "1.5.0");
        report(6, "download_fail", "1.5.0");
        later(Duration.ofMinutes(1));
        tick();
        Rollout after = current();
        assertEquals(r.id(), after.id());
        assertEquals(RolloutState.ROLLED_BACK, after.state());
        assertTrue(after.reason().startsWith("health policy: 6 of 12 devices failed (50.0 %"), after.reason());
        assertTrue(after.reason().endsWith(": rolled back"), after.reason());
        assertEquals("1.4.0+rollback.3", json(s.json("GET", f.base + "/channels/production", null)).path("bundle")
                .asText());
        assertEquals("rollout.health.rollback", last(client.rolloutHistory(APP, r.id())).action());
    }

    @Test
    void notifyOnlyWritesTheAuditLogOncePerCooldown() throws Exception {
        startRollout(1000, null, new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 600L, HealthAction.NOTIFY), null);
        later(Duration.ofMinutes(2));
        report(8, "app_ready", "1.5.0");
        report(4, "verify_fail", "1.5.0");
        tick();
        later(Duration.ofMinutes(1));
        tick();
        Rollout r = current();
        assertEquals(RolloutState.RUNNING, r.state());
        assertEquals(1000, r.bps());
        assertEquals(HealthVerdict.FAILING, r.lastHealth().verdict());
        assertEquals(List.of("rollout.health.notify"), audit("rollout.health.%", "system:health-policy"));
        assertTrue(auditDetails("rollout.health.notify").get(0).contains("health policy: 4 of 12 devices failed"),
                auditDetails("rollout.health.notify").toString());
        later(Duration.ofMinutes(10));
        tick();
        assertEquals(2, audit("rollout.health.%", "system:health-policy").size());
    }

    @Test
    void seriesAndFailedDevicesForTheCharts() throws Exception {
        Rollout r = startRollout(1000, null, null, null);
        Instant t0 = clock.instant();
        // Three devices on the channel: two report the stable, one the target; plus failures from two others.
        for (String bundle : List.of("1.4.0", "1.4.0", "1.5.0")) {
            String device = DeviceFixture.newDevice();
            f.check(device, Map.of("currentBundle", bundle, "currentSequence", bundle.equals("1.4.0") ? 1 : 2));
        }
        later(Duration.ofSeconds(30));
        tick();
        later(Duration.ofSeconds(90));
        String a = report(1, "rollback", "1.5.0").get(0);
        send(a, "rollback", "1.5.0", Map.of("reason", "second crash"));
        later(Duration.ofSeconds(5));
        String b = report(1, "verify_fail", "1.5.0").get(0);
        report(2, "app_ready", "1.5.0");
        later(Duration.ofSeconds(5));
        tick();
        Instant end = clock.instant();

        RolloutSeries series = client.rolloutSeries(APP, r.id(), t0, end, 60);
        assertEquals(0.05, series.threshold());
        assertEquals(2, series.adoption().size(), series.toString());
        assertEquals(2, series.adoption().get(0).stable());
        assertEquals(1, series.adoption().get(0).target());
        assertEquals(0, series.adoption().get(0).other());
        assertEquals(3, series.failures().size(), series.toString());   // 130 s in steps of 60 s
        assertEquals(0, series.failures().get(0).attempts());
        assertEquals(4, series.failures().get(2).attempts());
        assertEquals(2, series.failures().get(2).failures());             // a failed twice: one device
        assertEquals(0.5, series.failures().get(2).rate());
        assertEquals(t0.plusSeconds(120), series.failures().get(2).from());
        assertEquals(end, series.failures().get(2).to());

        List<FailedDevice> failed = client.rolloutFailedDevices(APP, r.id(), t0, end, 10);
        assertEquals(List.of(b, a), failed.stream().map(FailedDevice::deviceId).toList());
        assertEquals("verify_fail", failed.get(0).action());
        assertEquals("second crash", failed.get(1).reason());
        assertNull(failed.get(1).customId());
        assertEquals(1, client.rolloutFailedDevices(APP, r.id(), t0, end, 1).size());

        String base = f.base + "/rollouts/" + r.id();
        JsonNode defaults = json(s.json("GET", base + "/series", null));
        assertEquals(2, defaults.path("adoption").size());
        assertError(s.json("GET", base + "/series?step=5", null), 400, "validation_failed", "step");
        assertError(s.json("GET", base + "/series?step=abc", null), 400, "validation_failed", "step");
        assertError(s.json("GET", base + "/series?from=" + end + "&to=" + t0, null), 400, "validation_failed", "from");
        assertError(s.json("GET", base + "/series?from=yesterday", null), 400, "validation_failed", "from");
        assertError(s.json("GET", base + "/series?step=10&from=" + t0.minus(Duration.ofDays(2)) + "&to=" + end, null),
                400, "validation_failed", "step");
        assertError(s.json("GET", base + "/failed-devices?limit=0", null), 400, "validation_failed", "limit");
        assertError(s.json("GET", base + "/failed-devices?limit=1001", null), 400, "validation_failed", "limit");
        assertError(s.json("GET", f.base + "/rollouts/0123456789abcdef/series", null), 404, "not_found", "rollout");
        assertEquals(404, s.json("GET", "/api/v1/apps/com.example.none/rollouts/" + r.id() + "/series", null)
                .statusCode());
        assertEquals(401, s.send("GET", base + "/series", null, null, null).statusCode());
    }

    @Test
    void theServersOwnScheduleRunsThePlan() throws Exception {
        s.close();
        s = RunningServer.start(new ServerConfig("127.0.0.1", 0, dataDir).withRolloutTick(Duration.ofMillis(150)),
                clock);
        client = PatchbayClient.connect(s.url(), s.adminKey);
        startRollout(null, new RolloutPlan(true, List.of(new RolloutStage(100, 0, "none"),
                new RolloutStage(2500, 0, "none"), new RolloutStage(10000, 0, "none"))), null, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (current().state() != RolloutState.COMPLETED && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Rollout r = current();
        assertEquals(RolloutState.COMPLETED, r.state());
        assertEquals(List.of("rollout.start", "rollout.plan.advance", "rollout.plan.advance", "rollout.plan.promote"),
                client.rolloutHistory(APP, r.id()).stream().map(RolloutChange::action).toList());
        assertTrue(samples(r.id()) >= 1, "samples written on every tick");
    }

    static RolloutChange last(List<RolloutChange> history) {
        return history.get(history.size() - 1);
    }

    private List<String> audit(String pattern, String actor) {
        return s.server.database().inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT action FROM audit_log WHERE action LIKE ? AND actor = ? ORDER BY id")) {
                ps.setString(1, pattern);
                ps.setString(2, actor);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    private List<String> auditDetails(String action) {
        return s.server.database().inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT detail FROM audit_log WHERE action = ? ORDER BY id")) {
                ps.setString(1, action);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    private long samples(String rolloutId) {
        return s.server.database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM rollout_samples WHERE rollout_id = ?")) {
                ps.setString(1, rolloutId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
