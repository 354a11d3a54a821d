package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.Platform;
import dev.patchbay.server.channels.ChannelStore;
import dev.patchbay.server.freshness.FreshnessApi;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.trust.TrustStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an update check needs of an app, held in memory: trust root, freshness certificate, channels, the releases
 * the channels serve and the console's device overrides. An entry is dropped by {@link #invalidate} after every
 * management write concerning the app (wired in {@code PatchbayServer}) and reloaded on the next check; a generation
 * counter keeps a load that raced a write from being cached. Entries also expire after {@link #TTL_MILLIS}.
 */
public final class DeviceCatalog {
    static final long TTL_MILLIS = 60_000;

    /** The change cursor every device row writer of this database goes through (rollouts §6). */
    private final DeviceChangeLog changes = new DeviceChangeLog();

    /** The change cursor every device row writer of this database goes through (rollouts §6). */
    public DeviceChangeLog changes() {
        return changes;
    }


    /** A served release: what the rules need and the envelope as sent. */
    public record Release(String version, long sequence, String nativeMin, String nativeMax, String contentKeyId,
                          String envelopeJson, String digest) {
    }

    /** One app's view; {@code freshnessCertJson} and {@code rootKeyId} may be null (nothing registered). */
    public record AppView(String appId, String rootKeyId, String freshnessCertJson, List<Channel> channels,
                          Map<String, Release> releases, Map<String, String> overrides) {
        public Channel channel(String name) {
            if (name == null) {
                return null;
            }
            for (Channel c : channels) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }

        public Channel defaultFor(Platform p) {
            for (Channel c : channels) {
                if (c.defaultFor().contains(p)) {
                    return c;
                }
            }
            return null;
        }
    }

    private record Entry(AppView view, long loadedAt) {
    }

    private static final AppView UNKNOWN = new AppView(null, null, null, List.of(), Map.of(), Map.of());

    private final Database db;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    public DeviceCatalog(Database db) {
        this.db = db;
    }

    /** The app's view, or {@code null} if the app does not exist. */
    public AppView get(String appId) {
        long now = System.currentTimeMillis();
        Entry e = cache.get(appId);
        if (e != null && now - e.loadedAt < TTL_MILLIS) {
            return e.view == UNKNOWN ? null : e.view;
        }
        long gen = generation.get();
        AppView view = db.inTransaction(c -> load(c, appId));
        if (generation.get() == gen) {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(appId, new Entry(view, now));
        }
        return view == UNKNOWN ? null : view;
    }

    public void invalidate(String appId) {
        generation.incrementAndGet();
        cache.remove(appId);
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        cache.clear();
    }

    private static AppView load(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM apps WHERE id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return UNKNOWN;
                }
            }
        }
        byte[] trustJson = TrustStore.find(c, appId);
        String rootKeyId = null;
        if (trustJson != null) {
            rootKeyId = TrustRoot.parse(trustJson).rootKeyId();
        }
        String cert = FreshnessApi.find(c, appId);
        List<Channel> channels = ChannelStore.listIn(c, appId);
        Map<String, Release> releases = new HashMap<>();
        for (Channel ch : channels) {
            if (ch.bundle() != null && !releases.containsKey(ch.bundle())) {
                Release r = release(c, appId, ch.bundle());
                if (r != null) {
                    releases.put(r.version(), r);
                }
            }
        }
        Map<String, String> overrides = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT device_id, channel_override FROM devices"
                + " WHERE app_id = ? AND channel_override IS NOT NULL")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    overrides.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return new AppView(appId, rootKeyId, cert, List.copyOf(channels), Map.copyOf(releases), Map.copyOf(overrides));
    }

    private static Release release(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sequence, envelope FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String envelope = rs.getString(2);
                JsonNode release;
                try {
                    release = Json.mapper().readTree(envelope).path("release");
                } catch (IOException e) {
                    throw new SQLException("Stored envelope of " + version + " is not JSON", e);
                }
                String digest = FreshnessStatement.releaseDigest(envelope.getBytes(StandardCharsets.UTF_8));
                return new Release(version, rs.getLong(1), text(release, "nativeMin"), text(release, "nativeMax"),
                        text(release, "contentKeyId"), envelope, digest);
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
