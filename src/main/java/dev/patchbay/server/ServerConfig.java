package dev.patchbay.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a Patchbay server listens and keeps its data.
 *
 * @param host             interface to bind, {@code 127.0.0.1} for loopback only
 * @param port             TCP port, 0 for any free port
 * @param dataDir          folder for the database, blobs, the admin key file and the freshness key
 * @param publicUrl        base URL devices reach the server at (for {@code blobUrl} in update answers), or
 *                         {@code null} to use each request's {@code Host} header
 * @param statsConcurrency most {@code POST /stats} batches stored at once; more are answered 429 (0: refuse all)
 * @param rolloutTick      how often the rollout supervisor evaluates health and plans (docs/rollouts.md §4)
 * @param healthWebhook    http(s) URL told (JSON POST) whenever a rollout's health policy acts, or {@code null}
 * @param eventRetention   how long device events (timelines) and rollout chart samples are kept (at least 1 h;
 *                         {@code null}: {@link #DEFAULT_EVENT_RETENTION})
 * @param devicesPerAddress most devices one client address counts for in a release's rollout health (ADR 0094;
 *                         0: {@link dev.patchbay.server.offers.ReleaseOffers#DEFAULT_DEVICES_PER_ADDRESS})
 * @param trustedProxies   reverse proxies whose {@code X-Forwarded-For} names the client address (ADR 0096;
 *                         {@code null}: none, the TCP peer is the client)
 * @param database         a database server to keep metadata in, which several instances may share: PostgreSQL
 *                         (ADR 0110) or H2's TCP server (ADR 0116); {@code null} for the embedded H2 file under
 *                         {@code dataDir/db}
 */
public record ServerConfig(String host, int port, Path dataDir, String publicUrl, int statsConcurrency,
                           Duration rolloutTick, String healthWebhook, Duration eventRetention, int devicesPerAddress,
                           dev.patchbay.server.http.TrustedProxies trustedProxies,
                           dev.patchbay.server.store.DatabaseTarget database) {
    /** Default of {@link #eventRetention}. */
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(90);
    /** Largest management request body accepted (JSON); bundle uploads get their own limit. */
    public static final long MAX_JSON_BODY = 1024 * 1024;
    /** Default of {@link #statsConcurrency}. */
    public static final int DEFAULT_STATS_CONCURRENCY = 16;
    /** Default of {@link #rolloutTick}. */
    public static final Duration DEFAULT_ROLLOUT_TICK = Duration.ofSeconds(10);
    /** Bounds of {@link #rolloutTick}: tests tick fast, and a supervisor that waits more than an hour is off. */
    public static final Duration MIN_ROLLOUT_TICK = Duration.ofMillis(50);
    public static final Duration MAX_ROLLOUT_TICK = Duration.ofHours(1);

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (statsConcurrency < 0) {
            throw new IllegalArgumentException("statsConcurrency must not be negative");
        }
        rolloutTick = rolloutTick == null ? DEFAULT_ROLLOUT_TICK : rolloutTick;
        if (rolloutTick.compareTo(MIN_ROLLOUT_TICK) < 0 || rolloutTick.compareTo(MAX_ROLLOUT_TICK) > 0) {
            throw new IllegalArgumentException("the rollout tick must be between 50 ms and 1 h, not " + rolloutTick);
        }
        eventRetention = eventRetention == null ? DEFAULT_EVENT_RETENTION : eventRetention;
        trustedProxies = trustedProxies == null ? dev.patchbay.server.http.TrustedProxies.NONE : trustedProxies;
        if (devicesPerAddress < 0) {
            throw new IllegalArgumentException("devicesPerAddress must not be negative");
        }
        devicesPerAddress = devicesPerAddress == 0
                ? dev.patchbay.server.offers.ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS : devicesPerAddress;
        if (eventRetention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("the event retention must be at least 1 h, not " + eventRetention);
        }
        if (healthWebhook != null) {
            dev.patchbay.server.rollouts.HealthWebhook.to(healthWebhook); // refuses a bad URL here, at start
        }
        if (publicUrl != null) {
            if (!publicUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
                throw new IllegalArgumentException("publicUrl must be an http(s) URL such as https://updates.example.com,"
                        + " not " + publicUrl);
            }
            publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        }
    }

    public ServerConfig(String host, int port, Path dataDir) {
        this(host, port, dataDir, null, DEFAULT_STATS_CONCURRENCY, DEFAULT_ROLLOUT_TICK, null, null, 0, null, null);
    }

    public ServerConfig withPublicUrl(String url) {
        return new ServerConfig(host, port, dataDir, url, statsConcurrency, rolloutTick, healthWebhook,
                eventRetention, devicesPerAddress, trustedProxies, database);
    }

    public ServerConfig withStatsConcurrency(int n) {
        return new ServerConfig(host, port, dataDir, publicUrl, n, rolloutTick, healthWebhook,
                eventRetention, devicesPerAddress, trustedProxies, database);
    }

    public ServerConfig withRolloutTick(Duration tick) {
        return new ServerConfig(host, port, dataDir, publicUrl, statsConcurrency, tick, healthWebhook,
                eventRetention, devicesPerAddress, trustedProxies, database);
    }

    public ServerConfig withHealthWebhook(String url) {
        return new ServerConfig(host, port, dataDir, publicUrl, statsConcurrency, rolloutTick, url,
                eventRetention, devicesPerAddress, trustedProxies, database);
    }

    public ServerConfig withEventRetention(Duration keep) {
        return new ServerConfig(host, port, dataDir, publicUrl, statsConcurrency, rolloutTick, healthWebhook,
                keep, devicesPerAddress, trustedProxies, database);
    }

    public ServerConfig withDevicesPerAddress(int n) {
        return new ServerConfig(host, port, dataDir, publicUrl, statsConcurrency, rolloutTick, healthWebhook,
                eventRetention, n, trustedProxies, database);
    }

    /**
     * On the database server at {@code jdbcUrl} (PostgreSQL with the user and password in the URL, or H2's TCP
     * server; null: the embedded file); see {@link #database}.
     */
    public ServerConfig withDatabase(String jdbcUrl) {
        try {
            return withDatabase(jdbcUrl == null ? null
                    : dev.patchbay.server.store.DatabaseTarget.parse(jdbcUrl, java.util.Map.of(), null));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ServerConfig withTrustedProxies(dev.patchbay.server.http.TrustedProxies proxies) {
        return new ServerConfig(host, port, dataDir, publicUrl, statsConcurrency, rolloutTick, healthWebhook,
                eventRetention, devicesPerAddress, proxies, database);
    }

    /** With metadata in that database server ({@code null}: the embedded H2 database). */
    public ServerConfig withDatabase(dev.patchbay.server.store.DatabaseTarget target) {
        return new ServerConfig(host, port, dataDir, publicUrl, statsConcurrency, rolloutTick, healthWebhook,
                eventRetention, devicesPerAddress, trustedProxies, target);
    }
}
