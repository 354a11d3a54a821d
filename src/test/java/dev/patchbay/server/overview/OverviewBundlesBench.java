package dev.patchbay.server.overview;

import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;

/**
 * The Overview's devices per bundle on a large fleet (docs/benchmarks.md, "Overview devices per bundle"): one app with
 * {@code devices} rows over 12 bundles in an H2 store, then 40 Overview refreshes 15 s apart (10 minutes of a console
 * showing the page, on a virtual clock), one device changing its bundle before each (as a live fleet does, and so H2
 * cannot hand back a cached result): the time of each refresh's devices per bundle when it is counted every time
 * (before, {@link BundleCounts#count}) and with the count kept a minute ({@link BundleCounts#get}, after).
 * {@code java -cp target/test-classes:target/classes:<deps> dev.patchbay.server.overview.OverviewBundlesBench <new folder> <devices>}
 */
public final class OverviewBundlesBench {
    private static final String APP = "com.example.shop";
    private static final int REFRESHES = 40;

    private OverviewBundlesBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int devices = Integer.parseInt(args[1]);
        try (Database db = Database.openH2(dir)) {
            long t0 = System.nanoTime();
            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO apps(id, name, created_at, updated_at) VALUES ('" + APP + "', 'Shop', NOW(), NOW())");
                }
                return null;
            });
            for (int done = 0; done < devices; done += 50_000) {
                int n = Math.min(50_000, devices - done);
                db.inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        // 12 bundles, the newest ones on most devices (as after a few releases).
                        s.execute("INSERT INTO devices(app_id, device_id, channel, current_bundle, first_seen, last_seen,"
                                + " change_seq) SELECT '" + APP + "', RANDOM_UUID(), 'production', CONCAT('1.', "
                                + "CAST(FLOOR(SQRT(RAND()) * 12) AS INT), '.0'), NOW(), NOW(),"
                                + " NEXT VALUE FOR device_change_seq FROM SYSTEM_RANGE(1, " + n + ")");
                    }
                    return null;
                });
            }
            System.out.printf("filled %,d devices in %.1f s%n", devices, (System.nanoTime() - t0) / 1e9);
            BundleCounts kept = new BundleCounts();
            Instant start = Instant.parse("2026-12-07T12:00:00Z");
            for (String mode : new String[] {"warm-up", "before", "after", "before", "after"}) {
                long[] times = new long[REFRESHES];
                for (int i = 0; i < REFRESHES; i++) {
                    int refresh = i;
                    touchOne(db, i);
                    times[i] = db.inTransaction(c -> {
                        long t = System.nanoTime();
                        if (mode.equals("after")) {
                            kept.get(c, APP, start.plusSeconds(15L * refresh));
                        } else {
                            BundleCounts.count(c, APP);
                        }
                        return System.nanoTime() - t;
                    });
                }
                kept.forget(APP);
                long[] sorted = times.clone();
                Arrays.sort(sorted);
                long total = Arrays.stream(times).sum();
                System.out.printf("%-7s %d refreshes: mean %.2f ms per refresh, median %.2f ms, max %.1f ms,"
                        + " counted %d times%n", mode, REFRESHES, total / 1e6 / REFRESHES, sorted[REFRESHES / 2] / 1e6,
                        sorted[REFRESHES - 1] / 1e6, mode.equals("after") ? (REFRESHES * 15 + 59) / 60 : REFRESHES);
            }
        }
    }

    /** One device moves to another bundle (a live fleet changes between two refreshes). */
    private static void touchOne(Database db, int i) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET current_bundle = ? WHERE app_id = ?"
                    + " AND device_id = (SELECT MIN(device_id) FROM devices WHERE app_id = ?)")) {
                ps.setString(1, "1." + (i % 12) + ".0");
                ps.setString(2, APP);
                ps.setString(3, APP);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
