package dev.patchbay.bench;

import dev.patchbay.server.rollouts.HealthEvaluator;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The health policy's count (docs/rollouts.md §4) on an H2 file database holding 1,000,000 device events: 50,000
 * devices of one app over the last 7 days, a quarter of the events on the rollout's target bundle, the rest on 7
 * other bundles, a realistic mix of actions; every device was offered the target (release_offers, ADR 0094).
 * {@code lastHour}: the default 60 min window (~1,500 target events);
 * {@code lastDay}: a 24 h window (~36,000); {@code sevenDays}: every target event (~250,000), the worst case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class HealthEvaluatorBenchmark {
    static final String APP = "com.example.bench";
    static final int EVENTS = 1_000_000;
    static final int DEVICES = 50_000;
    static final String[] ACTIONS = {"app_launch", "foreground", "background", "check", "app_ready", "app_ready",
        "download_start", "download_complete", "set_next", "rollback", "download_fail", "verify_fail", "disk_full"};

    Path dir;
    Database db;
    final Instant now = Instant.parse("2026-11-22T18:00:00Z");

    /**
     * Fills the database once (kept in {@code target/bench-health} and reused by the next forks and runs: filling it
     * takes a minute or more on a busy machine) and prints the query plan.
     */
    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Path.of(System.getProperty("bench.dir", "target/bench-health"));
        db = Database.openH2(dir.resolve("db"));
        long have = db.inTransaction(c -> {
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM device_events")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        if (have != EVENTS) {
            long started = System.nanoTime();
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute("DELETE FROM apps");
                    s.execute("DELETE FROM device_events");
                    s.execute("INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + APP + "', 'Bench',"
                            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                }
                return null;
            });
            StringBuilder actions = new StringBuilder();
            for (String a : ACTIONS) {
                actions.append(actions.length() == 0 ? "" : ", ").append('\'').append(a).append('\'');
            }
            for (int done = 0; done < EVENTS; done += 100_000) {
                int from = done;
                db.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id,"
                            + " event_id, action, bundle, received_at) SELECT ?, 'device-' || CAST(FLOOR(RAND() * ?) AS INT),"
                            + " 'e' || X,"
                            // Failures are rare: 1 in 4 picks an action from the whole list, else a routine one.
                            + " CASE WHEN RAND() < 0.25 THEN ARRAY_GET(ARRAY[" + actions + "], CAST(FLOOR(RAND() * "
                            + ACTIONS.length + ") AS INT) + 1) ELSE ARRAY_GET(ARRAY[" + actions + "],"
                            + " CAST(FLOOR(RAND() * 6) AS INT) + 1) END,"
                            + " CASE WHEN RAND() < 0.25 THEN '1.5.0' ELSE '1.4.' || CAST(FLOOR(RAND() * 7) AS INT) END,"
                            // received_at is the server's clock at insert: it grows with the row id, as in a real
                            // table (rows of one hour sit together), spread evenly over the 7 days.
                            + " DATEADD(MILLISECOND, -CAST((? - X) * ? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE))"
                            + " FROM SYSTEM_RANGE(?, ?)")) {
                        ps.setString(1, APP);
                        ps.setInt(2, DEVICES);
                        ps.setLong(3, EVENTS);
                        ps.setDouble(4, (double) Duration.ofDays(7).toMillis() / EVENTS);
                        ps.setObject(5, Database.utc(now));
                        ps.setLong(6, from + 1);
                        ps.setLong(7, from + 100_000);
                        ps.executeUpdate();
                    }
                    return null;
                });
            }
            System.out.printf("%n[setup] %,d events inserted in %,d ms%n", EVENTS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        // Every device was offered the target (ADR 0094: only offered devices count), one address per 20 devices.
        db.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("DELETE FROM release_offers");
                s.execute("INSERT INTO release_offers(app_id, device_id, bundle, address, counted, offered_at)"
                        + " SELECT '" + APP + "', 'device-' || X, '1.5.0', '10.0.' || (X / 20), TRUE, CURRENT_TIMESTAMP"
                        + " FROM SYSTEM_RANGE(0, " + (DEVICES - 1) + ")");
            }
            return null;
        });
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT COUNT(DISTINCT device_id) FROM device_events"
                    + " WHERE app_id = ? AND bundle = ? AND received_at >= ? AND received_at <= ?"
                    + " AND action IN ('rollback', 'app_ready')")) {
                ps.setString(1, APP);
                ps.setString(2, "1.5.0");
                ps.setObject(3, Database.utc(now.minusSeconds(3600)));
                ps.setObject(4, Database.utc(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    System.out.println("[setup] plan: " + rs.getString(1).replaceAll("\\s+", " "));
                }
            }
            for (String w : new String[] {"1", "24", "168"}) {
                HealthEvaluator.Counts n = HealthEvaluator.count(c, APP, "1.5.0", now.minus(Duration.ofHours(
                        Long.parseLong(w))), now);
                System.out.println("[setup] " + w + " h: " + n);
            }
            return null;
        });
    }

    @TearDown(Level.Trial)
    public void cleanup() {
        db.close();
    }

    HealthEvaluator.Counts count(Duration window) {
        return db.inTransaction((Connection c) -> HealthEvaluator.count(c, APP, "1.5.0", now.minus(window), now));
    }

    @Benchmark
    public HealthEvaluator.Counts lastHour() {
        return count(Duration.ofHours(1));
    }

    @Benchmark
    public HealthEvaluator.Counts lastDay() {
        return count(Duration.ofDays(1));
    }

    @Benchmark
    public HealthEvaluator.Counts sevenDays() {
        return count(Duration.ofDays(7));
    }
}
