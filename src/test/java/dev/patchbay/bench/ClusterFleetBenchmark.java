package dev.patchbay.bench;

import dev.patchbay.crypto.Ed25519;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetSummary;
import dev.patchbay.harness.Traffic;
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
        int devices = 500;
        int threads = 0;
        boolean fsync = true;
        Duration timeout = Duration.ofMinutes(30);
        List<Integer> plan = null;
        int soak = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plan" -> plan = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--soak" -> soak = Integer.parseInt(args[++i]);
                case "--no-fsync" -> fsync = false;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> devices = Integer.parseInt(args[i]);
            }
        }
        threads = threads > 0 ? threads : Math.min(64, Math.max(4, devices));
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(threads));
        }
        Path nginx = NginxProxy.binary();
        if (nginx == null) {
            throw new IllegalStateException("nginx is missing: apt-get install nginx");
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "machine: %d CPUs, %.1f GiB RAM, %s %s, max heap %d MiB, load average %.2f at"
                + " start%n", cores, os.getTotalMemorySize() / 1073741824.0, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                os.getSystemLoadAverage());
        long setup0 = System.nanoTime();
        PostgresCluster pg = PostgresCluster.get();
        PostgresConfig db = pg.createDatabase();
        List<String> s3Jvm = new java.util.ArrayList<>(S3ProxyServer.FAST);
        // e.g. -Ds3proxy.jvm=-XX:StartFlightRecording=filename=s3proxy.jfr to profile the bucket's side
        String extra = System.getProperty("s3proxy.jvm", "").strip();
        if (!extra.isEmpty()) {
            s3Jvm.addAll(List.of(extra.split("\\s+")));
        }
        S3ProxyServer s3 = S3ProxyServer.get(s3Jvm);
        String bucket = s3.bucket();
        Path work = Files.createTempDirectory("pb-cluster-fleet-");
        BlobStorage storage = BlobStorage.s3(s3.settings(bucket, "patchbay"));
        // Every device reaches the instances from nginx's address: count them all as offered (ADR 0094), and let
        // the rollout supervisor look at the plan every second (its default is 10 s).
        ServerConfig config = new ServerConfig("127.0.0.1", 0, work.resolve("data")).withDatabase(db)
                .withRolloutTick(Duration.ofSeconds(1)).withDevicesPerAddress(Math.max(50, devices));
        try (RunningServer a = RunningServer.start(config, storage);
             RunningServer b = RunningServer.start(config, storage);
             NginxProxy proxy = NginxProxy.start(nginx, List.of(port(a), port(b)), true)) {
            System.out.printf(Locale.ROOT, "instances: A %s, B %s (%s), nginx %s, S3Proxy %s; set up in %.1f s%n",
                    a.url(), b.url(), db.describe(), proxy.url, s3.endpoint,
                    (System.nanoTime() - setup0) / 1e9);
            DeviceFixture app = new DeviceFixture(a, FleetBenchmark.APP).create().trustServer();
            app.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
            Path builtin = FleetBenchmark.site(work.resolve("sites/builtin"), "1.0.0", 2, 1);
            Path next = FleetBenchmark.site(work.resolve("sites/1.1.0"), "1.1.0", 20, 2);
            TestReleases.Sealed sealed = app.keys.sealFolder(next, work.resolve("blobs"), "1.1.0", 1);
            long t0 = System.nanoTime();
            app.publish(sealed);
            long publishMs = (System.nanoTime() - t0) / 1_000_000;
            if (plan == null) {
                // The channel switch is made on B: A's catalog learns it from the change feed.
                new DeviceFixture(b, FleetBenchmark.APP).patchChannel("production", "{\"bundle\":\"1.1.0\"}");
            }
            long blobBytes = sealed.blobs().stream().mapToLong(r -> r.length()).sum();
            System.out.printf(Locale.ROOT, "bundle 1.1.0: %d blobs, %,d bytes sealed, published through A in %d ms%n",
                    sealed.blobs().size(), blobBytes, publishMs);
            UpdaterConfig updater = UpdaterConfig.builder(proxy.url, FleetBenchmark.APP,
                    Ed25519.publicKey(app.keys.rootKey), app.keys.contentKey).autoUpdate(AutoUpdate.ALWAYS).build();
            AppPackage pkg = new AppPackage(FleetBenchmark.APP, "1.0.0", 10000, builtin, updater);
            CpuAccount cpu = new CpuAccount(ClusterFleetBenchmark::part).process("S3Proxy (bucket)", s3.process())
                    .process("PostgreSQL (all its processes)", postmaster(db)).process("nginx", proxy.process());
            System.out.printf(Locale.ROOT, "fleet: %,d devices, %d device threads, device writes %s%n", devices,
                    threads, fsync ? "fsynced (as on a device)" : "NOT fsynced (--no-fsync)");
            try (Fleet fleet = new Fleet(new Fleet.Options(work.resolve("devices"), devices, pkg, threads, Map.of(),
                    null, fsync))) {
                cpu.start();
                long wallNanos;
                int updated;
                if (plan == null) {
                    FleetSummary summary = fleet.run(timeout);
                    wallNanos = summary.wall().toNanos();
                    updated = summary.byOutcome().getOrDefault("updated", 0);
                    report(summary, fleet.devices(), devices, threads);
                } else {
                    long r0 = System.nanoTime();
                    updated = StagedFleetRollout.run(b, fleet, plan, soak, devices, threads, timeout);
                    wallNanos = System.nanoTime() - r0;
                }
                Map<String, Long> used = cpu.since();
                requests(fleet.devices());
                cpuReport(used, devices, wallNanos / 1e9, cores, os.getSystemLoadAverage());
                long viaProxy = 0;
                long viaBucket = 0;
                for (EmulatedDevice d : fleet.devices()) {
                    viaProxy += d.traffic().bodyBytes(proxy.url + "/blobs/");
                    viaBucket += d.traffic().bodyBytes(s3.endpoint + "/" + bucket + "/");
                }
                Thread.sleep(500); // nginx writes its access log lines as requests end
                int fleetSize = devices;
                Map<String, long[]> perInstance = perUpstream(proxy.accessLog(), Map.of(
                        "127.0.0.1:" + port(a), "A", "127.0.0.1:" + port(b), "B"));
                perInstance.forEach((name, t) -> System.out.printf(Locale.ROOT, "instance %s: %,d requests, %,d bytes"
                        + " answered (%,d per device), blob bytes %,d%n", name, t[0], t[1], t[1] / fleetSize, t[2]));
                System.out.printf(Locale.ROOT, "blob bytes through the instances (device side): %,d; from the"
                        + " bucket: %,d (%,d per device)%n", viaProxy, viaBucket, viaBucket / Math.max(1, devices));
                long[] ta = perInstance.get("A");
                long[] tb = perInstance.get("B");
                System.out.printf(Locale.ROOT, "%nRESULT devices=%d updated=%d wallMs=%d devicesPerSec=%.1f"
                        + " bytesA=%d bytesB=%d blobBytesA=%d blobBytesB=%d blobBytesViaInstances=%d"
                        + " blobBytesFromBucket=%d cpuMsPerDevice=%.1f%n", devices,
                        updated, wallNanos / 1_000_000, devices / (wallNanos / 1e9), ta[1], tb[1], ta[2], tb[2], viaProxy, viaBucket,
                        allCpu(used) / 1e6 / devices);
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** The part of the benchmark a thread of this JVM works for. */
    static String part(String thread) {
        if (thread.startsWith("patchbay-device")) {
            return "devices (runtime, harness; device threads)";
        }
        if (thread.startsWith("patchbay-http") || thread.startsWith("patchbay-") && !thread.startsWith("patchbay-seal")) {
            return "server instances A + B (HTTP, supervisor, change feed, write-behind)";
        }
        if (thread.startsWith("Keep-Alive")) {
            return "devices (runtime, harness; device threads)"; // the devices' HttpURLConnection keep-alive timer
        }
        return null;
    }

    private static long allCpu(Map<String, Long> used) {
        return used.entrySet().stream().filter(e -> e.getKey().startsWith("JVM total") || !e.getKey().startsWith("JVM")
                && !e.getKey().startsWith("devices") && !e.getKey().startsWith("server")).mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static void report(FleetSummary s, List<EmulatedDevice> devices, int n, int threads) {
        var out = System.out;
        double wall = s.wall().toNanos() / 1e9;
        out.printf(Locale.ROOT, "%n== %,d devices, %d threads: all done in %.1f s (%.1f devices/s), outcomes %s%n", n,
                threads, wall, n / wall, s.byOutcome());
        s.devices().stream().filter(d -> !d.outcome().equals("updated")).limit(20).forEach(d -> out.println(
                "  NOT UPDATED " + d.serial() + " " + d.outcome() + " " + d.version() + " " + d.status() + ": "
                        + d.detail()));
        out.println("per device, from its cold start (ms)            p50      p90      p99      max");
        FleetBenchmark.phase(out, "cold start -> check answered", s, d -> d.checked());
        FleetBenchmark.phase(out, "check -> 21 blobs downloaded + verified", s,
                d -> FleetBenchmark.between(d.checked(), d.downloaded()));
        FleetBenchmark.phase(out, "downloaded -> installed (set)", s,
                d -> FleetBenchmark.between(d.downloaded(), d.installed()));
        FleetBenchmark.phase(out, "installed -> ready (notifyAppReady)", s,
                d -> FleetBenchmark.between(d.installed(), d.ready()));
        FleetBenchmark.phase(out, "cold start -> ready", s, d -> d.ready());
    }

    private static void requests(List<EmulatedDevice> devices) {
        var out = System.out;
        Map<String, long[]> byKind = new TreeMap<>();
        for (EmulatedDevice d : devices) {
            for (Traffic.Exchange e : d.traffic().exchanges(null)) {
                long[] c = byKind.computeIfAbsent(FleetBenchmark.kind(e.url()), k -> new long[4]);
                c[0]++;
                c[1] += e.bodyBytes();
                if (e.latency() != null) {
                    c[2] += e.latency().toNanos();
                }
                if (e.status() != 200 && e.status() != 206) {
                    c[3]++;
                }
            }
        }
        out.println("requests the devices made (kind: count, body bytes, mean time to the status line, not 200):");
        byKind.forEach((k, c) -> out.printf(Locale.ROOT, "  %-26s %,9d %,14d bytes %8.1f ms %,6d%n", k, c[0], c[1],
                c[2] / 1e6 / Math.max(1, c[0]), c[3]));
    }

    private static void cpuReport(Map<String, Long> cpu, int n, double wall, int cores, double load) {
        var out = System.out;
        long total = allCpu(cpu);
        out.printf(Locale.ROOT, "CPU during the fleet run: %.1f s over %.1f s wall = %.2f of %d cores busy with this"
                + " benchmark (load average at the end %.2f); %.1f ms CPU per device%n", total / 1e9, wall,
                total / 1e9 / wall, cores, load, total / 1e6 / n);
        cpu.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).forEach(e -> out.printf(
                Locale.ROOT, "  %-70s %8.1f s %6.1f ms/device%n", e.getKey(), e.getValue() / 1e9,
                e.getValue() / 1e6 / n));
        out.printf(Locale.ROOT, "projection at these per-device costs: %,.0f s of CPU for 10,000 devices = %.0f s wall"
                + " if all %d cores were free for it%n", total / 1e9 / n * 10_000, total / 1e9 / n * 10_000 / cores,
                cores);
    }

    /** PostgreSQL's postmaster (the parent of a backend), to count the CPU of the whole cluster. */
    private static ProcessHandle postmaster(PostgresConfig db) {
        try (var c = PostgresCluster.connect(db); var st = c.createStatement();
             var rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElse(null);
        } catch (java.sql.SQLException e) {
            return null; // an external PostgreSQL (PATCHBAY_TEST_PG_URL) on another user's processes
        }
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
