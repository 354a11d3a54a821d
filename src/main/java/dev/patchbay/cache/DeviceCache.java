package dev.patchbay.cache;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.h2.api.ErrorCode;

/**
 * The cached devices of the Devices page, in the console's cache database: one scope per (connection, app) with the
 * server's change cursor (rollouts §6). Writes (sync) and reads (queries) use connections of their own, so a page
 * being written never blocks a query for longer than that page's transaction. Thread-safe; calls block on disk.
 */
public final class DeviceCache implements AutoCloseable {
    /** Counts stop here: the page says "100,000+" rather than counting a million rows on every keystroke. */
    public static final int COUNT_CAP = 100_000;
    /**
     * How long a count may take before the page is answered with "at least" what it shows (a count of several filters
     * at once reads the rows of one filter's range to check the others: 1.3–2.5 s at 1,000,000 devices).
     */
    static final int COUNT_BUDGET_MS = 400;
    /** Up to this many devices found by a search are sorted as a set; more are found along the sorted index. */
    static final int SEARCH_SET_MAX = 5_000;

    private final Connection writer;
    private final Connection reader;
    private final Object writeLock = new Object();
    private final Object readLock = new Object();
    private volatile int searchSetMax = SEARCH_SET_MAX;

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
                boolean searchAsSet = q.deviceIds() == null && searchAsSet(scope, q);
                List<DeviceRow> rows = new ArrayList<>();
                Stmt page = pageSql(scope, q, searchAsSet);
                try (PreparedStatement ps = reader.prepareStatement(page.text())) {
                    bind(ps, page.args());
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
                if (q.offset() == 0 && rows.size() < q.limit()) {
                    return new DeviceResult(q, rows, rows.size(), false);
                }
                Long total = count(countSql(scope, q, searchAsSet));
                if (total == null) {
                    // Out of time: the rows up to this page are known; a full page may have more after it.
                    return new DeviceResult(q, rows, q.offset() + rows.size(), rows.size() == q.limit());
                }
                boolean capped = total > COUNT_CAP;
                return new DeviceResult(q, rows, capped ? COUNT_CAP : total, capped);
            });
        }
    }

    /** Runs a count within {@link #COUNT_BUDGET_MS}; null when it ran out of time. */
    private Long count(Stmt count) throws SQLException {
        try (Statement st = reader.createStatement()) {
            st.execute("SET QUERY_TIMEOUT " + COUNT_BUDGET_MS);
            try (PreparedStatement ps = reader.prepareStatement(count.text())) {
                bind(ps, count.args());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                if (e.getErrorCode() == ErrorCode.STATEMENT_WAS_CANCELED) {
                    return null;
                }
                throw e;
            } finally {
                st.execute("SET QUERY_TIMEOUT 0");
            }
        }
    }

    /**
     * Whether the devices a search finds are few enough ({@link #SEARCH_SET_MAX}) to take them from the id and custom
     * id indexes and sort them as a set; otherwise the page is found along the sorted column's index (dense matches
     * fill a page quickly there). Two counts of index ranges, each stopping at the limit.
     */
    private boolean searchAsSet(int scope, DeviceQuery q) throws SQLException {
        String term = searchTerm(q);
        if (term == null) {
            return false;
        }
        long found = 0;
        for (String column : new String[] {"device_id", "custom_id_lower"}) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM cached_device"
                    + " WHERE scope_id = ? AND " + column + " >= ? AND " + column + " < ? FETCH FIRST "
                    + (searchSetMax + 1) + " ROWS ONLY)")) {
                bind(ps, List.of(scope, term, term + Character.MAX_VALUE));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    found += rs.getLong(1);
                }
            }
        }
        return found <= searchSetMax;
    }

    /** Tests: the largest search result sorted as a set (0 sends every search along the sorted index). */
    void searchSetMax(int max) {
        searchSetMax = max;
    }

    /**
     * The distinct values of a column with few values (channel, bundle, state, platform, native version) among the
     * app's cached devices, sorted, at most {@code max}: for the filter choices. One index seek per value (a loose
     * index scan), not a scan of the devices.
     */
    public List<String> values(String connectionId, String appId, DeviceColumn column, int max) {
        if (column == DeviceColumn.DEVICE_ID || column == DeviceColumn.CUSTOM_ID || column == DeviceColumn.LAST_SEEN) {
            throw new IllegalArgumentException(column + " has no index to list its values from");
        }
        synchronized (readLock) {
            return read(() -> {
                Integer scope = existingScope(connectionId, appId);
                List<String> out = new ArrayList<>();
                if (scope == null) {
                    return out;
                }
                // ">= last + U+0000" (the smallest string after last), not "> last": H2 seeks to the first entry
                // at or after the bound and steps over entries that fail the condition, so "> last" walked every
                // device with the previous value (~300 ms per list at 1,000,000 devices).
                try (PreparedStatement ps = reader.prepareStatement("SELECT " + column.sql + " FROM cached_device"
                        + " WHERE scope_id = ? AND " + column.sql + " >= ? ORDER BY scope_id, " + column.sql
                        + " FETCH FIRST 1 ROW ONLY")) {
                    String last = "";
                    while (out.size() < max) {
                        ps.setInt(1, scope);
                        ps.setString(2, last + '\u0000');
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

    /** H2's plan for the page query of {@code q} (tests check that sorts are read off an index). */
    String explain(String connectionId, String appId, DeviceQuery q) {
        synchronized (readLock) {
            return read(() -> {
                Integer scope = existingScope(connectionId, appId);
                int id = scope == null ? -1 : scope;
                Stmt page = pageSql(id, q, searchAsSet(id, q));
                try (PreparedStatement ps = reader.prepareStatement("EXPLAIN " + page.text())) {
                    bind(ps, page.args());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
        }
    }

    /** A statement and its parameters. */
    private record Stmt(String text, List<Object> args) {
    }

    private static final String COLUMNS = "device_id, custom_id, platform, os_version, native_version, native_build,"
            + " channel, channel_source, current_bundle, next_bundle, last_outcome, last_error, first_seen, last_seen";

    /**
     * The page query. Without a search (or with one that finds many devices) it reads the scope straight off the
     * sorted column's index (see {@link #orderBy}), checking the filters along the way, so a page of 200 is found after
     * a few hundred rows unless the filters match almost nothing. A search that finds few devices takes them from the
     * id and custom id indexes (a UNION of two index ranges; an OR of them made H2 read the whole scope: 12.8 s at
     * 1,000,000 devices) and filters and sorts only those.
     */
    private static Stmt pageSql(int scope, DeviceQuery q, boolean searchAsSet) {
        List<Object> args = new ArrayList<>();
        String tail = " OFFSET " + q.offset() + " ROWS FETCH NEXT " + q.limit() + " ROWS ONLY";
        if (q.deviceIds() != null) {
            String from = picked(scope, q, args);
            String where = "TRUE" + searchRanges(q, args) + filters(q, args, null);
            String dir = q.descending() ? " DESC" : "";
            String order = q.sort() == DeviceColumn.DEVICE_ID ? "device_id" + dir
                    : q.sort().sql + dir + ", row_id" + dir;
            return new Stmt("SELECT " + COLUMNS + " FROM " + from + " WHERE " + where + " ORDER BY " + order + tail,
                    args);
        }
        if (searchAsSet) {
            String from = searched(scope, searchTerm(q), args);
            String where = "TRUE" + filters(q, args, null);
            String dir = q.descending() ? " DESC" : "";
            String order = q.sort() == DeviceColumn.DEVICE_ID ? "device_id" + dir
                    : q.sort().sql + dir + ", row_id" + dir;
            return new Stmt("SELECT " + COLUMNS + " FROM " + from + " WHERE " + where + " ORDER BY " + order + tail,
                    args);
        }
        args.add(scope);
        String where = "scope_id = ?" + searchRanges(q, args) + filters(q, args, null);
        return new Stmt("SELECT " + COLUMNS + " FROM cached_device WHERE " + where + " ORDER BY " + orderBy(q) + tail,
                args);
    }

    /**
     * The count query, up to {@link #COUNT_CAP} + 1 (and within {@link #COUNT_BUDGET_MS}). One filter: its index
     * range, stopping after the cap. Two or more: each filter's row ids from its own index, intersected, never
     * touching the rows. A search of few devices: those devices, filtered.
     */
    private static Stmt countSql(int scope, DeviceQuery q, boolean searchAsSet) {
        List<Object> args = new ArrayList<>();
        String cap = " FETCH FIRST " + (COUNT_CAP + 1) + " ROWS ONLY)";
        if (q.deviceIds() != null) {
            String from = picked(scope, q, args);
            return new Stmt("SELECT COUNT(*) FROM (SELECT 1 FROM " + from + " WHERE TRUE" + searchRanges(q, args)
                    + filters(q, args, null) + cap, args);
        }
        if (searchAsSet) {
            String from = searched(scope, searchTerm(q), args);
            return new Stmt("SELECT COUNT(*) FROM (SELECT 1 FROM " + from + " WHERE TRUE" + filters(q, args, null)
                    + cap, args);
        }
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        filters(q, values, conditions);
        if (conditions.size() < 2 || searchTerm(q) != null) {
            args.add(scope);
            String where = "scope_id = ?" + searchRanges(q, args);
            args.addAll(values);
            for (String c : conditions) {
                where += " AND " + c;
            }
            return new Stmt("SELECT COUNT(*) FROM (SELECT 1 FROM cached_device WHERE " + where + cap, args);
        }
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM (");
        for (int i = 0; i < conditions.size(); i++) {
            sql.append(i == 0 ? "" : " INTERSECT ")
                    .append("SELECT row_id FROM cached_device WHERE scope_id = ? AND ").append(conditions.get(i));
            args.add(scope);
            args.add(values.get(i));
        }
        return new Stmt(sql.append(") matching").toString(), args);
    }

    /** The search as a condition on the row (" AND (id prefix OR custom id prefix)"), or "" without one. */
    private static String searchRanges(DeviceQuery q, List<Object> args) {
        String term = searchTerm(q);
        if (term == null) {
            return "";
        }
        String end = term + Character.MAX_VALUE;
        args.addAll(List.of(term, end, term, end));
        return " AND ((device_id >= ? AND device_id < ?) OR (custom_id_lower >= ? AND custom_id_lower < ?))";
    }

    /** The scope's devices whose id or (lower-cased) custom id starts with {@code search}, as a derived table. */
    private static String searched(int scope, String search, List<Object> args) {
        // Prefix ranges (not LIKE) so the unique key and the custom id index serve them.
        String end = search + Character.MAX_VALUE;
        args.addAll(List.of(scope, search, end, scope, search, end));
        return "(SELECT * FROM cached_device WHERE scope_id = ? AND device_id >= ? AND device_id < ?"
                + " UNION SELECT * FROM cached_device WHERE scope_id = ? AND custom_id_lower >= ? AND custom_id_lower < ?)"
                + " searched";
    }

    /** The scope's devices named by {@code q.deviceIds()} (the unique key serves each), as a derived table. */
    private static String picked(int scope, DeviceQuery q, List<Object> args) {
        if (q.deviceIds().isEmpty()) {
            return "(SELECT * FROM cached_device WHERE FALSE) picked";
        }
        args.add(scope);
        args.addAll(q.deviceIds());
        return "(SELECT * FROM cached_device WHERE scope_id = ? AND device_id IN ("
                + String.join(", ", java.util.Collections.nCopies(q.deviceIds().size(), "?")) + ")) picked";
    }

    private static String searchTerm(DeviceQuery q) {
        String search = blankToNull(q.search());
        return search == null ? null : search.toLowerCase(Locale.ROOT);
    }

    /**
     * The ORDER BY of a page: scope_id first (it is fixed by the WHERE) so the index (scope_id, column, row_id) of the
     * sorted column serves the order without a sort; ties in arrival order (row_id). Descending reverses every column,
     * scope_id included, so H2 reads the same index backwards. NULL sorts lowest (first ascending, last descending).
     * The device id sort reads the unique key (scope_id, device_id).
     */
    static String orderBy(DeviceQuery q) {
        String dir = q.descending() ? " DESC" : "";
        return q.sort() == DeviceColumn.DEVICE_ID ? "scope_id" + dir + ", device_id" + dir
                : "scope_id" + dir + ", " + q.sort().sql + dir + ", row_id" + dir;
    }

    /**
     * The filters other than the search, each with its value appended to {@code args}: as " AND ..." text, or, when
     * {@code conditions} is given, one condition per filter added there.
     */
    private static String filters(DeviceQuery q, List<Object> args, List<String> conditions) {
        List<String> out = conditions == null ? new ArrayList<>() : conditions;
        eq(out, args, "channel", q.channel());
        eq(out, args, "current_bundle", q.bundle());
        eq(out, args, "last_outcome", q.state());
        eq(out, args, "platform", q.platform());
        eq(out, args, "native_version", q.nativeVersion());
        if (q.seenSince() != null) {
            out.add("last_seen >= ?");
            args.add(q.seenSince().toEpochMilli());
        }
        StringBuilder w = new StringBuilder();
        for (String c : out) {
            w.append(" AND ").append(c);
        }
        return w.toString();
    }

    private static void eq(List<String> conditions, List<Object> args, String column, String value) {
        String v = blankToNull(value);
        if (v != null) {
            conditions.add(column + " = ?");
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
