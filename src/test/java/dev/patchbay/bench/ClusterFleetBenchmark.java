package dev.patchbay.bench;

import dev.patchbay.crypto.Ed25519;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetSummary;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.NginxProxy;
import dev.patchbay.server.RunningServer;
import dev.patchbay.server.ServerConfig;
import dev.patchbay.server.TestReleases;
import dev.patchbay.server.blobs.BlobStorage;
import dev.patchbay.server.blobs.S3ProxyServer;
import dev.patchbay.server.store.PostgresCluster;
import dev.patchbay.server.store.PostgresConfig;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * bench/cluster-fleet.sh: the production layout on one machine (docs/production.md, ADR 0118) — two server instances
 * on one PostgreSQL database (the tests' throwaway cluster) and one S3 bucket (S3Proxy), behind nginx — and a fleet of
 * headless devices updating through nginx with blobs from presigned bucket URLs. Reports wall time, devices updated,
 * the bytes nginx received from each instance (all of them, and for {@code /blobs/}), and the blob bytes the devices
 * fetched from the bucket. Arguments: {@code [devices, default 500]}.
 */
public final class ClusterFleetBenchmark {
    private ClusterFleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int threads = Math.min(64, Math.max(4, devices));
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(threads));
        }
        Path nginx = NginxProxy.binary();
        if (nginx == null) {
            throw new IllegalStateException("nginx is missing: apt-get install nginx");
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
        PostgresCluster pg = PostgresCluster.get();
        PostgresConfig db = pg.createDatabase();
        S3ProxyServer s3 = S3ProxyServer.get();
        String bucket = s3.bucket();
        Path work = Files.createTempDirectory("pb-cluster-fleet-");
        BlobStorage storage = BlobStorage.s3(s3.settings(bucket, "patchbay"));
        ServerConfig config = new ServerConfig("127.0.0.1", 0, work.resolve("data")).withDatabase(db);
        try (RunningServer a = RunningServer.start(config, storage);
             RunningServer b = RunningServer.start(config, storage);
             NginxProxy proxy = NginxProxy.start(nginx, List.of(port(a), port(b)), true)) {
            System.out.printf(Locale.ROOT, "instances: A %s, B %s (%s), nginx %s%n", a.url(), b.url(),
                    db.describe(), proxy.url);
            DeviceFixture app = new DeviceFixture(a, FleetBenchmark.APP).create().trustServer();
            app.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
            Path builtin = FleetBenchmark.site(work.resolve("sites/builtin"), "1.0.0", 2, 1);
            Path next = FleetBenchmark.site(work.resolve("sites/1.1.0"), "1.1.0", 20, 2);
            TestReleases.Sealed sealed = app.keys.sealFolder(next, work.resolve("blobs"), "1.1.0", 1);
            long t0 = System.nanoTime();
            app.publish(sealed);
            long publishMs = (System.nanoTime() - t0) / 1_000_000;
            // The channel switch is made on B: A's catalog learns it from the change feed.
            new DeviceFixture(b, FleetBenchmark.APP).patchChannel("production", "{\"bundle\":\"1.1.0\"}");
            long blobBytes = sealed.blobs().stream().mapToLong(r -> r.length()).sum();
            System.out.printf(Locale.ROOT, "bundle 1.1.0: %d blobs, %,d bytes sealed, published through A in %d ms%n",
                    sealed.blobs().size(), blobBytes, publishMs);
            UpdaterConfig updater = UpdaterConfig.builder(proxy.url, FleetBenchmark.APP,
                    Ed25519.publicKey(app.keys.rootKey), app.keys.contentKey).autoUpdate(AutoUpdate.ALWAYS).build();
            AppPackage pkg = new AppPackage(FleetBenchmark.APP, "1.0.0", 10000, builtin, updater);
            try (Fleet fleet = new Fleet(new Fleet.Options(work.resolve("devices"), devices, pkg, threads, Map.of(),
                    null, true))) {
                FleetSummary summary = fleet.run(Duration.ofMinutes(30));
                long viaProxy = 0;
                long viaBucket = 0;
                for (EmulatedDevice d : fleet.devices()) {
                    viaProxy += d.traffic().bodyBytes(proxy.url + "/blobs/");
                    viaBucket += d.traffic().bodyBytes(s3.endpoint + "/" + bucket + "/");
                }
                System.out.printf(Locale.ROOT, "fleet: %,d devices, %d threads, wall %.1f s, outcomes %s%n", devices,
                        threads, summary.wall().toMillis() / 1000.0, summary.byOutcome());
                Thread.sleep(500); // nginx writes its access log lines as requests end
                Map<String, long[]> perInstance = perUpstream(proxy.accessLog(), Map.of(
                        "127.0.0.1:" + port(a), "A", "127.0.0.1:" + port(b), "B"));
                perInstance.forEach((name, t) -> System.out.printf(Locale.ROOT, "instance %s: %,d requests, %,d bytes"
                        + " answered, blob bytes %,d%n", name, t[0], t[1], t[2]));
                System.out.printf(Locale.ROOT, "blob bytes through the instances (device side): %,d; from the"
                        + " bucket: %,d (%,d per device)%n", viaProxy, viaBucket, viaBucket / Math.max(1, devices));
                System.out.printf(Locale.ROOT, "load average at the end %.2f%n", os.getSystemLoadAverage());
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static int port(RunningServer s) {
        return URI.create(s.url()).getPort();
    }

    /** Requests, bytes answered and {@code /blobs/} bytes answered per instance, from nginx's access log. */
    static Map<String, long[]> perUpstream(Path log, Map<String, String> names) throws java.io.IOException {
        Map<String, long[]> out = new TreeMap<>();
        names.values().forEach(n -> out.put(n, new long[3]));
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            // A retried request lists every upstream it tried ("A, B"): the bytes are the last one's.
            String[] ups = f[0].split(",");
            String[] bytes = f[1].split(",");
            String name = names.get(ups[ups.length - 1].strip());
            if (name == null || bytes[bytes.length - 1].strip().equals("-")) {
                continue;
            }
            long n = Long.parseLong(bytes[bytes.length - 1].strip());
            long[] t = out.get(name);
            t[0]++;
            t[1] += n;
            if (f[f.length - 1].startsWith("/blobs/")) {
                t[2] += n;
            }
        }
        return out;
    }
}
