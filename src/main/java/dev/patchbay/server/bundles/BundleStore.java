package dev.patchbay.server.bundles;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Json;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Published bundles (read side); publishing is {@link Uploads#commit}. */
public final class BundleStore {
    private final Database db;

    public BundleStore(Database db) {
        this.db = db;
    }

    /** Bundles with the summary of their Capgo artifact (docs/capgo-compat.md §5), if any. */
    private static final String SELECT_WITH_CAPGO = "SELECT b.*, a.zip_sha256 AS capgo_sha256,"
            + " a.session_key AS capgo_session_key, a.key_id AS capgo_key_id, a.manifest AS capgo_manifest"
            + " FROM bundles b LEFT JOIN capgo_artifacts a ON a.app_id = b.app_id AND a.version = b.version";

    /** The app's bundles, highest sequence first, without envelopes. */
    public List<Bundle> list(String appId) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            Map<String, List<String>> channels = channels(c, appId);
            List<Bundle> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    SELECT_WITH_CAPGO + " WHERE b.app_id = ? ORDER BY b.sequence DESC")) {
                ps.setString(1, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs, channels, false));
                    }
                }
            }
            return out;
        });
    }

    public Bundle get(String appId, String version) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            return require(c, appId, version, true);
        });
    }

    /**
     * The length of blob {@code sha256} if a published bundle of {@code appId} references it, else a 404 (blobs of
     * other apps and of open uploads are not this app's to read).
     */
    public long publishedBlobLength(String appId, String sha256) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT length FROM bundle_blobs WHERE app_id = ? AND sha256 = ? FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, appId);
                ps.setString(2, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiError.notFound("No published bundle of app '" + appId + "' has blob " + sha256);
                    }
                    return rs.getLong(1);
                }
            }
        });
    }

    static Bundle require(Connection c, String appId, String version, boolean withEnvelope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_WITH_CAPGO
                + " WHERE b.app_id = ? AND b.version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("App '" + appId + "' has no bundle version '" + version + "'");
                }
                return read(rs, channels(c, appId), withEnvelope);
            }
        }
    }

    private static Map<String, List<String>> channels(Connection c, String appId) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, bundle_version FROM channels"
                + " WHERE app_id = ? AND bundle_version IS NOT NULL ORDER BY name")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static Bundle read(ResultSet rs, Map<String, List<String>> channels, boolean withEnvelope)
            throws SQLException {
        String version = rs.getString("version");
        JsonNode envelope = null;
        if (withEnvelope) {
            try {
                envelope = Json.mapper().readTree(rs.getString("envelope"));
            } catch (IOException e) {
                throw new SQLException("Stored envelope of " + version + " is not JSON", e);
            }
        }
        return new Bundle(rs.getString("app_id"), version, rs.getLong("sequence"),
                Database.instant(rs.getObject("created_at")), Database.instant(rs.getObject("published_at")),
                rs.getLong("total_bytes"), rs.getInt("file_count"), rs.getString("release_key_id"),
                List.copyOf(channels.getOrDefault(version, List.of())), envelope, rs.getString("rollback_of"),
                rs.getString("capgo_sha256") == null ? null : new Bundle.Capgo(!rs.getString("capgo_session_key").isEmpty(),
                        rs.getString("capgo_key_id"), manifestFiles(rs.getString("capgo_manifest"))));
    }

    /** Entries in the stored Capgo manifest (a JSON array; null or absent when the artifact has none). */
    private static int manifestFiles(String json) throws SQLException {
        if (json == null || json.isBlank()) {
            return 0;
        }
        try {
            return Json.mapper().readTree(json).size();
        } catch (IOException e) {
            throw new SQLException("Stored Capgo manifest is not JSON", e);
        }
    }
}
