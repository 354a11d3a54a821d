package dev.patchbay.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Fills a stopped server's database with device rows by direct SQL (tests and benchmarks that need thousands or a
 * million devices quickly; real devices go through {@code /updates} and {@code /stats}). Each row gets a change_seq
 * from the sequence as the server's writers do. Device {@code i} is deterministic: id, custom id, platform, channel,
 * bundle, outcome, native version and last seen are functions of {@code i} (see {@link #channel} etc.).
 */
public final class DeviceRows {
    public static final String[] CHANNELS = {"production", "beta", "staging", "canary"};
    public static final String[] BUNDLES = {"1.4.0", "1.5.0", "1.5.1", "builtin", "1.6.0-rc.1"};
    public static final String[] OUTCOMES = {"up_to_date", "update", "builtin", "blocked", "failed"};
    public static final String[] NATIVE = {"1.4.0", "1.5.0", "1.6.0", "2.0.0"};
    public static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");

    private DeviceRows() {
    }

    public static String deviceId(long i) {
        long h = (i + 1) * 0x9E3779B97F4A7C15L;
        return String.format("%08x-0000-4000-8000-%012x", (h >>> 32) & 0xffffffffL, i);
    }

    public static String channel(long i) {
        return CHANNELS[(int) (i % 7 % CHANNELS.length)];
    }

    public static String bundle(long i) {
        return BUNDLES[(int) (i % 5)];
    }

    public static String outcome(long i) {
        return OUTCOMES[(int) (i % 11 % OUTCOMES.length)];
    }

    public static String nativeVersion(long i) {
        return NATIVE[(int) (i % 13 % NATIVE.length)];
    }

    public static String platform(long i) {
        return i % 3 == 0 ? "ios" : "android";
    }

    /** Every 10th device has a custom id {@code user-<i>}. */
    public static String customId(long i) {
        return i % 10 == 0 ? "user-" + i : null;
    }

    /** Last seen spread over the 30 days after {@link #BASE}. */
    public static Instant lastSeen(long i) {
        return BASE.plusSeconds((i * 7919) % (30L * 86400));
    }

    /** Device {@code i} of {@code app} as the API answers it (for filling a console cache directly). */
    public static dev.patchbay.client.Device device(String app, long i) {
        return new dev.patchbay.client.Device(app, deviceId(i), customId(i), platform(i), "14", nativeVersion(i), 140L,
                "0.1.0", false, true, null, null, null, channel(i), "default", null, bundle(i), null, null, outcome(i),
                null, null, BASE, lastSeen(i), java.util.List.of());
    }

    /** Device {@code i} as the console's cache keeps it. */
    public static dev.patchbay.cache.DeviceRow row(long i) {
        return new dev.patchbay.cache.DeviceRow(deviceId(i), customId(i), platform(i), "14", nativeVersion(i), 140L,
                channel(i), "default", bundle(i), null, outcome(i), null, BASE, lastSeen(i));
    }

    public static Connection open(Path dataDir) throws SQLException {
        return dev.patchbay.server.store.TestDatabases.connect(dataDir);
    }

    /** Inserts devices {@code from} (inclusive) to {@code to} (exclusive) of {@code app} into a stopped server's data. */
    public static void insert(Path dataDir, String app, long from, long to) throws SQLException {
        try (Connection c = open(dataDir)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices(app_id, device_id, custom_id, platform,"
                    + " os_version, native_version, native_build, runtime_version, is_emulator, is_production, channel,"
                    + " channel_source, current_bundle, last_outcome, first_seen, last_seen, change_seq)"
                    + " VALUES (?, ?, ?, ?, '14', ?, 140, '0.1.0', FALSE, TRUE, ?, 'default', ?, ?, ?, ?,"
                    + " NEXT VALUE FOR device_change_seq)")) {
                for (long i = from; i < to; i++) {
                    ps.setString(1, app);
                    ps.setString(2, deviceId(i));
                    ps.setString(3, customId(i));
                    ps.setString(4, platform(i));
                    ps.setString(5, nativeVersion(i));
                    ps.setString(6, channel(i));
                    ps.setString(7, bundle(i));
                    ps.setString(8, outcome(i));
                    ps.setObject(9, BASE.atOffset(ZoneOffset.UTC));
                    ps.setObject(10, lastSeen(i).atOffset(ZoneOffset.UTC));
                    ps.addBatch();
                    if ((i - from) % 10_000 == 9_999) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Marks devices {@code from}..{@code to} (exclusive) changed: a new last seen and native version 9.9.9. */
    public static void touch(Path dataDir, String app, long from, long to) throws SQLException {
        try (Connection c = open(dataDir)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET native_version = '9.9.9', last_seen = ?,"
                    + " change_seq = NEXT VALUE FOR device_change_seq WHERE app_id = ? AND device_id = ?")) {
                for (long i = from; i < to; i++) {
                    ps.setObject(1, Instant.now().atOffset(ZoneOffset.UTC));
                    ps.setString(2, app);
                    ps.setString(3, deviceId(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }
}
