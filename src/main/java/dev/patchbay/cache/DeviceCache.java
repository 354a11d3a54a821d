package dev.patchbay.cache;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cached devices of the Devices page, in the console's cache database: one scope per (connection, app) with the
 * server's change cursor (rollouts §6). Writes (sync) and reads (queries) use connections of their own, so a page
 * being written never blocks a query for longer than that page's transaction. Thread-safe; calls block on disk.
 */
public final class DeviceCache implements AutoCloseable {
    /** Counts stop here: the page says "100,000+" rather than counting a million rows on every keystroke. */
    public static final int COUNT_CAP = 100_000;

    private final Connection writer;
    private final Connection reader;
    private final Object writeLock = new Object();
    private final Object readLock = new Object();

    DeviceCache(String url) throws SQLException {
        this.writer = DriverManager.getConnection(url, "sa", "");
        this.reader = DriverManager.getConnection(url, "sa", "");
    }

    // ---- sync state -------------------------------------------------------------------------------------------

    public DeviceSyncState state(String connectionId, String appId) {
        synchronized (readLock) {
            return read(() -> {
                try (PreparedStatement ps = reader.prepareStatement("SELECT sync_cursor, synced_at, device_count"
                        + " FROM device_sync WHERE connection_id = ? AND app_id = ?")) {
                    ps.setString(1, connectionId);
                    ps.setString(2, appId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return new DeviceSyncState(null, null, 0);
                        }
                        return new DeviceSyncState(rs.getString(1), instant(rs.getTimestamp(2)), rs.getLong(3));
                    }
                }
            });
        }
    }

    /**
     * Stores one page of changes and the cursor after it, in one transaction: a cancelled or failed sync leaves the
     * cache at the end of a page, and the next sync resumes there.
     */
    public void applyPage(String connectionId, String appId, List<DeviceRow> devices, String cursor) {
        synchronized (writeLock) {
            write(() -> {
                int scope = scope(connectionId, appId);
                try (PreparedStatement ps = writer.prepareStatement("MERGE INTO cached_device"
                        + " (scope_id, device_id, custom_id, custom_id_lower, platform, os_version, native_version,"
                        + " native_build, channel, channel_source, current_bundle, next_bundle, last_outcome,"
                        + " last_error, first_seen, last_seen) KEY (scope_id, device_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (DeviceRow d : devices) {
                        ps.setInt(1, scope);
                        ps.setString(2, d.deviceId());
                        ps.setString(3, d.customId());
                        ps.setString(4, d.customId() == null ? null : d.customId().toLowerCase(Locale.ROOT));
                        ps.setString(5, d.platform());
                        ps.setString(6, d.osVersion());
                        ps.setString(7, d.nativeVersion());
                        if (d.nativeBuild() == null) {
                            ps.setNull(8, Types.BIGINT);
                        } else {
                            ps.setLong(8, d.nativeBuild());
                        }
                        ps.setString(9, d.channel());
                        ps.setString(10, d.channelSource());
                        ps.setString(11, d.currentBundle());
                        ps.setString(12, d.nextBundle());
                        ps.setString(13, d.state());
                        ps.setString(14, d.lastError());
                        millis(ps, 15, d.firstSeen());
                        millis(ps, 16, d.lastSeen());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = writer.prepareStatement(
                        "UPDATE device_sync SET sync_cursor = ? WHERE scope_id = ?")) {
                    ps.setString(1, cursor);
                    ps.setInt(2, scope);
                    ps.executeUpdate();
                }
            });
        }
    }

    /** Marks the sync done (the server said {@code more: false}) and counts the app's cached devices. */
    public DeviceSyncState finishSync(String connectionId, String appId, Instant at) {
        synchronized (writeLock) {
            write(() -> {
                int scope = scope(connectionId, appId);
                try (PreparedStatement ps = writer.prepareStatement("UPDATE device_sync SET synced_at = ?,"
                        + " device_count = (SELECT COUNT(*) FROM cached_device WHERE scope_id = ?) WHERE scope_id = ?")) {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setInt(2, scope);
                    ps.setInt(3, scope);
                    ps.executeUpdate();
                }
            });
        }
        return state(connectionId, appId);
    }

    /** Forgets the app's cached devices and cursor (the app is gone, or a full reload is wanted). */
    public void forget(String connectionId, String appId) {
        synchronized (writeLock) {
            write(() -> {
                try (PreparedStatement ps = writer.prepareStatement("DELETE FROM cached_device WHERE scope_id IN"
                        + " (SELECT scope_id FROM device_sync WHERE connection_id = ? AND (? IS NULL OR app_id = ?))")) {
                    ps.setString(1, connectionId);
                    ps.setString(2, appId);
                    ps.setString(3, appId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = writer.prepareStatement(
                        "DELETE FROM device_sync WHERE connection_id = ? AND (? IS NULL OR app_id = ?)")) {
                    ps.setString(1, connectionId);
                    ps.setString(2, appId);
                    ps.setString(3, appId);
                    ps.executeUpdate();
                }
            });
        }
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    /** One page of the app's cached devices matching {@code q}, sorted in SQL, with the (capped) total. */
    public DeviceResult query(String connectionId, String appId, DeviceQuery q) {
        synchronized (readLock) {
            return read(() -> {
                Integer scope = existingScope(connectionId, appId);
                if (scope == null) {
                    return new DeviceResult(q, List.of(), 0, false);
                }
                List<Object> args = new ArrayList<>();
                String where = where(scope, q, args);
                String dir = q.descending() ? " DESC" : " ASC";
                // scope_id first (it is fixed by the WHERE) so an index on (scope_id, column, device_id) serves the order
                // without a sort; ties by device id; NULL sorts lowest (first ascending, last descending).
                String order = "scope_id, " + (q.sort() == DeviceColumn.DEVICE_ID ? "device_id" + dir
                        : q.sort().sql + dir + ", device_id" + dir);
                List<DeviceRow> rows = new ArrayList<>();
                try (PreparedStatement ps = reader.prepareStatement("SELECT device_id, custom_id, platform, os_version,"
                        + " native_version, native_build, channel, channel_source, current_bundle, next_bundle,"
                        + " last_outcome, last_error, first_seen, last_seen FROM cached_device WHERE " + where
                        + " ORDER BY " + order + " OFFSET " + q.offset() + " ROWS FETCH NEXT " + q.limit() + " ROWS ONLY")) {
                    bind(ps, args);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long build = rs.getLong(6);
                            Long nativeBuild = rs.wasNull() ? null : build;
                            rows.add(new DeviceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), nativeBuild, rs.getString(7), rs.getString(8), rs.getString(9),
                                    rs.getString(10), rs.getString(11), rs.getString(12), instant(rs, 13),
                                    instant(rs, 14)));
                        }
                    }
                }
                long total;
                if (q.offset() == 0 && rows.size() < q.limit()) {
                    total = rows.size();
                } else {
                    try (PreparedStatement ps = reader.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM cached_device"
                            + " WHERE " + where + " FETCH FIRST " + (COUNT_CAP + 1) + " ROWS ONLY)")) {
                        bind(ps, args);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            total = rs.getLong(1);
                        }
                    }
                }
                boolean capped = total > COUNT_CAP;
                return new DeviceResult(q, rows, capped ? COUNT_CAP : total, capped);
            });
        }
    }

    /**
     * The distinct values of an indexed column ({@link DeviceColumn#CHANNEL}, {@link DeviceColumn#BUNDLE},
     * {@link DeviceColumn#NATIVE_VERSION}) among the app's cached devices, sorted, at most {@code max}: for the filter
     * choices. One index seek per value (a loose index scan), not a scan of the devices.
     */
    public List<String> values(String connectionId, String appId, DeviceColumn column, int max) {
        if (column != DeviceColumn.CHANNEL && column != DeviceColumn.BUNDLE && column != DeviceColumn.NATIVE_VERSION) {
            throw new IllegalArgumentException(column + " has no index to list its values from");
        }
        synchronized (readLock) {
            return read(() -> {
                Integer scope = existingScope(connectionId, appId);
                List<String> out = new ArrayList<>();
                if (scope == null) {
                    return out;
                }
                try (PreparedStatement ps = reader.prepareStatement("SELECT " + column.sql + " FROM cached_device"
                        + " WHERE scope_id = ? AND " + column.sql + " > ? ORDER BY " + column.sql
                        + " FETCH FIRST 1 ROW ONLY")) {
                    String last = "";
                    while (out.size() < max) {
                        ps.setInt(1, scope);
                        ps.setString(2, last);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                break;
                            }
                            last = rs.getString(1);
                            out.add(last);
                        }
                    }
                }
                return out;
            });
        }
    }

    private static String where(int scope, DeviceQuery q, List<Object> args) {
        StringBuilder w = new StringBuilder("scope_id = ?");
        args.add(scope);
        String search = blankToNull(q.search());
        if (search != null) {
            String lower = search.toLowerCase(Locale.ROOT);
            // Prefix ranges (not LIKE) so both the primary key and the custom id index serve them.
            w.append(" AND ((device_id >= ? AND device_id < ?) OR (custom_id_lower >= ? AND custom_id_lower < ?))");
            args.add(lower);
            args.add(lower + Character.MAX_VALUE);
            args.add(lower);
            args.add(lower + Character.MAX_VALUE);
        }
        eq(w, args, "channel", q.channel());
        eq(w, args, "current_bundle", q.bundle());
        eq(w, args, "last_outcome", q.state());
        eq(w, args, "platform", q.platform());
        eq(w, args, "native_version", q.nativeVersion());
        if (q.seenSince() != null) {
            w.append(" AND last_seen >= ?");
            args.add(q.seenSince().toEpochMilli());
        }
        return w.toString();
    }

    private static void eq(StringBuilder w, List<Object> args, String column, String value) {
        String v = blankToNull(value);
        if (v != null) {
            w.append(" AND ").append(column).append(" = ?");
            args.add(v);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private Integer existingScope(String connectionId, String appId) throws SQLException {
        try (PreparedStatement ps = reader.prepareStatement(
                "SELECT scope_id FROM device_sync WHERE connection_id = ? AND app_id = ?")) {
            ps.setString(1, connectionId);
            ps.setString(2, appId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    /** The scope of (connection, app) on the writer connection, made if missing. */
    private int scope(String connectionId, String appId) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "SELECT scope_id FROM device_sync WHERE connection_id = ? AND app_id = ?")) {
                ps.setString(1, connectionId);
                ps.setString(2, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
            }
            try (PreparedStatement ps = writer.prepareStatement(
                    "INSERT INTO device_sync(connection_id, app_id) VALUES (?, ?)")) {
                ps.setString(1, connectionId);
                ps.setString(2, appId);
                ps.executeUpdate();
            }
        }
        throw new SQLException("device_sync row of " + connectionId + "/" + appId + " vanished");
    }

    private interface Sql<T> {
        T run() throws SQLException;
    }

    private interface SqlVoid {
        void run() throws SQLException;
    }

    private static <T> T read(Sql<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new CacheException("Cannot read the cached devices: " + e.getMessage(), e);
        }
    }

    private void write(SqlVoid work) {
        try {
            writer.setAutoCommit(false);
            try {
                work.run();
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new CacheException("Cannot write the cached devices: " + e.getMessage(), e);
        }
    }

    private static void millis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {writer, reader}) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
