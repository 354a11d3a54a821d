package dev.patchbay.server;

import dev.patchbay.server.overview.OverviewApi;
import dev.patchbay.server.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The overview's 24 h counts on a filled database, with and without the V5 indexes (docs/benchmarks.md). Devices
 * last seen spread over 30 days, events over 7 days (1 % download_fail, 30 % app_ready, the rest update checks).
 * {@code java -cp target/test-classes:target/classes:<deps> dev.patchbay.server.OverviewQueryBench <new folder> <devices> <events>};
 * run again on the same folder, it measures without the indexes (dropped by the first run), then recreates them.
 * Each of the 3 runs of a query asks a different {@code since} (H2 reuses the result of an identical query).
 */
public final class OverviewQueryBench {
    private OverviewQueryBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        if (Files.exists(dir)) {
            try (Database db = Database.openH2(dir)) {
                measure(db, "com.example.shop", "without the V5 indexes");
                db.inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE INDEX devices_seen ON devices(app_id, last_seen)");
                        s.execute("CREATE INDEX device_events_action ON device_events(app_id, action, received_at)");
                    }
                    return null;
                });
                measure(db, "com.example.shop", "with them");
            }
            return;
        }
        int devices = Integer.parseInt(args[1]);
        int events = Integer.parseInt(args[2]);
        String app = "com.example.shop";
        try (Database db = Database.openH2(dir)) {
            long t0 = System.nanoTime();
            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + app + "', 'Shop', NOW(), NOW())");
                }
                return null;
            });
            int chunk = 50_000;
            for (int done = 0; done < Math.max(devices, events); done += chunk) {
                int d = Math.max(0, Math.min(chunk, devices - done));
                int e = Math.max(0, Math.min(chunk, events - done));
                db.inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("INSERT INTO devices(app_id, device_id, first_seen, last_seen, change_seq)"
                                + " SELECT '" + app + "', RANDOM_UUID(), NOW(), DATEADD('SECOND', -RAND() * 30 * 86400, NOW()),"
                                + " NEXT VALUE FOR device_change_seq FROM SYSTEM_RANGE(1, " + d + ")");
                        s.execute("INSERT INTO device_events(app_id, device_id, event_id, action, bundle, received_at)"
                                + " SELECT '" + app + "', RANDOM_UUID(), RANDOM_UUID(), CASEWHEN(RAND() < 0.01,"
                                + " 'download_fail', CASEWHEN(RAND() < 0.3, 'app_ready', 'update_check')), '1.5.0',"
                                + " DATEADD('SECOND', -RAND() * 7 * 86400, NOW()) FROM SYSTEM_RANGE(1, " + e + ")");
                    }
                    return null;
                });
            }
            System.out.printf("filled %,d devices and %,d events in %.1f s%n", devices, events,
                    (System.nanoTime() - t0) / 1e9);
            measure(db, app, "with the V5 indexes");
            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP INDEX devices_seen");
                    s.execute("DROP INDEX device_events_action");
                }
                return null;
            });
            measure(db, app, "without them");
        }
    }

    private static void measure(Database db, String app, String label) {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusHours(24);
        db.inTransaction(c -> {
            long seen = best(c, OverviewApi.SEEN_SQL, app, since, false);
            long failures = best(c, OverviewApi.FAILURES_SQL, app, since, true);
            System.out.printf("%s: devicesSeen24h %.1f ms, failures24h %.1f ms%n", label, seen / 1e6, failures / 1e6);
            return null;
        });
    }

    private static long best(Connection c, String sql, String app, OffsetDateTime since, boolean failures)
            throws java.sql.SQLException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            OffsetDateTime at = since.minusNanos(1000L * i);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (failures) {
                    String[] actions = {"rollback", "verify_fail", "download_fail"};
                    for (int a = 0; a < 3; a++) {
                        ps.setString(3 * a + 1, app);
                        ps.setString(3 * a + 2, actions[a]);
                        ps.setObject(3 * a + 3, at);
                    }
                } else {
                    ps.setString(1, app);
                    ps.setObject(2, at);
                }
                long t = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (i == 0) {
                        System.out.printf("  %s: %,d%n", failures ? "failures24h" : "devicesSeen24h", rs.getLong(1));
                    }
                }
                best = Math.min(best, System.nanoTime() - t);
            }
        }
        return best;
    }
}
