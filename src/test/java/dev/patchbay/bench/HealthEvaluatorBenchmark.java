package dev.patchbay.bench;

import dev.patchbay.server.rollouts.HealthEvaluator;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * other bundles, a realistic mix of actions. {@code lastHour}: the default 60 min window (~6,000 target events);
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

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("pb-bench-health");
        db = Database.openH2(dir.resolve("db"));
        String[] devices = new String[DEVICES];
        for (int i = 0; i < DEVICES; i++) {
            devices[i] = UUID.randomUUID().toString();
        }
        Random random = new Random(42);
        long span = Duration.ofDays(7).toMillis();
        long started = System.nanoTime();
        db.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + APP + "', 'Bench',"
                        + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            }
            return null;
        });
        for (int done = 0; done < EVENTS; ) {
            int batch = Math.min(20_000, EVENTS - done);
            int from = done;
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id, event_id,"
                        + " action, bundle, received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < batch; i++) {
                        ps.setString(1, APP);
                        ps.setString(2, devices[random.nextInt(DEVICES)]);
                        ps.setString(3, "e" + (from + i));
                        // Failures are rare: 1 in 4 picks an action from the whole list, else a routine one.
                        String action = random.nextInt(4) == 0 ? ACTIONS[random.nextInt(ACTIONS.length)]
                                : ACTIONS[random.nextInt(6)];
                        ps.setString(4, action);
                        ps.setString(5, random.nextInt(4) == 0 ? "1.5.0" : "1.4." + random.nextInt(7));
                        ps.setObject(6, Database.utc(now.minusMillis((long) (random.nextDouble() * span))));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            done += batch;
        }
        System.out.printf("%n[setup] %,d events inserted in %,d ms%n", EVENTS,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
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
            return null;
        });
    }

    @TearDown(Level.Trial)
    public void cleanup() throws IOException {
        db.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
