package dev.patchbay.bench;

import dev.patchbay.server.devices.EventRetention;
import dev.patchbay.server.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The retention job's cost (docs/benchmarks.md): an H2 file database with N device events of one app spread evenly
 * over 7 days in receive order (as the server writes them), then {@link EventRetention#prune} as the hourly job runs
 * it — first a catch-up that deletes one day, then one hour more, then everything but the last day. Prints each
 * prune's deleted rows, time and rows/s. Usage (bench/retention.sh): {@code java ... RetentionBenchmark [events,
 * default 1000000]}.
 */
public final class RetentionBenchmark {
    static final String APP = "com.example.bench";

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("pb-retention-bench");
        Instant now = Instant.parse("2026-11-22T18:00:00Z");
        try (Database db = Database.openH2(dir.resolve("db"))) {
            long t0 = System.nanoTime();
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute("INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + APP + "', 'Bench',"
                            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                }
                return null;
            });
            for (long done = 0; done < n; done += 100_000) {
                long from = done;
                db.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id,"
                            + " event_id, action, bundle, received_at, details) SELECT ?,"
                            + " 'device-' || CAST(FLOOR(RAND() * 50000) AS INT), 'e' || X,"
                            + " CASE WHEN RAND() < 0.5 THEN 'update_check' ELSE 'app_ready' END, '1.5.0',"
                            + " DATEADD(MILLISECOND, -CAST((? - X) * ? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE)),"
                            + " '{\"outcome\":\"up_to_date\",\"channel\":\"production\"}'"
                            + " FROM SYSTEM_RANGE(?, ?)")) {
                        ps.setString(1, APP);
                        ps.setLong(2, n);
                        ps.setDouble(3, (double) Duration.ofDays(7).toMillis() / n);
                        ps.setObject(4, Database.utc(now));
                        ps.setLong(5, from + 1);
                        ps.setLong(6, Math.min(n, from + 100_000));
                        ps.executeUpdate();
                    }
                    return null;
                });
            }
            System.out.printf("%,d events over 7 days inserted by SQL in %.1f s%n", n, secs(t0));
            prune(db, now, Duration.ofDays(6), "keep 6 days (a day to catch up)");
            prune(db, now.plus(Duration.ofHours(1)), Duration.ofDays(6), "one hour later (the hourly run)");
            prune(db, now.plus(Duration.ofHours(1)), Duration.ofDays(6), "again (nothing to do)");
            prune(db, now, Duration.ofDays(1), "keep 1 day");
            long left = db.inTransaction(c -> {
                try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM device_events")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            System.out.printf("left: %,d events%n", left);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void prune(Database db, Instant now, Duration keep, String what) {
        long t = System.nanoTime();
        EventRetention.Pruned p = new EventRetention(db, Clock.systemUTC(), keep).prune(now);
        double s = secs(t);
        System.out.printf("prune, %-36s %,9d events in %7.3f s (%,.0f events/s)%n", what + ":", p.events(), s,
                p.events() / Math.max(s, 1e-9));
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
