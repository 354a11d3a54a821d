package dev.patchbay.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetSummary;
import dev.patchbay.harness.Traffic;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import dev.patchbay.server.TestReleases;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * A whole fleet against a real local server (run by bench/fleet.sh): a {@code PatchbayServer} on loopback in a fresh
 * data folder (H2 + files), an app with its keys, trust and certified freshness key, one realistic small bundle
 * (20 files, ~200 KB) sealed for real and served on the default Android channel, then a {@link Fleet} of N headless
 * devices (default 10,000) run from install to ready. Reports the wall time, per-phase times, the devices that did
 * not end updated, peak heap (highest use after a GC, and the sampled peak), update-check rate and latency as the
 * devices saw them (request start to status line, from each device's {@link Traffic}), and disk use per device.
 *
 * <p>Arguments: {@code [devices] [--mode always|atBackground] [--threads N] [--no-fsync] [--dir DIR] [--keep]
 * [--timeout S]}.
 */
public final class FleetBenchmark {
    static final String APP = "com.example.fleet";
    static final String CHANNEL = "production";

    /** What to run. */
    public record Options(int devices, AutoUpdate mode, int threads, Path dir, boolean keep, Duration timeout,
            boolean fsync) {
        static Options parse(String[] args) {
            int devices = 10_000;
            AutoUpdate mode = AutoUpdate.ALWAYS;
            int threads = 0;
            Path dir = null;
            boolean keep = false;
            Duration timeout = Duration.ofMinutes(30);
            boolean fsync = true;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--mode" -> mode = AutoUpdate.of(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--keep" -> keep = true;
                    case "--no-fsync" -> fsync = false;
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                    default -> devices = Integer.parseInt(args[i]);
                }
            }
            return new Options(devices, mode, threads, dir, keep, timeout, fsync);
        }
    }

    /** The figures of one run. */
    public record Result(int devices, Map<String, Integer> outcomes, long wallMs, long peakAfterGcBytes,
            long peakSampledBytes, long checks, long failedChecks, double checksPerSecond,
            double peakChecksPerSecond, Duration checkP50, Duration checkP99, Duration checkMax,
            long bytesPerDevice, long allocatedPerDevice, long filesPerDevice) {
        public int notUpdated() {
            return devices - outcomes.getOrDefault("updated", 0);
        }
    }

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Result r = run(o, System.out);
        System.exit(r.notUpdated() == 0 ? 0 : 1);
    }

    public static Result run(Options o, PrintStream out) throws Exception {
        int threads = o.threads() > 0 ? o.threads() : Math.min(64, Math.max(4, o.devices()));
        // The JVM's HTTP keep-alive cache keeps 5 idle connections per server unless told otherwise; with one pool
        // thread per connection in flight, fewer would mean a new TCP connection (and a TIME_WAIT port) per request.
        // Read once, when the first HttpURLConnection is made: bench/fleet.sh also passes it on the command line.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(threads));
        }
        PeakHeap heap = PeakHeap.install();
        Path work = o.dir() != null ? Files.createDirectories(o.dir()) : Files.createTempDirectory("pb-fleet-");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        out.printf(Locale.ROOT, "machine: %d CPUs, %.1f GiB RAM, %s %s, max heap %d MiB, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1073741824.0,
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, os.getSystemLoadAverage());
        try (RunningServer server = RunningServer.start(work.resolve("server"))) {
            DeviceFixture app = new DeviceFixture(server, APP).create().trustServer();
            app.channel("{\"name\":\"" + CHANNEL + "\",\"defaultFor\":[\"android\"]}");
            Path builtin = site(work.resolve("sites/builtin"), "1.0.0", 2, 1);
            Path next = site(work.resolve("sites/1.1.0"), "1.1.0", 20, 2);
            TestReleases.Sealed sealed = app.keys.sealFolder(next, work.resolve("blobs"), "1.1.0", 1);
            app.publish(sealed);
            app.patchChannel(CHANNEL, "{\"bundle\":\"1.1.0\"}");
            long blobBytes = sealed.blobs().stream().mapToLong(b -> b.length()).sum();
            out.printf(Locale.ROOT, "server %s, bundle 1.1.0: %d files, %,d bytes of site, %d blobs, %,d bytes "
                    + "sealed%n", server.url(), count(next), size(next), sealed.blobs().size(), blobBytes);

            UpdaterConfig config = UpdaterConfig.builder(server.url(), APP, Ed25519.publicKey(app.keys.rootKey),
                    app.keys.contentKey).autoUpdate(o.mode()).build();
            AppPackage pkg = new AppPackage(APP, "1.0.0", 10000, builtin, config);
            out.printf(Locale.ROOT, "fleet: %,d devices, autoUpdate %s, %d threads, http.maxConnections %s, "
                    + "device writes %s%n", o.devices(), o.mode().wire(), threads,
                    System.getProperty("http.maxConnections"), o.fsync() ? "fsynced" : "NOT fsynced (--no-fsync)");

            long cpu0 = os.getProcessCpuTime();
            heap.reset();
            FleetSummary summary;
            Result result;
            try (Fleet fleet = new Fleet(new Fleet.Options(work.resolve("devices"), o.devices(), pkg, threads,
                    Map.of(), null, o.fsync()))) {
                summary = fleet.run(o.timeout());
                long cpu = os.getProcessCpuTime() - cpu0;
                double load = os.getSystemLoadAverage();
                result = report(o, summary, fleet.devices(), heap, cpu, load, out);
            }
            return result;
        } finally {
            heap.uninstall();
            if (!o.keep()) {
                deleteTree(work);
            } else {
                out.println("kept " + work);
            }
        }
    }

    private static Result report(Options o, FleetSummary s, List<EmulatedDevice> devices, PeakHeap heap,
            long cpuNanos, double load, PrintStream out) throws IOException {
        long peakAfterGc = heap.peakAfterGc(); // now: the disk walk below makes garbage of its own
        long gcs = heap.collections();
        long gcMillis = heap.gcMillis();
        out.printf(Locale.ROOT, "%n== %,d devices: all done in %,d ms (%.0f devices/s), outcomes %s%n",
                s.devices().size(), s.wall().toMillis(), s.devices().size() / (s.wall().toNanos() / 1e9),
                s.byOutcome());
        out.printf(Locale.ROOT, "process CPU %.1f s over %.1f s wall (%.2f cores busy), load average at the end %.2f%n",
                cpuNanos / 1e9, s.wall().toNanos() / 1e9, cpuNanos / (double) s.wall().toNanos(), load);
        out.println("versions: " + s.byVersion());
        List<FleetSummary.DeviceResult> bad = s.devices().stream().filter(d -> !d.outcome().equals("updated"))
                .toList();
        if (!bad.isEmpty()) {
            out.println("NOT UPDATED: " + bad.size());
            bad.stream().limit(20).forEach(d -> out.println("  " + d.serial() + " " + d.outcome() + " "
                    + d.version() + " " + d.status() + ": " + d.detail()));
        }

        out.println("\nper device, from its cold start (ms)        p50      p90      p99      max");
        phase(out, "cold start -> check answered", s, d -> d.checked());
        phase(out, "check -> bundle downloaded + verified", s, d -> between(d.checked(), d.downloaded()));
        phase(out, "downloaded -> installed (set)", s, d -> between(d.downloaded(), d.installed()));
        phase(out, "installed -> ready (notifyAppReady)", s, d -> between(d.installed(), d.ready()));
        phase(out, "cold start -> ready", s, d -> d.ready());

        // Update checks as the devices saw them: request start to status line, every /updates exchange.
        List<long[]> checks = new ArrayList<>();
        Map<String, long[]> byKind = new TreeMap<>();
        long failedChecks = 0;
        for (EmulatedDevice d : devices) {
            for (Traffic.Exchange e : d.traffic().exchanges(null)) {
                String kind = kind(e.url());
                long[] c = byKind.computeIfAbsent(kind, k -> new long[2]);
                c[0]++;
                c[1] += e.bodyBytes();
                if (kind.equals("POST /updates")) {
                    if (e.latency() == null || e.status() != 200) {
                        failedChecks++;
                    }
                    if (e.latency() != null) {
                        checks.add(new long[] {e.startedNanos(), e.latency().toNanos()});
                    }
                }
            }
        }
        out.println("\nrequests: " + byKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0]
                + " (" + e.getValue()[1] + " body bytes)").toList());
        long first = checks.stream().mapToLong(c -> c[0]).min().orElse(0);
        long last = checks.stream().mapToLong(c -> c[0] + c[1]).max().orElse(0);
        double window = Math.max(1, last - first) / 1e9;
        double rate = checks.size() / window;
        Map<Long, Integer> perSecond = new TreeMap<>();
        checks.forEach(c -> perSecond.merge((c[0] + c[1] - first) / 1_000_000_000L, 1, Integer::sum));
        int peak = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long[] lat = checks.stream().mapToLong(c -> c[1]).sorted().toArray();
        Duration p50 = pct(lat, 50);
        Duration p99 = pct(lat, 99);
        Duration max = lat.length == 0 ? null : Duration.ofNanos(lat[lat.length - 1]);
        out.printf(Locale.ROOT, "update checks: %,d (%d not answered 200) in %.1f s = %.0f checks/s (busiest second "
                + "%d); latency at the device p50 %s, p90 %s, p99 %s, max %s%n", checks.size(), failedChecks, window,
                rate, peak, ms(p50), ms(pct(lat, 90)), ms(p99), ms(max));

        out.printf(Locale.ROOT, "peak heap: %.0f MiB used after a GC (highest), %.0f MiB sampled (garbage included), "
                + "max heap %d MiB; %d GCs, %.1f s in GC%n", peakAfterGc / 1048576.0,
                s.peakHeapBytes() / 1048576.0, Runtime.getRuntime().maxMemory() >> 20, gcs, gcMillis / 1000.0);

        long[] disk = disk(devices);
        int n = devices.size();
        out.printf(Locale.ROOT, "disk per device: %d files, %,d bytes (%,d bytes in 4 KiB blocks, folders included); "
                + "all devices %.0f MiB in blocks%n", disk[2] / n, disk[0] / n, disk[1] / n, disk[1] / 1048576.0);

        Result r = new Result(n, s.byOutcome(), s.wall().toMillis(), peakAfterGc, s.peakHeapBytes(),
                checks.size(), failedChecks, rate, peak, p50, p99, max, disk[0] / n, disk[1] / n, disk[2] / n);
        out.printf(Locale.ROOT, "%nRESULT devices=%d notUpdated=%d wallMs=%d peakHeapAfterGcMiB=%.0f "
                + "peakHeapSampledMiB=%.0f checks=%d checksPerSec=%.0f checkP50Ms=%.1f checkP99Ms=%.1f "
                + "diskBytesPerDevice=%d diskBlockBytesPerDevice=%d%n", n, r.notUpdated(), r.wallMs(),
                r.peakAfterGcBytes() / 1048576.0, r.peakSampledBytes() / 1048576.0, r.checks(), rate,
                millis(p50), millis(p99), r.bytesPerDevice(), r.allocatedPerDevice());
        return r;
    }

    static String kind(String url) {
        String path = url.replaceFirst("^https?://[^/]+", "");
        if (path.startsWith("/blobs/")) {
            return "GET /blobs";
        }
        if (path.contains("X-Amz-Signature=")) {
            return "GET bucket (presigned)";
        }
        int q = path.indexOf('?');
        return (path.startsWith("/updates") || path.startsWith("/stats") ? "POST " : "") + (q < 0 ? path
                : path.substring(0, q));
    }

    static Duration between(Duration a, Duration b) {
        return a == null || b == null ? null : b.minus(a);
    }

    static void phase(PrintStream out, String name, FleetSummary s,
            Function<FleetSummary.DeviceResult, Duration> step) {
        out.printf(Locale.ROOT, "  %-40s %8s %8s %8s %8s%n", name, ms(s.percentile(step, 50)),
                ms(s.percentile(step, 90)), ms(s.percentile(step, 99)), ms(s.percentile(step, 100)));
    }

    static Duration pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return null;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length - 1, i))]);
    }

    static String ms(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f", millis(d));
    }

    private static double millis(Duration d) {
        return d == null ? Double.NaN : d.toNanos() / 1e6;
    }

    /** Bytes of files, bytes in 4 KiB blocks (files and folders), and files, over all devices' folders. */
    private static long[] disk(List<EmulatedDevice> devices) throws IOException {
        long[] t = new long[3];
        for (EmulatedDevice d : devices) {
            try (Stream<Path> s = Files.walk(d.folder())) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isRegularFile(p)) {
                        long size = Files.size(p);
                        t[0] += size;
                        t[1] += (size + 4095) / 4096 * 4096;
                        t[2]++;
                    } else {
                        t[1] += 4096;
                    }
                }
            }
        }
        return t;
    }

    /**
     * A web build of {@code files} files, ~10 KB each (200 KB for 20): index.html, JS, CSS, a JSON and images, as a
     * small Capacitor app's {@code www/} would be; text compresses as source does, the images do not.
     */
    static Path site(Path dir, String version, int files, long seed) throws IOException {
        Files.createDirectories(dir.resolve("assets"));
        Files.writeString(dir.resolve("index.html"), "<!doctype html><html><head><meta charset=\"utf-8\"><title>Fleet "
                + version + "</title><link rel=\"stylesheet\" href=\"styles.css\"></head><body><div id=\"app\">"
                + version + "</div><script src=\"main.js\"></script></body></html>\n");
        Random random = new Random(seed);
        for (int i = 1; i < files; i++) {
            int size = 4_000 + random.nextInt(12_000);
            Path f;
            if (i % 4 == 3) {
                f = dir.resolve("assets/img-" + i + ".png");
                byte[] b = new byte[size];
                random.nextBytes(b);
                Files.write(f, b);
                continue;
            }
            f = dir.resolve(i == 1 ? "main.js" : i == 2 ? "styles.css" : "chunk-" + i + (i % 4 == 2 ? ".css" : ".js"));
            StringBuilder sb = new StringBuilder(size + 100);
            sb.append("/* ").append(version).append(" */\n");
            while (sb.length() < size) {
                sb.append("export function f").append(random.nextInt(100_000)).append("(a, b) { return a * ")
                        .append(random.nextInt(1000)).append(" + b; }\n");
            }
            Files.write(f, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return dir;
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The highest heap use right after a GC (the live set plus what that GC left), from GC notifications. */
    static final class PeakHeap {
        private final List<Runnable> undo = new ArrayList<>();
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong gcs = new AtomicLong();
        private final AtomicLong gcMillis = new AtomicLong();

        static PeakHeap install() {
            PeakHeap h = new PeakHeap();
            NotificationListener l = (n, hb) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (!isHeap(e.getKey())) {
                        continue;
                    }
                    used += e.getValue().getUsed();
                }
                h.gcs.incrementAndGet();
                h.gcMillis.addAndGet(info.getGcInfo().getDuration());
                long u = used;
                h.peak.accumulateAndGet(u, Math::max);
            };
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter e) {
                    e.addNotificationListener(l, null, null);
                    h.undo.add(() -> {
                        try {
                            e.removeNotificationListener(l);
                        } catch (javax.management.ListenerNotFoundException ignored) {
                            // already gone
                        }
                    });
                }
            }
            return h;
        }

        private static boolean isHeap(String pool) {
            return ManagementFactory.getMemoryPoolMXBeans().stream().anyMatch(p -> p.getName().equals(pool)
                    && p.getType() == java.lang.management.MemoryType.HEAP);
        }

        void reset() {
            System.gc();
            peak.set(0);
            gcs.set(0);
            gcMillis.set(0);
        }

        long peakAfterGc() {
            return peak.get();
        }

        long collections() {
            return gcs.get();
        }

        long gcMillis() {
            return gcMillis.get();
        }

        void uninstall() {
            undo.forEach(Runnable::run);
        }
    }
}
