package dev.patchbay.server.trust;

import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/** An app's registered trust material ({@code trust.json}); the root key is fixed by the first registration. */
public final class TrustStore {
    private final Database db;
    private final Clock clock;

    public TrustStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Stores {@code json} (already checked, described by {@code info}); true if this was the first registration. */
    public boolean put(Principal actor, String appId, Signatures.TrustInfo info, byte[] json) {
        Instant now = clock.instant();
        String text = new String(json, StandardCharsets.UTF_8);
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            String[] current = findRoot(c, appId);
            if (current == null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_trust(app_id, root_key_id, root_public,"
                        + " trust_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, appId);
                    ps.setString(2, info.rootKeyId());
                    ps.setString(3, info.rootPublicKey());
                    ps.setString(4, text);
                    ps.setObject(5, Database.utc(now));
                    ps.setObject(6, Database.utc(now));
                    ps.executeUpdate();
                }
                AuditLog.record(c, now, actor, "trust.register", appId, appId, "root=" + info.rootKeyId());
                return true;
            }
            if (!current[0].equals(info.rootKeyId()) || !current[1].equals(info.rootPublicKey())) {
                throw ApiError.conflict("App '" + appId + "' is registered with root key " + current[0]
                        + "; this trust.json has root key " + info.rootKeyId()
                        + ". The root key cannot change", "root");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE app_trust SET trust_json = ?, updated_at = ? WHERE app_id = ?")) {
                ps.setString(1, text);
                ps.setObject(2, Database.utc(now));
                ps.setString(3, appId);
                ps.executeUpdate();
            }
            AuditLog.record(c, now, actor, "trust.update", appId, appId, "root=" + info.rootKeyId());
            return false;
        });
    }

    /** The registered {@code trust.json}, or a 404. */
    public byte[] get(String appId) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            byte[] json = find(c, appId);
            if (json == null) {
                throw ApiError.notFound("App '" + appId + "' has no trust material registered (PUT .../trust first)");
            }
            return json;
        });
    }

    /** The app's {@code trust.json} or {@code null}, inside a caller's transaction. */
    public static byte[] find(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT trust_json FROM app_trust WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1).getBytes(StandardCharsets.UTF_8) : null;
            }
        }
    }

    private static String[] findRoot(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT root_key_id, root_public FROM app_trust WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
            }
        }
    }
}
