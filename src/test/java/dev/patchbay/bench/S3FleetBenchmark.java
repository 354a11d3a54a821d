package dev.patchbay.bench;

import dev.patchbay.crypto.Ed25519;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetSummary;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import dev.patchbay.server.ServerConfig;
import dev.patchbay.server.TestReleases;
import dev.patchbay.server.blobs.BlobStorage;
import dev.patchbay.server.blobs.S3ProxyServer;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * bench/s3-fleet.sh: a fleet of headless devices updating from a server whose blobs are in an S3 bucket (S3Proxy on
 * loopback, its own process): wall time, devices updated, and blob bytes that came through the server versus from
 * the bucket (presigned URLs), as each device's traffic recorded them. Arguments: {@code [devices, default 500]}.
 */
public final class S3FleetBenchmark {
    private S3FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int threads = Math.min(64, Math.max(4, devices));
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(threads));
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
        S3ProxyServer s3 = S3ProxyServer.get();
        String bucket = s3.bucket();
        Path work = Files.createTempDirectory("pb-s3-fleet-");
        try (RunningServer server = RunningServer.start(new ServerConfig("127.0.0.1", 0, work.resolve("server")),
                BlobStorage.s3(s3.settings(bucket, "patchbay")))) {
            DeviceFixture app = new DeviceFixture(server, FleetBenchmark.APP).create().trustServer();
            app.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
            Path builtin = FleetBenchmark.site(work.resolve("sites/builtin"), "1.0.0", 2, 1);
            Path next = FleetBenchmark.site(work.resolve("sites/1.1.0"), "1.1.0", 20, 2);
            TestReleases.Sealed sealed = app.keys.sealFolder(next, work.resolve("blobs"), "1.1.0", 1);
            long t0 = System.nanoTime();
            app.publish(sealed);
            long publishMs = (System.nanoTime() - t0) / 1_000_000;
            app.patchChannel("production", "{\"bundle\":\"1.1.0\"}");
            long blobBytes = sealed.blobs().stream().mapToLong(b -> b.length()).sum();
            System.out.printf(Locale.ROOT, "bundle 1.1.0: %d blobs, %,d bytes sealed, published to %s in %d ms%n",
                    sealed.blobs().size(), blobBytes, s3.endpoint + "/" + bucket, publishMs);
            UpdaterConfig config = UpdaterConfig.builder(server.url(), FleetBenchmark.APP,
                    Ed25519.publicKey(app.keys.rootKey), app.keys.contentKey).autoUpdate(AutoUpdate.ALWAYS).build();
            AppPackage pkg = new AppPackage(FleetBenchmark.APP, "1.0.0", 10000, builtin, config);
            try (Fleet fleet = new Fleet(new Fleet.Options(work.resolve("devices"), devices, pkg, threads, Map.of(),
                    null, true))) {
                FleetSummary summary = fleet.run(Duration.ofMinutes(20));
                long viaServer = 0;
                long viaBucket = 0;
                for (EmulatedDevice d : fleet.devices()) {
                    viaServer += d.traffic().bodyBytes(server.url() + "/blobs/");
                    viaBucket += d.traffic().bodyBytes(s3.endpoint + "/" + bucket + "/");
                }
                System.out.printf(Locale.ROOT, "fleet: %,d devices, %d threads, wall %.1f s, outcomes %s%n", devices,
                        threads, summary.wall().toMillis() / 1000.0, summary.byOutcome());
                System.out.printf(Locale.ROOT, "blob bytes through the server: %,d; from the bucket: %,d (%,d per"
                        + " device)%n", viaServer, viaBucket, viaBucket / Math.max(1, devices));
                System.out.printf(Locale.ROOT, "load average at the end %.2f%n", os.getSystemLoadAverage());
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }
}
