package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.channels.ChannelStore;
import dev.patchbay.server.freshness.FreshnessApi;
import dev.patchbay.server.rollouts.RolloutService;
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
 * counter keeps a load that raced a write from being cached. Entries also expire after {@link #TTL_MILLIS} and are then
 * replaced in the background while still answered (ADR 0126).
 */
public final class DeviceCatalog {
    static final long TTL_MILLIS = 60_000;

    /** The change cursor every device row writer of this database goes through (rollouts §6). */
    private final DeviceChangeLog changes = new DeviceChangeLog();

    /** The change cursor every device row writer of this database goes through (rollouts §6). */
    public DeviceChangeLog changes() {
        return changes;
    }


    /**
     * A served release: what the rules need and the envelope as sent; {@code manifestSha256} names its content (the
     * same-content rule, docs/rollouts.md §2).
     */
    public record Release(String version, long sequence, String nativeMin, String nativeMax, String contentKeyId,
                          String envelopeJson, String digest, String manifestSha256) {
    }

    /**
     * One app's view; {@code freshnessCertJson} and {@code rootKeyId} may be null (nothing registered).
     * {@code releases} holds what the channels serve and what their active rollouts need (stable, target, rollback);
     * {@code rollouts} the active rollout of each channel that has one; {@code manifests} the manifest SHA-256 of
     * every bundle of the app by version; {@code rolledBack} by the target bundle of each active rollout, the devices
     * that rolled it back (they get the stable bundle, docs/rollouts.md §2).
     */
    public record AppView(String appId, String rootKeyId, String freshnessCertJson, List<Channel> channels,
                          Map<String, Release> releases, Map<String, String> overrides, Map<String, Rollout> rollouts,
                          Map<String, String> manifests, Map<String, java.util.Set<String>> rolledBack) {
        public AppView(String appId, String rootKeyId, String freshnessCertJson, List<Channel> channels,
                       Map<String, Release> releases, Map<String, String> overrides, Map<String, Rollout> rollouts,
                       Map<String, String> manifests) {
            this(appId, rootKeyId, freshnessCertJson, channels, releases, overrides, rollouts, manifests, Map.of());
        }

        /** Whether {@code deviceId} rolled back {@code bundle}, the target of an active rollout. */
        public boolean rolledBack(String bundle, String deviceId) {
            java.util.Set<String> devices = rolledBack.get(bundle);
            return devices != null && devices.contains(deviceId);
        }

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

    private static final AppView UNKNOWN = new AppView(null, null, null, List.of(), Map.of(), Map.of(), Map.of(),
            Map.of());

    private final Database db;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Flight> loading = new ConcurrentHashMap<>();
    private final java.util.Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final AtomicLong loads = new AtomicLong();
    private volatile Runnable beforeLoad = () -> { };
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeviceCatalog.class);
    /** Replaces expired entries off the request threads (one daemon thread for every catalog of the process). */
    private static final java.util.concurrent.ExecutorService REFRESHER =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "patchbay-catalog-refresh");
                t.setDaemon(true);
                return t;
            });
    /** Manifest SHA-256 by app, version, sequence and publication time (bundles are immutable). */
    private final Map<String, String> manifestCache = new ConcurrentHashMap<>();

    public DeviceCatalog(Database db) {
        this.db = db;
    }

    /** The app's view, or {@code null} if the app does not exist. */
    public AppView get(String appId) {
        return get(appId, System.currentTimeMillis());
    }

    /**
     * {@link #get(String)} at {@code now}. An entry older than {@link #TTL_MILLIS} (a safety net: writes invalidate)
     * is still answered while one background load replaces it, up to twice the TTL (ADR 0126): a check never waits
     * for the database because a minute passed, and the request threads of a busy server do not all reload the app
     * at once. A missing or invalidated entry is loaded by the request, one load per app and generation at a time.
     */
    AppView get(String appId, long now) {
        Entry e = cache.get(appId);
        if (e != null) {
            long age = now - e.loadedAt;
            if (age < TTL_MILLIS) {
                return e.view == UNKNOWN ? null : e.view;
            }
            if (age < 2 * TTL_MILLIS) {
                if (refreshing.add(appId)) {
                    try {
                        REFRESHER.execute(() -> {
                            try {
                                loadShared(appId);
                            } catch (RuntimeException ex) {
                                LOG.debug("Refreshing the catalog of {} failed: {}", appId, ex.toString());
                            } finally {
                                refreshing.remove(appId);
                            }
                        });
                    } catch (java.util.concurrent.RejectedExecutionException ex) {
                        refreshing.remove(appId);
                    }
                }
                return e.view == UNKNOWN ? null : e.view;
            }
        }
        return loadShared(appId);
    }

    /** A load in flight and the generation it started at (a load started before a write is not joined after it). */
    private record Flight(long generation, java.util.concurrent.CompletableFuture<AppView> view) {
    }

    private AppView loadShared(String appId) {
        long gen = generation.get();
        Flight mine = new Flight(gen, new java.util.concurrent.CompletableFuture<>());
        Flight running = loading.putIfAbsent(appId, mine);
        if (running != null && running.generation() == gen) {
            try {
                AppView view = running.view().join();
                return view == UNKNOWN ? null : view;
            } catch (java.util.concurrent.CompletionException ex) {
                if (ex.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw ex;
            }
        }
        if (running != null) {
            loading.put(appId, mine); // the one in flight started before a write: later callers join this one
        }
        try {
            long now = System.currentTimeMillis();
            loads.incrementAndGet();
            beforeLoad.run();
            AppView view = db.inTransaction(c -> load(c, appId));
            if (generation.get() == gen) {
                if (cache.size() > 10_000) {
                    cache.clear();
                }
                cache.put(appId, new Entry(view, now));
            }
            mine.view().complete(view);
            return view == UNKNOWN ? null : view;
        } catch (RuntimeException ex) {
            mine.view().completeExceptionally(ex);
            throw ex;
        } finally {
            loading.remove(appId, mine);
        }
    }

    /** Loads from the database so far (tests). */
    long loads() {
        return loads.get();
    }

    /** Runs before each load (tests: holds a load to see who waits for it). */
    void beforeLoad(Runnable hook) {
        this.beforeLoad = hook;
    }

    public void invalidate(String appId) {
        generation.incrementAndGet();
        cache.remove(appId);
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        cache.clear();
    }

    private AppView load(Connection c, String appId) throws SQLException {
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
        Map<String, Rollout> rollouts = RolloutService.activeIn(c, appId);
        java.util.Set<String> needed = new java.util.HashSet<>();
        for (Channel ch : channels) {
            if (ch.bundle() != null) {
                needed.add(ch.bundle());
            }
        }
        for (Rollout r : rollouts.values()) {
            needed.add(r.targetBundle());
            if (r.stableBundle() != null) {
                needed.add(r.stableBundle());
            }
            if (r.rollbackBundle() != null) {
                needed.add(r.rollbackBundle());
            }
        }
        Map<String, Release> releases = new HashMap<>();
        Map<String, String> manifests = new HashMap<>();
        // Bundles never change once published: their manifest digests are remembered across reloads, so a reload
        // reads only the envelopes it serves and those of bundles new since the last one.
        List<String[]> wanted = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version, sequence, published_at FROM bundles WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String version = rs.getString(1);
                    String key = appId + "\n" + version + "\n" + rs.getLong(2) + "\n"
                            + Database.instant(rs.getObject(3)).toEpochMilli();
                    String manifest = manifestCache.get(key);
                    if (manifest != null) {
                        manifests.put(version, manifest);
                    }
                    if (manifest == null || needed.contains(version)) {
                        wanted.add(new String[] {version, key});
                    }
                }
            }
        }
        if (manifestCache.size() > 100_000) {
            manifestCache.clear();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sequence, envelope FROM bundles WHERE app_id = ? AND version = ?")) {
            for (String[] w : wanted) {
                String version = w[0];
                ps.setString(1, appId);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    String envelope = rs.getString(2);
                    JsonNode release;
                    try {
                        release = Json.mapper().readTree(envelope).path("release");
                    } catch (IOException e) {
                        throw new SQLException("Stored envelope of " + version + " is not JSON", e);
                    }
                    String manifest = text(release.path("manifest"), "sha256");
                    if (manifest != null) {
                        manifests.put(version, manifest);
                        manifestCache.put(w[1], manifest);
                    }
                    if (needed.contains(version)) {
                        String digest = FreshnessStatement.releaseDigest(envelope.getBytes(StandardCharsets.UTF_8));
                        releases.put(version, new Release(version, rs.getLong(1), text(release, "nativeMin"),
                                text(release, "nativeMax"), text(release, "contentKeyId"), envelope, digest, manifest));
                    }
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
        Map<String, java.util.Set<String>> rolledBack = new HashMap<>();
        for (Rollout r : rollouts.values()) {
            if (!rolledBack.containsKey(r.targetBundle())) {
                rolledBack.put(r.targetBundle(), java.util.Set.copyOf(DeviceStore.rolledBack(c, appId, r.targetBundle())));
            }
        }
        return new AppView(appId, rootKeyId, cert, List.copyOf(channels), Map.copyOf(releases), Map.copyOf(overrides),
                Map.copyOf(rollouts), Map.copyOf(manifests), Map.copyOf(rolledBack));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
