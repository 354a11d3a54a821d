package dev.patchbay.cache;

import dev.patchbay.db.Migrations;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.h2.api.ErrorCode;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's H2 file cache of server state, kept per connection id with the time each list was fetched.
 * Calls block on disk and on one lock: run them off the FX thread. Thread-safe.
 */
public final class LocalCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCache.class);
    public static final String MIGRATIONS = "dev/patchbay/cache/migrations";

    private final Connection db;
    private final String url;
    private final boolean memory;
    private DeviceCache devices;

    /** The unreadable cache file {@link #open} moved aside this time, else null. */
    private Path movedAside;

    private LocalCache(Connection db, String url, boolean memory) {
        this.db = db;
        this.url = url;
        this.memory = memory;
    }

    /** The unreadable cache file that {@link #open} moved aside before starting this new cache, else null. */
    public Path movedAside() {
        return movedAside;
    }

    /**
     * How long H2 keeps superseded file chunks before it reuses their space (its default is 45 s). A device sync writes
     * tens of MB a second; with the default the file grew to several GB during a 1M-device sync. A crash inside this
     * window can leave the file unreadable, which {@link #open} handles by starting a fresh cache: it only ever holds
     * copies of server state.
     */
    static final int RETENTION_MS = 2_000;

    /**
     * Opens (creating if needed) the cache database {@code cache.mv.db} in {@code folder}. A file H2 reports as corrupt
     * is moved aside ({@code cache.mv.db.corrupt-<time>}, kept for a bug report) and a fresh cache is created; any
     * other failure (another console holds the file) is thrown.
     */
    public static LocalCache open(Path folder) {
        try {
            Files.createDirectories(folder);
            String url = "jdbc:h2:file:" + folder.toAbsolutePath().resolve("cache") + ";DB_CLOSE_ON_EXIT=FALSE"
                    + ";RETENTION_TIME=" + RETENTION_MS;
            Connection c;
            Path aside = null;
            try {
                c = DriverManager.getConnection(url, "sa", "");
            } catch (SQLException e) {
                if (!corrupt(e)) {
                    throw e;
                }
                Path file = folder.resolve("cache.mv.db");
                aside = folder.resolve("cache.mv.db.corrupt-" + System.currentTimeMillis());
                Files.move(file, aside);
                LOG.warn("The local cache {} could not be read ({}); moved it to {} and started a new one", file,
                        e.getMessage(), aside.getFileName());
                c = DriverManager.getConnection(url, "sa", "");
            }
            Migrations.apply(c, MIGRATIONS);
            LocalCache cache = new LocalCache(c, url, false);
            cache.movedAside = aside;
            return cache;
        } catch (Exception e) {
            throw new CacheException("Cannot open the local cache in " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * H2's "file corrupted" (90030), or an MVStore "file corrupt" underneath a general error; never a file another
     * program holds (90020, also an MVStore error underneath).
     */
    private static boolean corrupt(SQLException e) {
        if (e.getErrorCode() == ErrorCode.FILE_CORRUPTED_1) {
            return true;
        }
        if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MVStoreException m && m.getErrorCode() == DataUtils.ERROR_FILE_CORRUPT) {
                return true;
            }
        }
        return false;
    }

    /** A cache that lives only as long as this process (when the file cache cannot be opened). */
    public static LocalCache inMemory() {
        try {
            // Named (and kept while open) so the device cache's own connections reach it; dropped on close.
            String url = "jdbc:h2:mem:patchbay-cache-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            Connection c = DriverManager.getConnection(url, "sa", "");
            Migrations.apply(c, MIGRATIONS);
            return new LocalCache(c, url, true);
        } catch (SQLException e) {
            throw new CacheException("Cannot create an in-memory cache: " + e.getMessage(), e);
        }
    }

    /** The cached devices of the Devices page (connections of their own, opened on first use). */
    public synchronized DeviceCache devices() {
        if (devices == null) {
            try {
                devices = new DeviceCache(url);
            } catch (SQLException e) {
                throw new CacheException("Cannot open the device cache: " + e.getMessage(), e);
            }
        }
        return devices;
    }

    // ---- apps ---------------------------------------------------------------------------------------------------

    public synchronized Cached<List<App>> apps(String connectionId) {
        return query(() -> {
            Instant fetched = fetchedAt("SELECT fetched_at FROM cached_app_list WHERE connection_id = ?", connectionId);
            List<App> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT id, name, created_at, updated_at, capgo_compat FROM cached_app WHERE connection_id = ?"
                            + " ORDER BY id")) {
                ps.setString(1, connectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new App(rs.getString(1), rs.getString(2), instant(rs, 3), instant(rs, 4), rs.getBoolean(5)));
                    }
                }
            }
            return new Cached<>(List.copyOf(out), fetched);
        });
    }

    /** Replaces the cached app list of a connection (apps gone from the server go from the cache, with their channels). */
    public synchronized void replaceApps(String connectionId, List<App> apps, Instant fetchedAt) {
        transaction(() -> {
            update("DELETE FROM cached_app WHERE connection_id = ?", connectionId);
            for (App a : apps) {
                insertApp(connectionId, a, fetchedAt);
            }
            Set<String> ids = apps.stream().map(App::id).collect(Collectors.toSet());
            for (String stale : appIdsWithChannels(connectionId)) {
                if (!ids.contains(stale)) {
                    deleteChannelsOf(connectionId, stale);
                }
            }
            for (String stale : appIdsWithDevices(connectionId)) {
                if (!ids.contains(stale)) {
                    deleteDevicesOf(connectionId, stale);
                }
            }
            update("MERGE INTO cached_app_list KEY (connection_id) VALUES (?, ?)", connectionId, ts(fetchedAt));
        });
    }

    /** Records one app the console just wrote to the server. */
    public synchronized void putApp(String connectionId, App app, Instant fetchedAt) {
        transaction(() -> {
            update("DELETE FROM cached_app WHERE connection_id = ? AND id = ?", connectionId, app.id());
            insertApp(connectionId, app, fetchedAt);
        });
    }

    /** Forgets an app and its channels. */
    public synchronized void removeApp(String connectionId, String appId) {
        transaction(() -> {
            update("DELETE FROM cached_app WHERE connection_id = ? AND id = ?", connectionId, appId);
            deleteChannelsOf(connectionId, appId);
            deleteDevicesOf(connectionId, appId);
        });
    }

    // ---- channels -----------------------------------------------------------------------------------------------

    public synchronized Cached<List<Channel>> channels(String connectionId, String appId) {
        return query(() -> {
            Instant fetched;
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT fetched_at FROM cached_channel_list WHERE connection_id = ? AND app_id = ?")) {
                ps.setString(1, connectionId);
                ps.setString(2, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    fetched = rs.next() ? instant(rs, 1) : null;
                }
            }
            List<Channel> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT app_id, name, description, default_for, platforms, "
                    + "allow_self_assign, allow_emulators, allow_dev_builds, created_at, updated_at, bundle, update_gate, "
                    + "allow_physical_devices, allow_production_builds FROM cached_channel WHERE connection_id = ? AND app_id = ? ORDER BY name")) {
                ps.setString(1, connectionId);
                ps.setString(2, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Channel(rs.getString(1), rs.getString(2), rs.getString(3), platforms(rs.getString(4)),
                                platforms(rs.getString(5)), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8),
                                instant(rs, 9), instant(rs, 10), rs.getString(11), gate(rs.getString(12)),
                                rs.getBoolean(13), rs.getBoolean(14)));
                    }
                }
            }
            return new Cached<>(List.copyOf(out), fetched);
        });
    }

    public synchronized void replaceChannels(String connectionId, String appId, List<Channel> channels, Instant fetchedAt) {
        transaction(() -> {
            deleteChannelsOf(connectionId, appId);
            for (Channel c : channels) {
                insertChannel(connectionId, c, fetchedAt);
            }
            update("MERGE INTO cached_channel_list KEY (connection_id, app_id) VALUES (?, ?, ?)",
                    connectionId, appId, ts(fetchedAt));
        });
    }

    public synchronized void putChannel(String connectionId, Channel channel, Instant fetchedAt) {
        transaction(() -> {
            update("DELETE FROM cached_channel WHERE connection_id = ? AND app_id = ? AND name = ?",
                    connectionId, channel.appId(), channel.name());
            insertChannel(connectionId, channel, fetchedAt);
        });
    }

    public synchronized void removeChannel(String connectionId, String appId, String name) {
        transaction(() -> update("DELETE FROM cached_channel WHERE connection_id = ? AND app_id = ? AND name = ?",
                connectionId, appId, name));
    }

    /** Forgets everything cached for a connection (it was removed from the console). */
    public synchronized void forgetConnection(String connectionId) {
        transaction(() -> {
            for (String table : new String[] {"cached_channel", "cached_channel_list", "cached_app", "cached_app_list"}) {
                update("DELETE FROM " + table + " WHERE connection_id = ?", connectionId);
            }
            for (String app : appIdsWithDevices(connectionId)) {
                deleteDevicesOf(connectionId, app);
            }
        });
    }

    @Override
    public synchronized void close() {
        if (devices != null) {
            devices.close();
        }
        try {
            if (memory) {
                try (java.sql.Statement st = db.createStatement()) {
                    st.execute("SHUTDOWN");
                }
            }
            db.close();
        } catch (SQLException e) {
            throw new CacheException("Cannot close the local cache: " + e.getMessage(), e);
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private interface Sql<T> {
        T run() throws SQLException;
    }

    private interface SqlVoid {
        void run() throws SQLException;
    }

    private <T> T query(Sql<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new CacheException("Cannot read the local cache: " + e.getMessage(), e);
        }
    }

    private void transaction(SqlVoid work) {
        try {
            db.setAutoCommit(false);
            try {
                work.run();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new CacheException("Cannot write the local cache: " + e.getMessage(), e);
        }
    }

    private void insertApp(String connectionId, App a, Instant fetchedAt) throws SQLException {
        update("INSERT INTO cached_app(connection_id, id, name, created_at, updated_at, fetched_at, capgo_compat)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                connectionId, a.id(), a.name(), ts(a.createdAt()), ts(a.updatedAt()), ts(fetchedAt), a.capgoCompat());
    }

    private void insertChannel(String connectionId, Channel c, Instant fetchedAt) throws SQLException {
        update("INSERT INTO cached_channel(connection_id, app_id, name, description, default_for, platforms, "
                        + "allow_self_assign, allow_emulators, allow_dev_builds, created_at, updated_at, fetched_at, bundle, "
                        + "update_gate, allow_physical_devices, allow_production_builds)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                connectionId, c.appId(), c.name(), c.description() == null ? "" : c.description(),
                text(c.defaultFor()), text(c.platforms()), c.allowDeviceSelfAssign(), c.allowEmulators(),
                c.allowDevBuilds(), ts(c.createdAt()), ts(c.updatedAt()), ts(fetchedAt), c.bundle(),
                c.updateGate().wireName(), c.allowPhysicalDevices(), c.allowProductionBuilds());
    }

    /** A stored update gate; one this version does not know reads as none. */
    private static dev.patchbay.domain.UpdateGate gate(String text) {
        try {
            return dev.patchbay.domain.UpdateGate.parse(text);
        } catch (dev.patchbay.domain.ValidationException e) {
            return dev.patchbay.domain.UpdateGate.NONE;
        }
    }

    private void deleteChannelsOf(String connectionId, String appId) throws SQLException {
        update("DELETE FROM cached_channel WHERE connection_id = ? AND app_id = ?", connectionId, appId);
        update("DELETE FROM cached_channel_list WHERE connection_id = ? AND app_id = ?", connectionId, appId);
    }

    private void deleteDevicesOf(String connectionId, String appId) throws SQLException {
        update("DELETE FROM cached_device WHERE scope_id IN (SELECT scope_id FROM device_sync WHERE connection_id = ?"
                + " AND app_id = ?)", connectionId, appId);
        update("DELETE FROM device_sync WHERE connection_id = ? AND app_id = ?", connectionId, appId);
    }

    private List<String> appIdsWithDevices(String connectionId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT app_id FROM device_sync WHERE connection_id = ?")) {
            ps.setString(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> appIdsWithChannels(String connectionId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT app_id FROM cached_channel_list WHERE connection_id = ?")) {
            ps.setString(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private Instant fetchedAt(String sql, String connectionId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? instant(rs, 1) : null;
            }
        }
    }

    private void update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String text(Set<Platform> platforms) {
        return platforms.stream().map(Platform::wireName).sorted().collect(Collectors.joining(","));
    }

    private static Set<Platform> platforms(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        EnumSet<Platform> out = EnumSet.noneOf(Platform.class);
        Arrays.stream(text.split(",")).map(Platform::parse).forEach(out::add);
        return out;
    }
}
