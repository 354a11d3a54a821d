package dev.patchbay.server;

import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.audit.AuditApi;
import dev.patchbay.server.auth.AdminKeyFile;
import dev.patchbay.server.auth.ApiKeys;
import dev.patchbay.server.auth.ApiKeysApi;
import dev.patchbay.server.auth.Authorization;
import dev.patchbay.server.blobs.BlobStorage;
import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.bundles.BundleStore;
import dev.patchbay.server.bundles.Uploads;
import dev.patchbay.server.bundles.BundleDeletion;
import dev.patchbay.server.bundles.BundleRetention;
import dev.patchbay.server.bundles.BundleRetentionApi;
import dev.patchbay.server.bundles.UploadsApi;
import dev.patchbay.server.channels.ChannelStore;
import dev.patchbay.server.channels.ChannelsApi;
import dev.patchbay.server.compat.capgo.CapgoCompat;
import dev.patchbay.server.devices.BlobsApi;
import dev.patchbay.server.devices.ChannelSelfApi;
import dev.patchbay.server.devices.DeviceCatalog;
import dev.patchbay.server.devices.DeviceDecisions;
import dev.patchbay.server.devices.DeviceRecorder;
import dev.patchbay.server.devices.DevicesApi;
import dev.patchbay.server.devices.EventRetention;
import dev.patchbay.server.devices.StatsApi;
import dev.patchbay.server.devices.UpdatesApi;
import dev.patchbay.server.freshness.FreshnessApi;
import dev.patchbay.server.freshness.FreshnessKey;
import dev.patchbay.server.http.JsonErrorHandler;
import dev.patchbay.server.http.JsonHandler;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.offers.ReleaseOffers;
import dev.patchbay.server.rollouts.HealthWebhook;
import dev.patchbay.server.rollouts.RolloutSeriesApi;
import dev.patchbay.server.rollouts.RolloutService;
import dev.patchbay.server.overview.OverviewApi;
import dev.patchbay.server.rollouts.RolloutSupervisor;
import dev.patchbay.server.rollouts.RolloutsApi;
import dev.patchbay.server.store.DataDirLock;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.store.StorageHealth;
import dev.patchbay.server.trust.CryptoSignatures;
import dev.patchbay.server.trust.TrustApi;
import dev.patchbay.server.trust.TrustStore;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Patchbay update server: the management API and the device protocol (docs/device-protocol.md). Used by
 * {@code patchbay serve} and, in-process, by the console's Local sandbox.
 */
public final class PatchbayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PatchbayServer.class);

    private final Server jetty;
    private final Database db;
    private final DeviceRecorder recorder;
    private final DataDirLock lock;
    private final ServerConfig config;
    private final boolean createdAdminKey;
    private final int port;
    private RolloutSupervisor supervisor;
    private EventRetention retention;
    private dev.patchbay.server.cluster.Cluster cluster;
    private BlobStore blobs;

    private PatchbayServer(Server jetty, Database db, DeviceRecorder recorder, DataDirLock lock, ServerConfig config,
                           boolean createdAdminKey) {
        this.jetty = jetty;
        this.db = db;
        this.recorder = recorder;
        this.lock = lock;
        this.config = config;
        this.createdAdminKey = createdAdminKey;
        this.port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /**
     * Opens the data folder (creating it and the schema if needed), makes sure an admin key file exists, and starts
     * listening. Fails with a readable {@link IOException} if the port is taken or the folder is in use.
     */
    public static PatchbayServer start(ServerConfig config) throws IOException {
        // Millisecond ticks: what is answered equals what the database (microsecond columns) gives back later.
        return start(config, Clock.tick(Clock.systemUTC(), Duration.ofMillis(1)));
    }

    /** With blobs in {@code storage} (the data folder or an S3-compatible bucket, ADR 0112). */
    public static PatchbayServer start(ServerConfig config, BlobStorage storage) throws IOException {
        return start(config, storage, Clock.tick(Clock.systemUTC(), Duration.ofMillis(1)));
    }

    /** With another clock (tests: upload expiry). */
    static PatchbayServer start(ServerConfig config, Clock clock) throws IOException {
        return start(config, BlobStorage.local(), clock);
    }

    static PatchbayServer start(ServerConfig config, BlobStorage storage, Clock clock) throws IOException {
        Files.createDirectories(config.dataDir());
        // On a database server (PostgreSQL or H2's TCP server) several instances may share the data folder too: the
        // lock guards only the embedded database file (ADR 0116, ADR 0118).
        boolean shared = config.database() != null;
        DataDirLock lock = shared ? null : DataDirLock.acquire(config.dataDir());
        Database db;
        try {
            List<Path> blobFolder = storage.isLocal() ? List.of(BlobStorage.localFolder(config.dataDir())) : List.of();
            List<Path> probed = new java.util.ArrayList<>(blobFolder);
            if (config.database() == null) {
                probed.add(0, config.dataDir().resolve("db"));
            }
            db = config.database() != null ? Database.open(config.database(), new StorageHealth(probed, Clock.systemUTC()))
                    : Database.openH2(config.dataDir().resolve("db"), new StorageHealth(probed, Clock.systemUTC()));
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        DeviceRecorder recorder = null;
        dev.patchbay.server.cluster.Cluster cluster = null;
        BlobStore blobs = null;
        try {
            ApiKeys keys = new ApiKeys(db, clock);
            boolean created = AdminKeyFile.ensure(keys, config.dataDir(), shared);
            FreshnessKey freshnessKey = FreshnessKey.loadOrCreate(config.dataDir());
            blobs = storage.open(config.dataDir());
            Uploads uploads = new Uploads(db, clock, blobs, new CryptoSignatures(clock));
            // On a shared database the pass holds the instances' blob lock (ADR 0118), so it never deletes a blob a
            // session of another instance is being created or committed with.
            uploads.sweep();
            DeviceCatalog catalog = new DeviceCatalog(db);
            catalog.changes().shared(shared);
            cluster = new dev.patchbay.server.cluster.Cluster(db, catalog::invalidate, catalog::invalidateAll,
                    () -> catalog.changes().sample(db)).start();
            recorder = new DeviceRecorder(db, catalog.changes())
                    .withOffers(new ReleaseOffers(config.devicesPerAddress()));
            String[] url = {null};
            Devices devices = new Devices(freshnessKey, catalog, recorder, config.publicUrl(),
                    () -> url[0], config.statsConcurrency());
            Router router = routes(db, clock, blobs, uploads, devices, keys, AdminKeyFile.in(config.dataDir()));
            Server jetty = jetty(config, new JsonHandler(router, keys, ServerConfig.MAX_JSON_BODY, db.health())
                    .trusting(config.trustedProxies()));
            try {
                jetty.start();
            } catch (Exception e) {
                stopQuietly(jetty);
                if (e instanceof BindException || e.getCause() instanceof BindException) {
                    throw new IOException("Port " + config.port() + " on " + config.host() + " is already in use", e);
                }
                throw new IOException("Cannot start the HTTP server: " + e.getMessage(), e);
            }
            PatchbayServer server = new PatchbayServer(jetty, db, recorder, lock, config, created);
            server.cluster = cluster;
            server.blobs = blobs;
            // The supervisor's verbs go through their own service instance, which drops the device cache like the API's.
            // Only the leader's scheduled ticks run (ADR 0117).
            DeviceRecorder flushed = recorder;
            dev.patchbay.server.cluster.Cluster leader = cluster;
            server.supervisor = new RolloutSupervisor(db, new RolloutService(db, clock, new CryptoSignatures(clock),
                    blobs).onChange(devices.catalog()::invalidate), clock, flushed::flush)
                    .withWebhook(config.healthWebhook() == null ? HealthWebhook.none()
                            : HealthWebhook.to(config.healthWebhook()))
                    .withLeadership(leader::leader)
                    .start(config.rolloutTick());
            server.retention = new EventRetention(db, clock, config.eventRetention())
                    .withLeadership(leader::leader)
                    .start(Duration.ofMinutes(1), Duration.ofHours(1));
            url[0] = server.url();
            LOG.info("Patchbay server listening on {} (data: {}, blobs: {}{})", server.url(), config.dataDir(),
                    storage.describe(config.dataDir()),
                    config.database() == null ? "" : ", database: " + config.database().describe());
            return server;
        } catch (IOException | RuntimeException e) {
            if (recorder != null) {
                recorder.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (blobs != null) {
                blobs.close();
            }
            db.close();
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    /** The device-protocol parts the routes need. */
    record Devices(FreshnessKey key, DeviceCatalog catalog, DeviceRecorder recorder, String publicUrl,
                   java.util.function.Supplier<String> serverUrl, int statsConcurrency) {
    }

    /** The route table without storage behind it (to list and document the routes). */
    static Router routes(Database db, Clock clock) {
        return routes(db, clock, null, new Uploads(db, clock, null, null),
                new Devices(null, new DeviceCatalog(db), null, null, () -> null, 1), new ApiKeys(db, clock), null);
    }

    static Router routes(Database db, Clock clock, BlobStore blobs, Uploads uploads, Devices devices, ApiKeys keys,
                         Path adminKeyFile) {
        Router router = new Router();
        new HealthApi(db == null ? null : db.health()).register(router);
        new AppsApi(new AppStore(db, clock).onDelete(uploads::beforeAppDelete)).register(router);
        new ChannelsApi(new ChannelStore(db, clock)).register(router);
        new TrustApi(new TrustStore(db, clock), new CryptoSignatures(clock)).register(router);
        BundleDeletion deletion = new BundleDeletion(db, uploads, clock);
        BundleRetention retention = new BundleRetention(db, deletion, clock, () -> {
            if (devices.recorder() != null) {
                devices.recorder().flush();
            }
        });
        new UploadsApi(uploads, new BundleStore(db), blobs).withDeletion(deletion).withRetention(retention)
                .register(router);
        new BundleRetentionApi(retention).register(router);
        new FreshnessApi(db, clock, devices.key()).register(router);
        new DevicesApi(db, clock, devices.recorder(), devices.catalog()).register(router);
        new UpdatesApi(devices.catalog(), devices.recorder(), devices.key(), clock, devices.publicUrl(),
                devices.serverUrl()).withDirectLinks(blobs == null ? null : blobs.directLinks()).register(router);
        new StatsApi(db, clock, devices.catalog(), devices.recorder(), devices.statsConcurrency()).register(router);
        new ChannelSelfApi(devices.catalog()).register(router);
        new BlobsApi(db, blobs).register(router);
        new RolloutSeriesApi(db, clock).register(router);
        new AuditApi(db).register(router);
        new OverviewApi(db, clock, devices.recorder()).register(router);
        new RolloutsApi(new RolloutService(db, clock, new CryptoSignatures(clock), blobs)
                .onChange(devices.catalog()::invalidate)).register(router);
        new ApiKeysApi(keys, adminKeyFile).register(router);
        CapgoCompat.register(router, db, clock, blobs, new DeviceDecisions(db, clock, devices.catalog(),
                devices.recorder()), devices.publicUrl(), devices.serverUrl(), devices.statsConcurrency());
        invalidateOnWrites(router, db, devices.catalog());
        // Last, so the role and app-scope check runs before everything else a route does.
        Authorization.enforce(router);
        return router;
    }

    /**
     * Every management write ends by dropping what the device endpoints cache about the app it touched (all apps for
     * writes outside {@code /api/v1/apps/{appId}}), so the next update check sees it. Every transaction of the write
     * also appends its topic to the change feed, so the other instances on the same database drop it too (ADR 0116).
     */
    private static void invalidateOnWrites(Router router, Database db, DeviceCatalog catalog) {
        router.decorate(route -> {
            if (route.open() || route.method().equals("GET") || route.method().equals("HEAD")
                    || !route.template().startsWith("/api/v1/")) {
                return route;
            }
            Router.Handler inner = route.handler();
            return new Router.Route(route.method(), route.template(), route.open(), route.streaming(), route.maxBody(),
                    r -> {
                        try {
                            return db == null ? inner.handle(r)
                                    : db.noting(dev.patchbay.server.cluster.ChangeFeed.topic(r.pathParam("appId")),
                                            () -> inner.handle(r));
                        } finally {
                            String app = r.pathParam("appId");
                            if (app != null) {
                                catalog.invalidate(app);
                            } else {
                                catalog.invalidateAll();
                            }
                        }
                    });
        });
    }

    private static Server jetty(ServerConfig config, JsonHandler handler) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("patchbay-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        server.addConnector(connector);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        // Management calls are short; waiting for idle keep-alive threads only delays shutdown by a second.
        server.setStopTimeout(0);
        return server;
    }

    /** The port bound at start (still answered after {@link #close()}, e.g. to show where the server was). */
    public int port() {
        return port;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:7300}. */
    public String url() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    /** The retention job (tests prune with their own clock). */
    EventRetention retention() {
        return retention;
    }

    /** The rollout supervisor (tests drive its ticks with their own clock). */
    RolloutSupervisor supervisor() {
        return supervisor;
    }

    /** How this instance takes part among instances sharing its database (tests). */
    dev.patchbay.server.cluster.Cluster cluster() {
        return cluster;
    }

    /** Writes the update checks' pending state now (tests read offers and timelines right after a check). */
    void flushDevices() {
        recorder.flush();
    }

    /** The metadata store (tests read the audit log and history rows). */
    Database database() {
        return db;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public Path adminApiKeyFile() {
        return AdminKeyFile.in(config.dataDir());
    }

    /** Whether this start created the admin key file (first start, or the file was missing). */
    public boolean createdAdminKey() {
        return createdAdminKey;
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
        }
        if (retention != null) {
            retention.close();
        }
        stopQuietly(jetty);
        recorder.close();
        if (cluster != null) {
            cluster.close();
        }
        if (blobs != null) {
            blobs.close();
        }
        db.close();
        if (lock != null) {
            lock.close();
        }
        LOG.info("Patchbay server stopped");
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("Error while stopping the HTTP server", e);
        }
    }
}
