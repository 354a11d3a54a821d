package dev.patchbay.cli;

import dev.patchbay.domain.Version;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a Patchbay update server until stopped (Ctrl+C or SIGTERM).")
final class ServeCommand implements Callable<Integer> {
    private final Cli.Context context;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host;

    @Option(names = "--port", defaultValue = "7300", paramLabel = "N", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Folder for the database, bundles and the admin API key (created if missing)")
    Path dataDir;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL devices reach this server at, for the blob URLs of update answers (default: the"
                    + " Host each device used)")
    String publicUrl;

    @Option(names = "--rollout-tick", defaultValue = "10s", paramLabel = "DURATION",
            description = "How often the rollout supervisor checks health and advances staged plans, e.g. 10s, 500ms,"
                    + " 1m (default: ${DEFAULT-VALUE})")
    String rolloutTick;

    @Option(names = "--health-webhook", paramLabel = "URL",
            description = "http(s) URL to POST a JSON notice to whenever a rollout's health policy pauses, rolls back"
                    + " or notifies (docs/rollouts.md section 4)")
    String healthWebhook;

    @Option(names = "--event-retention", defaultValue = "90d", paramLabel = "DURATION",
            description = "How long device events (timelines) and rollout chart samples are kept, e.g. 30d, 2160h"
                    + " (at least 1h; default: ${DEFAULT-VALUE}); pruned hourly")
    String eventRetention;

    @Option(names = "--health-devices-per-address", defaultValue = "50", paramLabel = "N",
            description = "Most devices one client address counts for in a release's rollout health (default:"
                    + " ${DEFAULT-VALUE}); raise it when devices reach the server through one proxy or NAT"
                    + " (docs/rollouts.md section 4.1)")
    int devicesPerAddress;

    @Option(names = "--trusted-proxy", paramLabel = "CIDR[,CIDR]",
            description = "Reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For names"
                    + " the client address; the rightmost hop that is not a trusted proxy is the client (default: none,"
                    + " the TCP peer is the client; docs/api.md \"Client address\")")
    String trustedProxy;

    @Option(names = "--blobs", paramLabel = "LOCATION",
            description = "Where bundle blobs are stored: s3://BUCKET[/PREFIX] for an S3-compatible bucket (default:"
                    + " DIR/blobs in the data folder; docs/storage.md)")
    String blobs;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "The S3 API's URL, e.g. http://127.0.0.1:9000 or https://s3.eu-central-1.amazonaws.com"
                    + " (default: AWS's endpoint of the region)")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "Signing region (default: us-east-1)")
    String s3Region;

    @Option(names = "--s3-path-style", description = "Address the bucket as URL/BUCKET/key instead of BUCKET.host"
            + " (most self-hosted S3 servers)")
    boolean s3PathStyle;

    @Option(names = "--s3-profile", paramLabel = "NAME",
            description = "Profile of the AWS config/credentials files (default: AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, then AWS_PROFILE)")
    String s3Profile;

    @Option(names = "--blob-public-url", paramLabel = "URL",
            description = "URL devices download blobs under (a CDN in front of the bucket): URL/<sha256>, or a"
                    + " template with {sha256} (default: presigned URLs of the bucket)")
    String blobPublicUrl;

    @Option(names = "--blob-url-expiry", defaultValue = "1h", paramLabel = "DURATION",
            description = "Validity of presigned blob URLs, 5m to 7d (default: ${DEFAULT-VALUE})")
    String blobUrlExpiry;
    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "Keep the server's metadata in a database server that several instances may share:"
                    + " jdbc:postgresql://HOST[:PORT]/DATABASE, with ?user=&password= in the URL, --db-password-file,"
                    + " or PGUSER/PGPASSWORD; or H2's jdbc:h2:tcp://HOST:PORT/NAME (default: an embedded H2 database"
                    + " in the data folder; docs/cli.md \"serve\", docs/production.md)")
    String db;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "File whose first line is the PostgreSQL password (with --db)")
    Path dbPasswordFile;

    @Option(names = "--db-pool-size", paramLabel = "N",
            description = "Most connections this instance opens to the --db server, 4 to 500 (default: 20); the"
                    + " database must allow N per instance plus its other clients")
    Integer dbPoolSize;

    @Option(names = "--db-timeout", paramLabel = "DURATION",
            description = "How long connecting to the --db server, or waiting for a free pooled connection, may take"
                    + " before the request fails with 503, 1s to 5m (default: 5s)")
    String dbTimeout;

    ServeCommand(Cli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CliException("--port must be between 0 and 65535, not " + port);
        }
        ServerConfig config;
        try {
            config = new ServerConfig(host, port, dataDir.toAbsolutePath().normalize()).withPublicUrl(publicUrl);
        } catch (IllegalArgumentException e) {
            throw new CliException("--public-url: " + e.getMessage());
        }
        try {
            config = config.withRolloutTick(tick(rolloutTick));
        } catch (IllegalArgumentException e) {
            throw new CliException("--rollout-tick: " + e.getMessage());
        }
        try {
            config = config.withEventRetention(tick(eventRetention));
        } catch (IllegalArgumentException e) {
            throw new CliException("--event-retention: " + e.getMessage());
        }
        try {
            config = config.withHealthWebhook(healthWebhook);
        } catch (IllegalArgumentException e) {
            throw new CliException("--health-webhook: " + e.getMessage());
        }
        if (devicesPerAddress < 1) {
            throw new CliException("--health-devices-per-address must be at least 1, not " + devicesPerAddress);
        }
        config = config.withDevicesPerAddress(devicesPerAddress);
        try {
            config = config.withTrustedProxies(dev.patchbay.server.http.TrustedProxies.parse(trustedProxy));
        } catch (IllegalArgumentException e) {
            throw new CliException("--trusted-proxy: " + e.getMessage());
        }
        if (db != null) {
            try {
                config = config.withDatabase(dev.patchbay.server.store.DatabaseTarget.parse(db, context.env(),
                        dbPasswordFile));
            } catch (IllegalArgumentException e) {
                throw new CliException("--db: " + e.getMessage());
            }
            config = config.withDatabase(config.database().withPool(pool()));
        } else if (dbPasswordFile != null) {
            throw new CliException("--db-password-file needs --db (the embedded H2 database has no password)");
        } else if (dbPoolSize != null || dbTimeout != null) {
            throw new CliException("--db-pool-size and --db-timeout need --db (the embedded H2 database has no"
                    + " connection pool to size)");
        }
        PatchbayServer server = PatchbayServer.start(config, blobStorage());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "patchbay-shutdown"));
        context.out().println("Patchbay server " + Version.current() + " listening on " + server.url());
        context.out().println("Data folder: " + server.dataDir());
        if (config.database() != null) {
            context.out().println("Database: " + config.database().describe());
        }
        if (server.createdAdminKey()) {
            context.out().println("Created an admin API key in " + server.adminApiKeyFile() + " (readable only by you)");
        } else {
            context.out().println("Admin API key: " + server.adminApiKeyFile());
        }
        context.out().println("Java heap cap: " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        String heapWarning = heapWarning(Runtime.getRuntime().maxMemory(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (heapWarning != null) {
            context.err().println(heapWarning);
        }
        context.out().flush();
        stopped.await();
        return 0;
    }

    /** The connection pool {@code --db-pool-size} and {@code --db-timeout} ask for (ADR 0118). */
    dev.patchbay.server.store.DatabasePool pool() {
        dev.patchbay.server.store.DatabasePool d = dev.patchbay.server.store.DatabasePool.DEFAULT;
        int size = dbPoolSize == null ? d.size() : dbPoolSize;
        java.time.Duration timeout;
        try {
            timeout = dbTimeout == null ? d.timeout() : tick(dbTimeout);
        } catch (IllegalArgumentException e) {
            throw new CliException("--db-timeout: " + e.getMessage());
        }
        try {
            return new dev.patchbay.server.store.DatabasePool(size, timeout);
        } catch (IllegalArgumentException e) {
            throw new CliException((dbPoolSize != null && (size < dev.patchbay.server.store.DatabasePool.MIN_SIZE
                    || size > dev.patchbay.server.store.DatabasePool.MAX_SIZE) ? "--db-pool-size: " : "--db-timeout: ")
                    + e.getMessage());
        }
    }

    /** The blob store the options name (ADR 0112). */
    dev.patchbay.server.blobs.BlobStorage blobStorage() {
        if (blobs == null) {
            if (s3Endpoint != null || s3Region != null || s3PathStyle || s3Profile != null || blobPublicUrl != null) {
                throw new CliException("--s3-endpoint, --s3-region, --s3-path-style, --s3-profile and"
                        + " --blob-public-url need --blobs s3://BUCKET[/PREFIX]");
            }
            return dev.patchbay.server.blobs.BlobStorage.local();
        }
        dev.patchbay.server.blobs.S3Settings s3;
        try {
            s3 = dev.patchbay.server.blobs.S3Settings.parse(blobs);
        } catch (IllegalArgumentException e) {
            throw new CliException("--blobs: " + e.getMessage());
        }
        try {
            s3 = s3.withEndpoint(s3Endpoint);
        } catch (IllegalArgumentException e) {
            throw new CliException("--s3-endpoint: " + e.getMessage());
        }
        try {
            s3 = s3.withRegion(s3Region).withPathStyle(s3PathStyle).withProfile(s3Profile);
        } catch (IllegalArgumentException e) {
            throw new CliException("--s3-region: " + e.getMessage());
        }
        try {
            s3 = s3.withPublicUrl(blobPublicUrl);
        } catch (IllegalArgumentException e) {
            throw new CliException("--blob-public-url: " + e.getMessage());
        }
        try {
            s3 = s3.withUrlExpiry(tick(blobUrlExpiry));
        } catch (IllegalArgumentException e) {
            throw new CliException("--blob-url-expiry: " + e.getMessage());
        }
        // Keys from this command's environment (the SDK's own chain reads the process's, which tests cannot set).
        java.util.Map<String, String> env = context.env();
        String keyId = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (s3Profile == null && keyId != null && !keyId.isBlank()) {
            if (secret == null || secret.isBlank()) {
                throw new CliException("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
            }
            s3 = s3.withKeys(new dev.patchbay.server.blobs.S3Settings.Keys(keyId, secret,
                    env.get("AWS_SESSION_TOKEN")));
        }
        return dev.patchbay.server.blobs.BlobStorage.s3(s3);
    }

    /** Heap caps above this without an explicit {@code -Xmx} get a warning at start (ADR 0093). */
    static final long UNCAPPED_HEAP = 2L * 1024 * 1024 * 1024;

    /**
     * A warning when the JVM runs with its default heap cap (a quarter of the machine) and that is large: the server
     * then grows far past what it needs before collecting. {@code null} when the heap is capped.
     */
    static String heapWarning(long maxHeap, java.util.List<String> jvmArguments) {
        boolean explicit = jvmArguments.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize")
                || a.startsWith("-XX:MaxRAM"));
        if (explicit || maxHeap <= UNCAPPED_HEAP) {
            return null;
        }
        return "Warning: the Java heap is not capped (" + maxHeap / (1024 * 1024) + " MiB allowed); start the server"
                + " with -Xmx512m (see docs/packaging.md, \"Server memory\") so it does not grow to that size";
    }

    /** 500ms, 10s, 1m, 1h or an ISO-8601 duration (PT10S). */
    static Duration tick(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|min|h|d)").matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m", "min" -> Duration.ofMinutes(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration like 10s, 500ms, 1m or 30d");
        }
    }
}
