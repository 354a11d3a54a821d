package dev.patchbay.server.rollouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.WilsonBound;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health policy's rules (docs/rollouts.md §4) on crafted counts and crafted events. */
class HealthEvaluatorTest {
    static final String APP = "com.example.shop";
    static final Instant NOW = Instant.parse("2026-11-22T18:00:00Z");
    static final HealthPolicy POLICY = HealthPolicy.DEFAULT;

    @TempDir
    Path dir;
    Database db;

    @BeforeEach
    void open() throws Exception {
        db = dev.patchbay.server.store.TestDatabases.open(dir.resolve("db"));
        db.inTransaction(c -> {
            exec(c, "INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + APP + "', 'Shop', CURRENT_TIMESTAMP,"
                    + " CURRENT_TIMESTAMP)");
            exec(c, "INSERT INTO channels(app_id, name, description, default_android, default_ios, serves_android,"
                    + " serves_ios, allow_self_assign, allow_emulators, allow_dev_builds, created_at, updated_at)"
                    + " VALUES ('" + APP + "', 'production', '', TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE,"
                    + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    static void exec(Connection c, String sql) throws java.sql.SQLException {
        try (var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static HealthReading read(long attempts, long failures, HealthPolicy p) {
        return HealthEvaluator.reading(new HealthEvaluator.Counts(attempts, failures), p, NOW.minusSeconds(3600), NOW);
    }

    @Test
    void tooFewAttemptsIsInsufficientWhateverTheFailures() {
        HealthReading h = read(49, 40, POLICY);
        assertEquals(HealthVerdict.INSUFFICIENT, h.verdict());
        assertEquals("health policy: 49 of 50 attempts needed (40 failed) in the last 60 min", h.reason());
        assertEquals(HealthVerdict.HEALTHY, read(50, 0, POLICY).verdict());
    }

    @Test
    void failingNeedsTheLowerBoundAboveTheThresholdWithTheNumbersInTheReason() {
        HealthReading h = read(118, 23, POLICY);
        assertEquals(HealthVerdict.FAILING, h.verdict());
        assertEquals(23.0 / 118, h.rate(), 1e-12);
        assertEquals(WilsonBound.lower(23, 118, 0.95), h.lowerBound(), 1e-12);
        assertEquals(0.05, h.threshold());
        assertEquals(NOW, h.at());
        assertEquals("health policy: 23 of 118 devices failed (19.5 %, 95 % lower bound 13.4 % > threshold 5.0 %)"
                + " in the last 60 min", h.reason());
    }

    @Test
    void aRateAboveTheThresholdWithALowLowerBoundIsHealthy() {
        // 4 of 50 = 8 %, but the 95 % lower bound is 3.2 %: not enough evidence to stop.
        HealthReading h = read(50, 4, new HealthPolicy(3600L, 0.05, 0.95, 50L, 0L, 900L, HealthAction.PAUSE));
        assertEquals(HealthVerdict.HEALTHY, h.verdict());
        assertTrue(h.rate() > 0.05 && h.lowerBound() < 0.05, h.toString());
        assertTrue(h.reason().contains("4 of 50 devices failed (8.0 %, 95 % lower bound 3.2 % ≤ threshold 5.0 %)"),
                h.reason());
    }

    @Test
    void fewerFailuresThanTheMinimumStayHealthy() {
        HealthPolicy p = new HealthPolicy(3600L, 0.01, 0.95, 10L, 5L, 900L, HealthAction.PAUSE);
        HealthReading four = read(10, 4, p);
        assertEquals(HealthVerdict.HEALTHY, four.verdict());
        assertTrue(four.reason().endsWith("in the last 60 min, fewer than 5 failures"), four.reason());
        assertEquals(HealthVerdict.FAILING, read(10, 5, p).verdict());
    }

    @Test
    void theWindowIsCutAtTheLatestOfStartStageAndResume() throws Exception {
        Instant start = NOW.minus(Duration.ofHours(5));
        Instant stage = NOW.minus(Duration.ofMinutes(40));
        Instant resume = NOW.minus(Duration.ofMinutes(20));
        insertRollout("r1", start, resume);
        Rollout r = rollout("r1", start, stage);
        assertEquals(resume, db.inTransaction(c -> HealthEvaluator.since(c, r)));
        Rollout laterStage = rollout("r1", start, NOW.minusSeconds(60));
        assertEquals(NOW.minusSeconds(60), db.inTransaction(c -> HealthEvaluator.since(c, laterStage)));
        assertEquals(NOW.minus(Duration.ofHours(1)), HealthEvaluator.windowStart(POLICY, start, NOW));
        assertEquals(stage, HealthEvaluator.windowStart(POLICY, stage, NOW));

        // 30 min ago: after the stage start, before the resume → outside; 10 min ago → inside.
        String a = device();
        String b = device();
        event(a, "rollback", "1.5.0", NOW.minus(Duration.ofMinutes(30)));
        event(b, "rollback", "1.5.0", NOW.minus(Duration.ofMinutes(10)));
        event(b, "app_ready", "1.5.0", NOW.minus(Duration.ofMinutes(10)));
        HealthReading h = new HealthEvaluator(db).evaluate(r, POLICY, NOW);
        assertEquals(1, h.attempts());
        assertEquals(1, h.failures());
        assertTrue(h.reason().endsWith("in the last 20 min"), h.reason());
    }

    @Test
    void countsDistinctDevicesOfTheTargetInTheClosedWindow() throws Exception {
        Instant from = NOW.minus(Duration.ofHours(1));
        String failer = device();
        for (int i = 0; i < 5; i++) {
            event(failer, "rollback", "1.5.0", NOW.minusSeconds(60 + i));   // one device failing 5 times counts once
        }
        event(failer, "app_ready", "1.5.0", NOW.minusSeconds(30));         // and is one attempt
        String ok = device();
        event(ok, "app_ready", "1.5.0", from);                              // the window's first instant counts
        event(ok, "app_ready", "1.5.0", NOW);                               // as does its last
        event(device(), "verify_fail", "1.5.0", NOW.minusSeconds(10));
        event(device(), "download_fail", "1.5.0", NOW.minusSeconds(10));
        event(device(), "app_ready", "1.5.0", from.minusMillis(1));         // before the window
        event(device(), "app_ready", "1.5.0", NOW.plusMillis(1));           // after it
        event(device(), "rollback", "1.4.0", NOW.minusSeconds(10));         // another bundle
        event(device(), "disk_full", "1.5.0", NOW.minusSeconds(10));        // not the bundle's fault
        event(device(), "freshness_fail", "1.5.0", NOW.minusSeconds(10));
        event(device(), "app_launch", "1.5.0", NOW.minusSeconds(10));       // neither attempt nor failure
        HealthEvaluator.Counts n = db.inTransaction(c -> HealthEvaluator.count(c, APP, "1.5.0", from, NOW));
        assertEquals(new HealthEvaluator.Counts(4, 3), n);
    }

    @Test
    void durationsReadNaturally() {
        assertEquals("45 s", HealthEvaluator.duration(Duration.ofSeconds(45)));
        assertEquals("60 min", HealthEvaluator.duration(Duration.ofHours(1)));
        assertEquals("4 h", HealthEvaluator.duration(Duration.ofHours(4)));
        assertEquals("3.5 d", HealthEvaluator.duration(Duration.ofHours(84)));
    }

    private void insertRollout(String id, Instant start, Instant healthSince) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollouts(id, app_id, channel, stable_bundle,"
                    + " target_bundle, bps, state, reason, health_since, revision, started_at, started_by, updated_at,"
                    + " active_key) VALUES (?, ?, 'production', '1.4.0', '1.5.0', 100, 'running', 'test', ?, 1, ?,"
                    + " 'test', ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, APP);
                ps.setObject(3, Database.utc(healthSince));
                ps.setObject(4, Database.utc(start));
                ps.setObject(5, Database.utc(start));
                ps.setString(6, APP + "/production");
                ps.executeUpdate();
            }
            return null;
        });
    }

    static Rollout rollout(String id, Instant start, Instant stageStart) {
        return new Rollout(id, APP, "production", "1.4.0", "1.5.0", null, 100, RolloutState.RUNNING, "test", null,
                null, stageStart, POLICY, null, null, 1, start, "test", start, null);
    }

    static String device() {
        return UUID.randomUUID().toString();
    }

    private void event(String device, String action, String bundle, Instant at) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id, event_id,"
                    + " action, bundle, received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, APP);
                ps.setString(2, device);
                ps.setString(3, UUID.randomUUID().toString());
                ps.setString(4, action);
                ps.setString(5, bundle);
                ps.setObject(6, Database.utc(at));
                ps.executeUpdate();
            }
            Offers.offered(c, APP, device, bundle);
            return null;
        });
    }
}
