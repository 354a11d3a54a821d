package dev.patchbay.server.compat.capgo;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.patchbay.domain.Json;
import dev.patchbay.server.devices.DeviceCatalog;
import dev.patchbay.server.store.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Capgo-compatible side of each app, held in memory next to the device catalog: whether the app has the mode on
 * and the plugin-format artifact of each bundle. An entry lives as long as the catalog's view of the app it was read
 * with, so every management write (which drops that view) also drops it.
 */
final class CapgoArtifacts {
    /** One file of a per-file (manifest) delivery: path as the plugin writes it, its hash, the stored blob. */
    record FileEntry(String fileName, String fileHash, String sha256, long length) {
    }

    /** The plugin-format twin of a bundle, as its publisher uploaded it. */
    record Artifact(String version, String zipSha256, long zipLength, String sessionKey, String checksum, String keyId,
                    List<FileEntry> manifest) {
    }

    /** An app as the compat routes see it. */
    final class AppState {
        final DeviceCatalog.AppView view;
        final boolean enabled;
        private final Map<String, Optional<Artifact>> artifacts = new ConcurrentHashMap<>();

        AppState(DeviceCatalog.AppView view, boolean enabled) {
            this.view = view;
            this.enabled = enabled;
        }

        /**
         * The artifact to serve for {@code version}: its own, or that of a bundle with the same content (a rollback
         * release re-signs the stable's content under a new version; the plugin installs the stable's artifact as it).
         */
        Artifact artifact(String version) {
            Artifact own = own(version);
            if (own != null) {
                return own;
            }
            String content = view.manifests().get(version);
            if (content == null) {
                return null;
            }
            for (Map.Entry<String, String> e : view.manifests().entrySet()) {
                if (content.equals(e.getValue()) && !e.getKey().equals(version)) {
                    Artifact same = own(e.getKey());
                    if (same != null) {
                        return same;
                    }
                }
            }
            return null;
        }

        private Artifact own(String version) {
            return artifacts.computeIfAbsent(version, v -> Optional.ofNullable(db.inTransaction(c ->
                    find(c, view.appId(), v)))).orElse(null);
        }
    }

    private final Database db;
    private final DeviceCatalog catalog;
    private final Map<String, AppState> apps = new ConcurrentHashMap<>();

    CapgoArtifacts(Database db, DeviceCatalog catalog) {
        this.db = db;
        this.catalog = catalog;
    }

    /** The app's state, or {@code null} if there is no such app. */
    AppState app(String appId) {
        DeviceCatalog.AppView view = catalog.get(appId);
        if (view == null) {
            apps.remove(appId);
            return null;
        }
        AppState s = apps.get(appId);
        if (s != null && s.view == view) {
            return s;
        }
        boolean enabled = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT capgo_compat FROM apps WHERE id = ?")) {
                ps.setString(1, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
        if (apps.size() > 10_000) {
            apps.clear();
        }
        AppState fresh = new AppState(view, enabled);
        apps.put(appId, fresh);
        return fresh;
    }

    static Artifact find(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT zip_sha256, zip_length, session_key, checksum, key_id,"
                + " manifest FROM capgo_artifacts WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Artifact(version, rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), manifest(rs.getString(6)));
            }
        }
    }

    static List<FileEntry> manifest(String json) throws SQLException {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<List<FileEntry>>() { });
        } catch (IOException e) {
            throw new SQLException("Stored Capgo manifest is not JSON", e);
        }
    }
}
