package dev.patchbay.server.rollouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's decisions (health action, cooldown, plan soak and gate, 409 retry, surviving errors) against an
 * in-memory {@link RolloutActions} and a real database for the events and samples. The end-to-end behaviour with the
 * real verbs is in {@code RolloutHealthEndToEndTest}.
 */
class RolloutSupervisorTest {
    static final String APP = HealthEvaluatorTest.APP;
    static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");

    @TempDir
    Path dir;
    Database db;
    FakeActions actions;
    RolloutSupervisor supervisor;

    @BeforeEach
    void open() throws Exception {
        db = dev.patchbay.server.store.TestDatabases.open(dir.resolve("db"));
        db.inTransaction(c -> {
            HealthEvaluatorTest.exec(c, "INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + APP
                    + "', 'Shop', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            HealthEvaluatorTest.exec(c, "INSERT INTO channels(app_id, name, description, default_android,"
                    + " default_ios, serves_android, serves_ios, allow_self_assign, allow_emulators, allow_dev_builds,"
                    + " created_at, updated_at) VALUES ('" + APP + "', 'production', '', TRUE, TRUE, TRUE, TRUE,"
                    + " FALSE, FALSE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            return null;
        });
        actions = new FakeActions();
        supervisor = new RolloutSupervisor(db, actions, Clock.systemUTC(), () -> { });
    }

    @AfterEach
    void close() {
        supervisor.close();
        db.close();
    }

    static final HealthPolicy SMALL = new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 900L, HealthAction.PAUSE);

    static RolloutPlan plan(long soak, String gate) {
        return new RolloutPlan(true, List.of(new RolloutStage(100, soak, gate), new RolloutStage(1000, soak, gate),
                new RolloutStage(5000, soak, gate), new RolloutStage(10000, soak, gate)));
    }

    Rollout start(RolloutPlan plan, HealthPolicy health) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        int bps = plan == null ? 500 : plan.stages().get(0).bps();
        Rollout r = new Rollout(id, APP, "production", "1.4.0", "1.5.0", null, bps, RolloutState.RUNNING, "start", plan,
                plan == null ? null : 0, T0, health, null, null, 1, T0, "test", T0, null);
        db.inTransaction(c -> {
            HealthEvaluatorTest.exec(c, "UPDATE rollouts SET active_key = NULL");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollouts(id, app_id, channel, stable_bundle,"
                    + " target_bundle, bps, state, reason, health_since, revision, started_at, started_by, updated_at,"
                    + " active_key) VALUES (?, ?, 'production', '1.4.0', '1.5.0', ?, 'running', 'start', ?, 1, ?,"
                    + " 'test', ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, APP);
                ps.setInt(3, bps);
                ps.setObject(4, Database.utc(T0));
                ps.setObject(5, Database.utc(T0));
                ps.setObject(6, Database.utc(T0));
                ps.setString(7, APP + "/production");
                ps.executeUpdate();
            }
            return null;
        });
        actions.current = r;
        return r;
    }

    /** {@code n} devices reporting {@code action} on the target at {@code at}. */
    void events(int n, String action, Instant at) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id, event_id,"
                    + " action, bundle, received_at) VALUES (?, ?, ?, ?, '1.5.0', ?)")) {
                for (int i = 0; i < n; i++) {
                    String device = UUID.randomUUID().toString();
                    Offers.offered(c, APP, device, "1.5.0");
                    ps.setString(1, APP);
                    ps.setString(2, device);
                    ps.setString(3, "e" + UUID.randomUUID().toString().substring(0, 8));
                    ps.setString(4, action);
                    ps.setObject(5, Database.utc(at));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Test
    void aFailingWindowPausesWithTheNumbersAndOnlyOnceWithinTheCooldown() {
        start(null, SMALL);
        events(20, "app_ready", T0.plusSeconds(60));
        events(10, "rollback", T0.plusSeconds(60));
        supervisor.tick(T0.plusSeconds(120));
        assertEquals(List.of("pause system:health-policy health policy: 10 of 30 devices failed (33.3 %, 95 % lower"
                + " bound 19.2 % > threshold 5.0 %) in the last 2 min: paused"), actions.calls);
        assertEquals(RolloutState.PAUSED, actions.current.state());
        assertEquals(HealthVerdict.FAILING, actions.health.verdict());
        assertEquals(T0.plusSeconds(120), actions.current.lastActionAt());

        // A human resumes; failures go on, but the last action was 5 min ago, inside the 15 min cooldown.
        actions.current = withState(actions.current, RolloutState.RUNNING);
        supervisor.tick(T0.plusSeconds(420));
        assertEquals(1, actions.calls.size(), actions.calls.toString());
        assertEquals(HealthVerdict.FAILING, actions.health.verdict());
        // After the cooldown it fires again.
        supervisor.tick(T0.plusSeconds(120 + 900));
        assertEquals(2, actions.calls.size(), actions.calls.toString());
    }

    @Test
    void rollbackAndNotifyActions() {
        start(null, new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 600L, HealthAction.ROLLBACK));
        events(10, "verify_fail", T0.plusSeconds(10));
        supervisor.tick(T0.plusSeconds(60));
        assertEquals(1, actions.calls.size());
        assertTrue(actions.calls.get(0).startsWith("rollback system:health-policy health policy: 10 of 10 devices failed"),
                actions.calls.get(0));
        assertTrue(actions.calls.get(0).endsWith(": rolled back"), actions.calls.get(0));

        actions.calls.clear();
        start(null, new HealthPolicy(3600L, 0.05, 0.95, 10L, 3L, 600L, HealthAction.NOTIFY));
        events(10, "download_fail", T0.plusSeconds(10));
        supervisor.tick(T0.plusSeconds(60));
        supervisor.tick(T0.plusSeconds(70));            // within the cooldown: no second notice
        assertEquals(1, actions.calls.size(), actions.calls.toString());
        assertTrue(actions.calls.get(0).startsWith("notify system:health-policy health policy: "), actions.calls.get(0));
        assertEquals(RolloutState.RUNNING, actions.current.state());
        supervisor.tick(T0.plusSeconds(60 + 600));
        assertEquals(2, actions.calls.size(), actions.calls.toString());
    }

    @Test
    void withoutAPolicyNothingFiresButTheReadingIsStored() {
        start(null, null);
        events(60, "rollback", T0.plusSeconds(10));
        supervisor.tick(T0.plusSeconds(60));
        assertEquals(List.of(), actions.calls);
        assertEquals(HealthVerdict.FAILING, actions.health.verdict());
    }

    @Test
    void thePlanAdvancesAfterTheSoakWhenHealthyAndPromotesAtTheEnd() {
        start(plan(3600, "healthy"), SMALL);
        Instant t = T0;
        events(12, "app_ready", t.plusSeconds(60));
        supervisor.tick(t.plusSeconds(1800));          // healthy, but the stage has soaked only 30 min
        assertEquals(List.of(), actions.calls);
        supervisor.tick(t.plusSeconds(3600));
        assertEquals(List.of("advance system:plan plan: stage 2 of 4 (10.00 %) after 1 h soak, healthy (0 of 12 devices"
                + " failed (0.0 %, 95 % lower bound 0.0 % ≤ threshold 5.0 %))"), actions.calls);
        assertEquals(1000, actions.current.bps());

        // The new stage's window starts at its start: the old attempts no longer count, so no verdict yet.
        t = actions.current.stageStartedAt();
        supervisor.tick(t.plusSeconds(3600));
        assertEquals(1, actions.calls.size());
        assertEquals(HealthVerdict.INSUFFICIENT, actions.health.verdict());
        events(12, "app_ready", t.plusSeconds(3600));
        supervisor.tick(t.plusSeconds(3601));
        assertEquals(2, actions.calls.size());
        assertEquals(5000, actions.current.bps());

        t = actions.current.stageStartedAt();
        events(12, "app_ready", t.plusSeconds(10));
        supervisor.tick(t.plusSeconds(3600));
        assertEquals(10000, actions.current.bps());
        t = actions.current.stageStartedAt();
        events(12, "app_ready", t.plusSeconds(10));
        supervisor.tick(t.plusSeconds(3599));
        assertEquals(RolloutState.RUNNING, actions.current.state());
        supervisor.tick(t.plusSeconds(3600));
        assertEquals(RolloutState.COMPLETED, actions.current.state());
        assertEquals("promote system:plan plan: promoted at stage 4 of 4 (100.00 %) after 1 h soak, healthy (0 of 12"
                + " devices failed (0.0 %, 95 % lower bound 0.0 % ≤ threshold 5.0 %))", actions.calls.get(3));
    }

    @Test
    void gateNoneAdvancesOnSoakAloneAndAManualPlanWaits() {
        start(plan(600, "none"), SMALL);
        supervisor.tick(T0.plusSeconds(600));
        assertEquals(List.of("advance system:plan plan: stage 2 of 4 (10.00 %) after 10 min soak, gate none"),
                actions.calls);

        actions.calls.clear();
        RolloutPlan manual = new RolloutPlan(false, plan(0, "none").stages());
        start(manual, SMALL);
        supervisor.tick(T0.plusSeconds(6000));
        assertEquals(List.of(), actions.calls);
    }

    @Test
    void aPausedRolloutDoesNotAdvance() {
        start(plan(0, "none"), SMALL);
        actions.current = withState(actions.current, RolloutState.PAUSED);
        supervisor.tick(T0.plusSeconds(10));
        assertEquals(List.of(), actions.calls);
    }

    @Test
    void aConflictIsRetriedOnTheNextTick() {
        start(plan(0, "none"), SMALL);
        actions.conflicts = 1;
        supervisor.tick(T0.plusSeconds(10));
        assertEquals(List.of(), actions.calls);
        supervisor.tick(T0.plusSeconds(20));
        assertEquals(1, actions.calls.size());
    }

    @Test
    void aRefusedHealthActionStillStoresTheReadingAndIsRetried() {
        start(null, SMALL);
        events(10, "rollback", T0.plusSeconds(10));
        actions.conflicts = 1;
        supervisor.tick(T0.plusSeconds(60));
        assertEquals(List.of(), actions.calls);
        assertEquals(HealthVerdict.FAILING, actions.health.verdict());
        assertEquals(null, actions.current.lastActionAt());
        supervisor.tick(T0.plusSeconds(70));
        assertEquals(1, actions.calls.size());
        assertEquals(RolloutState.PAUSED, actions.current.state());
    }

    @Test
    void writesASamplePerTickWithDevicesByBundle() throws Exception {
        Rollout r = start(null, SMALL);
        db.inTransaction(c -> {
            String[][] devices = {{"1.4.0"}, {"1.4.0"}, {"1.5.0"}, {"1.3.0"}, {null}};
            for (String[] d : devices) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices(app_id, device_id, channel,"
                        + " current_bundle, first_seen, last_seen) VALUES (?, ?, 'production', ?, CURRENT_TIMESTAMP,"
                        + " CURRENT_TIMESTAMP)")) {
                    ps.setString(1, APP);
                    ps.setString(2, UUID.randomUUID().toString());
                    ps.setString(3, d[0]);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        events(3, "app_ready", T0.plusSeconds(5));
        supervisor.tick(T0.plusSeconds(10));
        supervisor.tick(T0.plusSeconds(20));
        List<String> rows = db.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT at, bps, stable_devices, target_devices,"
                    + " other_devices, attempts, failures FROM rollout_samples WHERE rollout_id = ? ORDER BY at")) {
                ps.setString(1, r.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Database.instant(rs.getObject(1)) + " " + rs.getInt(2) + " " + rs.getLong(3) + "/"
                                + rs.getLong(4) + "/" + rs.getLong(5) + " " + rs.getLong(6) + "/" + rs.getLong(7));
                    }
                }
            }
            return out;
        });
        assertEquals(List.of(T0.plusSeconds(10) + " 500 2/1/2 3/0", T0.plusSeconds(20) + " 500 2/1/2 3/0"), rows);
    }

    @Test
    void theScheduleSurvivesExceptionsAndStopsCleanly() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        RolloutSupervisor failing = new RolloutSupervisor(db, actions, Clock.systemUTC(), () -> {
            ticks.incrementAndGet();
            three.countDown();
            throw new IllegalStateException("boom");
        });
        failing.start(Duration.ofMillis(50));
        assertTrue(three.await(10, TimeUnit.SECONDS), "ticks went on after an exception: " + ticks.get());
        failing.close();
        int after = ticks.get();
        Thread.sleep(200);
        assertEquals(after, ticks.get(), "no tick after close");
        assertNotNull(failing);
    }

    static Rollout withState(Rollout r, RolloutState s) {
        return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), r.rollbackBundle(),
                r.bps(), s, r.reason(), r.plan(), r.stageIndex(), r.stageStartedAt(), r.health(), r.lastHealth(),
                r.lastActionAt(), r.revision() + 1, r.startedAt(), r.startedBy(), r.updatedAt(), r.endedAt());
    }

    /** One rollout in memory; every verb logs "verb actor reason". */
    static final class FakeActions implements RolloutActions {
        Rollout current;
        HealthReading health;
        int conflicts;
        final List<String> calls = new ArrayList<>();
        Instant now = T0;

        @Override
        public List<Rollout> active() {
            return current != null && current.active() ? List.of(current) : List.of();
        }

        private Rollout verb(String verb, Principal actor, String reason, Long expected, RolloutState state, int bps,
                             Integer stage, boolean newStage) {
            if (conflicts > 0) {
                conflicts--;
                throw ApiError.conflict("moved", "revision");
            }
            assertEquals(current.revision(), expected);
            calls.add(verb + " " + actor.keyId() + ":" + actor.name() + " " + reason);
            Rollout r = current;
            Instant at = health != null ? health.at() : now;
            current = new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(),
                    r.rollbackBundle(), bps, state, reason, r.plan(), stage, newStage ? at : r.stageStartedAt(),
                    r.health(), r.lastHealth(), r.lastActionAt(), r.revision() + 1, r.startedAt(), r.startedBy(), at,
                    r.endedAt());
            return current;
        }

        @Override
        public Rollout pause(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
            return verb("pause", actor, reason, expectedRevision, RolloutState.PAUSED, current.bps(),
                    current.stageIndex(), false);
        }

        @Override
        public Rollout rollback(Principal actor, String appId, String channel, String reason, byte[] rollbackRelease,
                                Long expectedRevision) {
            return verb("rollback", actor, reason, expectedRevision, RolloutState.ROLLED_BACK, current.bps(),
                    current.stageIndex(), false);
        }

        @Override
        public Rollout advance(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
            int next = current.stageIndex() + 1;
            return verb("advance", actor, reason, expectedRevision, RolloutState.RUNNING,
                    current.plan().stages().get(next).bps(), next, true);
        }

        @Override
        public Rollout promote(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
            return verb("promote", actor, reason, expectedRevision, RolloutState.COMPLETED, 10000,
                    current.stageIndex(), false);
        }

        @Override
        public void recordHealth(String rolloutId, HealthReading reading, boolean actionTaken) {
            health = reading;
            Rollout r = current;
            current = new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(),
                    r.rollbackBundle(), r.bps(), r.state(), r.reason(), r.plan(), r.stageIndex(), r.stageStartedAt(),
                    r.health(), reading, actionTaken ? reading.at() : r.lastActionAt(), r.revision(), r.startedAt(),
                    r.startedBy(), r.updatedAt(), r.endedAt());
        }

        @Override
        public void notify(Principal actor, String rolloutId, String reason) {
            calls.add("notify " + actor.keyId() + ":" + actor.name() + " " + reason);
        }
    }
}
