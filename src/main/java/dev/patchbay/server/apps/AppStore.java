package dev.patchbay.server.apps;

import dev.patchbay.domain.App;
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
import java.util.List;

/** Apps in the metadata store. Every change is audited in its own transaction. */
public final class AppStore {
    /** Lets other features act on an app's deletion: runs inside the deleting transaction; its result after commit. */
    @FunctionalInterface
    public interface DeleteHook {
        Runnable beforeDelete(Connection c, String appId) throws SQLException;
    }

    private final Database db;
    private final Clock clock;
    private final List<DeleteHook> deleteHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    public AppStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public AppStore onDelete(DeleteHook hook) {
        deleteHooks.add(hook);
        return this;
    }

    public List<App> list() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM apps ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                List<App> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        });
    }

    public App get(String id) {
        return db.inTransaction(c -> require(c, id));
    }

    public App create(Principal actor, String id, String name) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            if (find(c, id) != null) {
                throw ApiError.conflict("An app with id '" + id + "' already exists", "id");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO apps(id, name, created_at, updated_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setObject(3, Database.utc(now));
                ps.setObject(4, Database.utc(now));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Database.isDuplicate(e)) {
                    throw ApiError.conflict("An app with id '" + id + "' already exists", "id");
                }
                throw e;
            }
            AuditLog.record(c, now, actor, "app.create", id, id, "name=" + name);
            return new App(id, name, now, now);
        });
    }

    public App rename(Principal actor, String id, String name) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            App before = require(c, id);
            try (PreparedStatement ps = c.prepareStatement("UPDATE apps SET name = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, name);
                ps.setObject(2, Database.utc(now));
                ps.setString(3, id);
                ps.executeUpdate();
            }
            AuditLog.record(c, now, actor, "app.rename", id, id, "name=" + before.name() + " -> " + name);
            return new App(id, name, before.createdAt(), now, before.capgoCompat());
        });
    }

    /**
     * Switches Capgo-compatible delivery on or off (docs/capgo-compat.md); audited as {@code app.capgo-compat}. A
     * no-op write (same value) is not audited.
     */
    public App setCapgoCompat(Principal actor, String id, boolean on) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            App before = require(c, id);
            if (before.capgoCompat() == on) {
                return before;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE apps SET capgo_compat = ?, updated_at = ? WHERE id = ?")) {
                ps.setBoolean(1, on);
                ps.setObject(2, Database.utc(now));
                ps.setString(3, id);
                ps.executeUpdate();
            }
            AuditLog.record(c, now, actor, "app.capgo-compat", id, id, "capgoCompat=" + before.capgoCompat() + " -> " + on);
            return new App(id, before.name(), before.createdAt(), now, on);
        });
    }

    /** Deletes the app and, by cascade, its channels, trust, bundles and uploads; then runs the hooks' follow-ups. */
    public void delete(Principal actor, String id) {
        Instant now = clock.instant();
        List<Runnable> after = db.inTransaction(c -> {
            require(c, id);
            List<Runnable> followUps = new ArrayList<>();
            for (DeleteHook h : deleteHooks) {
                followUps.add(h.beforeDelete(c, id));
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM apps WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            AuditLog.record(c, now, actor, "app.delete", id, id, "");
            return followUps;
        });
        after.forEach(Runnable::run);
    }

    /** The app, or a 404 naming it; for handlers that act on an app's children. */
    public static App require(Connection c, String id) throws SQLException {
        App app = find(c, id);
        if (app == null) {
            throw ApiError.notFound("No app with id '" + id + "'");
        }
        return app;
    }

    private static App find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM apps WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static App read(ResultSet rs) throws SQLException {
        return new App(rs.getString("id"), rs.getString("name"),
                Database.instant(rs.getObject("created_at")), Database.instant(rs.getObject("updated_at")),
                rs.getBoolean("capgo_compat"));
    }
}
