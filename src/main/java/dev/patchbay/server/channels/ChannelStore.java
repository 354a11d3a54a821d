package dev.patchbay.server.channels;

import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.UpdateGate;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Channels in the metadata store. At most one channel per app is the default for each platform: marking one clears
 * the others in the same transaction.
 */
public final class ChannelStore {
    private final Database db;
    private final Clock clock;

    public ChannelStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public List<Channel> list(String appId) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM channels WHERE app_id = ? ORDER BY name")) {
                ps.setString(1, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Channel> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                    return out;
                }
            }
        });
    }

    public Channel get(String appId, String name) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            return require(c, appId, name);
        });
    }

    /** @param draft a complete draft ({@link ChannelDraft#withDefaults()} applied, validated) */
    public Channel create(Principal actor, String appId, ChannelDraft draft) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            if (find(c, appId, draft.name()) != null) {
                throw ApiError.conflict("App '" + appId + "' already has a channel named '" + draft.name() + "'", "name");
            }
            Channel channel = new Channel(appId, draft.name(), draft.description(), draft.defaultFor(),
                    draft.platforms(), draft.allowDeviceSelfAssign(), draft.allowEmulators(), draft.allowDevBuilds(),
                    now, now, null, draft.updateGate(), draft.allowPhysicalDevices(), draft.allowProductionBuilds());
            clearDefaults(c, channel);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO channels(description, default_android,"
                    + " default_ios, serves_android, serves_ios, allow_self_assign, allow_emulators, allow_dev_builds,"
                    + " updated_at, update_gate, allow_physical_devices, allow_production_builds, created_at, app_id, name)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, channel);
                ps.setObject(13, Database.utc(now));
                ps.setString(14, appId);
                ps.setString(15, draft.name());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Database.isDuplicate(e)) {
                    throw ApiError.conflict("App '" + appId + "' already has a channel named '" + draft.name() + "'", "name");
                }
                throw e;
            }
            AuditLog.record(c, now, actor, "channel.create", appId, appId + "/" + draft.name(), describe(channel));
            return channel;
        });
    }

    /**
     * Applies the non-null fields of {@code changes}, and the bundle if {@code setBundle} ({@code bundle} null = the
     * builtin assets; an unknown version is a 404 naming {@code bundle}); validation of the merged channel is done by
     * {@code validate}.
     */
    public Channel update(Principal actor, String appId, String name, ChannelDraft changes, boolean setBundle,
                          String bundle, UnaryOperator<Channel> validate) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            Channel before = require(c, appId, name);
            Channel merged = validate.apply(new Channel(appId, name,
                    changes.description() != null ? changes.description() : before.description(),
                    changes.defaultFor() != null ? changes.defaultFor() : before.defaultFor(),
                    changes.platforms() != null ? changes.platforms() : before.platforms(),
                    changes.allowDeviceSelfAssign() != null ? changes.allowDeviceSelfAssign() : before.allowDeviceSelfAssign(),
                    changes.allowEmulators() != null ? changes.allowEmulators() : before.allowEmulators(),
                    changes.allowDevBuilds() != null ? changes.allowDevBuilds() : before.allowDevBuilds(),
                    before.createdAt(), now, setBundle ? bundle : before.bundle(),
                    changes.updateGate() != null ? changes.updateGate() : before.updateGate(),
                    changes.allowPhysicalDevices() != null ? changes.allowPhysicalDevices() : before.allowPhysicalDevices(),
                    changes.allowProductionBuilds() != null ? changes.allowProductionBuilds()
                            : before.allowProductionBuilds()));
            if (setBundle && !java.util.Objects.equals(bundle, before.bundle()) && activeRollout(c, appId, name)) {
                throw ApiError.conflict("Channel '" + name + "' has an active rollout; promote it or roll it back"
                        + " before pointing the channel at another bundle", "bundle");
            }
            if (setBundle && bundle != null && !bundleExists(c, appId, bundle)) {
                throw new ApiError(404, "not_found", "App '" + appId + "' has no bundle version '" + bundle + "'",
                        "bundle");
            }
            clearDefaults(c, merged);
            try (PreparedStatement ps = c.prepareStatement("UPDATE channels SET description = ?, default_android = ?,"
                    + " default_ios = ?, serves_android = ?, serves_ios = ?, allow_self_assign = ?, allow_emulators = ?,"
                    + " allow_dev_builds = ?, updated_at = ?, update_gate = ?, allow_physical_devices = ?,"
                    + " allow_production_builds = ?, bundle_version = ? WHERE app_id = ? AND name = ?")) {
                bind(ps, merged);
                ps.setString(13, merged.bundle());
                ps.setString(14, appId);
                ps.setString(15, name);
                ps.executeUpdate();
            }
            AuditLog.record(c, now, actor, "channel.update", appId, appId + "/" + name,
                    describe(before) + " -> " + describe(merged));
            return merged;
        });
    }

    public void delete(Principal actor, String appId, String name) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            AppStore.require(c, appId);
            require(c, appId, name);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM channels WHERE app_id = ? AND name = ?")) {
                ps.setString(1, appId);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            AuditLog.record(c, now, actor, "channel.delete", appId, appId + "/" + name, "");
            return null;
        });
    }

    private static boolean activeRollout(Connection c, String appId, String channel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM rollouts WHERE app_id = ? AND channel = ? AND active_key IS NOT NULL")) {
            ps.setString(1, appId);
            ps.setString(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean bundleExists(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void clearDefaults(Connection c, Channel channel) throws SQLException {
        for (Platform p : channel.defaultFor()) {
            String column = "default_" + p.wireName();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE channels SET " + column + " = FALSE WHERE app_id = ? AND name <> ? AND " + column)) {
                ps.setString(1, channel.appId());
                ps.setString(2, channel.name());
                ps.executeUpdate();
            }
        }
    }

    private static void bind(PreparedStatement ps, Channel ch) throws SQLException {
        ps.setString(1, ch.description());
        ps.setBoolean(2, ch.defaultFor().contains(Platform.ANDROID));
        ps.setBoolean(3, ch.defaultFor().contains(Platform.IOS));
        ps.setBoolean(4, ch.platforms().contains(Platform.ANDROID));
        ps.setBoolean(5, ch.platforms().contains(Platform.IOS));
        ps.setBoolean(6, ch.allowDeviceSelfAssign());
        ps.setBoolean(7, ch.allowEmulators());
        ps.setBoolean(8, ch.allowDevBuilds());
        ps.setObject(9, Database.utc(ch.updatedAt()));
        ps.setString(10, ch.updateGate().wireName());
        ps.setBoolean(11, ch.allowPhysicalDevices());
        ps.setBoolean(12, ch.allowProductionBuilds());
    }

    private static Channel require(Connection c, String appId, String name) throws SQLException {
        Channel ch = find(c, appId, name);
        if (ch == null) {
            throw ApiError.notFound("App '" + appId + "' has no channel named '" + name + "'");
        }
        return ch;
    }

    private static Channel find(Connection c, String appId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM channels WHERE app_id = ? AND name = ?")) {
            ps.setString(1, appId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static Channel read(ResultSet rs) throws SQLException {
        return new Channel(rs.getString("app_id"), rs.getString("name"), rs.getString("description"),
                platforms(rs.getBoolean("default_android"), rs.getBoolean("default_ios")),
                platforms(rs.getBoolean("serves_android"), rs.getBoolean("serves_ios")),
                rs.getBoolean("allow_self_assign"), rs.getBoolean("allow_emulators"), rs.getBoolean("allow_dev_builds"),
                Database.instant(rs.getObject("created_at")), Database.instant(rs.getObject("updated_at")),
                rs.getString("bundle_version"), UpdateGate.parse(rs.getString("update_gate")),
                rs.getBoolean("allow_physical_devices"), rs.getBoolean("allow_production_builds"));
    }

    /** Every channel of an app, or an empty list if the app does not exist (inside a caller's transaction). */
    public static List<Channel> listIn(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM channels WHERE app_id = ? ORDER BY name")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                List<Channel> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        }
    }

    private static Set<Platform> platforms(boolean android, boolean ios) {
        Set<Platform> s = EnumSet.noneOf(Platform.class);
        if (android) {
            s.add(Platform.ANDROID);
        }
        if (ios) {
            s.add(Platform.IOS);
        }
        return s;
    }

    private static String describe(Channel ch) {
        return "defaultFor=" + ch.defaultFor() + " platforms=" + ch.platforms() + " selfAssign=" + ch.allowDeviceSelfAssign()
                + " emulators=" + ch.allowEmulators() + " devBuilds=" + ch.allowDevBuilds()
                + " physicalDevices=" + ch.allowPhysicalDevices() + " productionBuilds=" + ch.allowProductionBuilds()
                + " bundle=" + (ch.bundle() == null ? "builtin" : ch.bundle()) + " updateGate=" + ch.updateGate().wireName();
    }
}
