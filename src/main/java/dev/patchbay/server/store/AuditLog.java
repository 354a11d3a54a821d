package dev.patchbay.server.store;

import dev.patchbay.server.http.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Append-only record of every change made through the management API; written in the same transaction as the change. */
public final class AuditLog {
    private AuditLog() {
    }

    public static void record(Connection c, Instant at, Principal actor, String action, String appId, String target,
                              String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_log(at, actor, action, app_id, target, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, Database.utc(at));
            ps.setString(2, actor.actor());
            ps.setString(3, action);
            ps.setString(4, appId);
            ps.setString(5, target);
            ps.setString(6, detail.length() > 4000 ? detail.substring(0, 4000) : detail);
            ps.executeUpdate();
        }
    }
}
