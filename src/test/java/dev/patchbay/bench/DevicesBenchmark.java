package dev.patchbay.bench;

import dev.patchbay.cache.DeviceCache;
import dev.patchbay.cache.DeviceColumn;
import dev.patchbay.cache.DeviceQuery;
import dev.patchbay.cache.DeviceResult;
import dev.patchbay.cache.LocalCache;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.console.devices.DeviceSync;
import dev.patchbay.server.DeviceRows;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Devices page's figures (docs/benchmarks.md): a real server on loopback whose database is filled with N devices
 * by direct SQL ({@link DeviceRows}), a full incremental sync of them into a file cache, typical filter + sort queries
 * on the cache (median of 7 runs after 2 warm-ups), an incremental sync of 1,000 changed devices, and the heap used
 * after GC with the cache open and a page of rows held. Usage (bench/devices.sh):
 * {@code java ... dev.patchbay.bench.DevicesBenchmark [devices, default 1000000] [work folder]}.
 */
public final class DevicesBenchmark {
    static final String APP = "com.example.bench";

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("pb-devices-bench");
        Path serverDir = work.resolve("server");
        Path cacheDir = work.resolve("cache");
        try {
            String key;
            try (PatchbayServer s = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, serverDir))) {
                key = Files.readString(s.adminApiKeyFile()).strip();
                PatchbayClient.connect(s.url(), key).createApp(APP, "Bench");
            }
            long t0 = System.nanoTime();
            DeviceRows.insert(serverDir, APP, 0, n);
            System.out.printf("server DB filled with %,d devices by SQL in %.1f s%n", n, secs(t0));

            try (LocalCache cache = LocalCache.open(cacheDir)) {
                DeviceCache devices = cache.devices();
                try (PatchbayServer s = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, serverDir))) {
                    PatchbayClient client = PatchbayClient.connect(s.url(), key);
                    long t1 = System.nanoTime();
                    DeviceSync.Result r = new DeviceSync(devices, client, "bench", APP).run(() -> false, x -> { },
                            Clock.systemUTC());
                    System.out.printf("full sync: %,d devices in %d pages, %.1f s (%,.0f devices/s); cache %,d devices%n",
                            r.received(), r.pages(), secs(t1), r.received() / secs(t1), r.state().devices());
                }
                queries(devices);
                DeviceRows.touch(serverDir, APP, 0, 1000);
                try (PatchbayServer s = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, serverDir))) {
                    PatchbayClient client = PatchbayClient.connect(s.url(), key);
                    long t2 = System.nanoTime();
                    DeviceSync.Result r = new DeviceSync(devices, client, "bench", APP).run(() -> false, x -> { },
                            Clock.systemUTC());
                    System.out.printf("incremental sync: %,d changed devices in %d pages, %.3f s%n", r.received(),
                            r.pages(), secs(t2));
                }
                DeviceResult held = devices.query("bench", APP, DeviceQuery.all(200));
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(200);
                }
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.printf("heap used after GC with the %,d-device cache open and a page of %d rows held: %.1f MB%n",
                        devices.state("bench", APP).devices(), held.rows().size(), used / 1048576.0);
            }
            System.out.printf("cache file: %.0f MB%n", Files.size(cacheDir.resolve("cache.mv.db")) / 1048576.0);
        } finally {
            if (args.length <= 1) {
                try (Stream<Path> files = Files.walk(work)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    static dev.patchbay.client.Device device(dev.patchbay.cache.DeviceRow r) {
        return new dev.patchbay.client.Device(APP, r.deviceId(), r.customId(), r.platform(), r.osVersion(),
                r.nativeVersion(), r.nativeBuild(), "0.1.0", false, true, null, null, null, r.channel(),
                r.channelSource(), null, r.currentBundle(), null, r.nextBundle(), r.state(), r.lastError(), null,
                r.firstSeen(), r.lastSeen(), List.of());
    }

    static void queries(DeviceCache devices) {
        DeviceResult one = devices.query("bench", APP, DeviceQuery.all(1));
        Map<String, DeviceQuery> qs = new LinkedHashMap<>();
        qs.put("all, last seen desc (first page)", q(null, null, null, null, null, null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("all, last seen desc, page 50", q(null, null, null, null, null, null, DeviceColumn.LAST_SEEN, true, 50 * 200));
        qs.put("all, device id asc", q(null, null, null, null, null, null, DeviceColumn.DEVICE_ID, false, 0));
        qs.put("all, last seen asc", q(null, null, null, null, null, null, DeviceColumn.LAST_SEEN, false, 0));
        qs.put("all, last seen desc, last page", q(null, null, null, null, null, null, DeviceColumn.LAST_SEEN, true,
                (int) Math.max(0, devices.state("bench", APP).devices() - 200)));
        qs.put("all, device id desc", q(null, null, null, null, null, null, DeviceColumn.DEVICE_ID, true, 0));
        qs.put("all, custom id asc", q(null, null, null, null, null, null, DeviceColumn.CUSTOM_ID, false, 0));
        qs.put("all, custom id desc", q(null, null, null, null, null, null, DeviceColumn.CUSTOM_ID, true, 0));
        qs.put("all, channel asc", q(null, null, null, null, null, null, DeviceColumn.CHANNEL, false, 0));
        qs.put("all, bundle desc", q(null, null, null, null, null, null, DeviceColumn.BUNDLE, true, 0));
        qs.put("all, native version desc", q(null, null, null, null, null, null, DeviceColumn.NATIVE_VERSION, true, 0));
        qs.put("all, native version asc, page 50", q(null, null, null, null, null, null, DeviceColumn.NATIVE_VERSION,
                false, 50 * 200));
        qs.put("all, state asc", q(null, null, null, null, null, null, DeviceColumn.STATE, false, 0));
        qs.put("all, platform desc", q(null, null, null, null, null, null, DeviceColumn.PLATFORM, true, 0));
        qs.put("platform=ios, last seen desc", q(null, null, null, null, "ios", null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("native 2.0.0, state desc", q(null, null, null, null, null, "2.0.0", DeviceColumn.STATE, true, 0));
        qs.put("channel=beta, last seen desc", q(null, "beta", null, null, null, null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("channel=beta + bundle=1.5.0, last seen desc", q(null, "beta", "1.5.0", null, null, null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("state=failed, last seen desc", q(null, null, null, "failed", null, null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("platform=ios + native 2.0.0, custom id asc", q(null, null, null, null, "ios", "2.0.0", DeviceColumn.CUSTOM_ID, false, 0));
        qs.put("search device id prefix '3f'", q("3f", null, null, null, null, null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("search custom id 'user-12345'", q("user-12345", null, null, null, null, null, DeviceColumn.LAST_SEEN, true, 0));
        qs.put("seen in the last 3 days, channel=canary", new DeviceQuery(null, "canary", null, null, null, null,
                DeviceRows.BASE.plusSeconds(27L * 86400), DeviceColumn.LAST_SEEN, true, 0, 200));
        for (Map.Entry<String, DeviceQuery> e : qs.entrySet()) {
            List<Double> ms = new ArrayList<>();
            DeviceResult r = null;
            for (int i = 0; i < 9; i++) {
                // A write to the table first (as a running sync does), so H2 cannot answer from its last result.
                devices.applyPage("bench", APP, List.of(one.rows().get(0)),
                        devices.state("bench", APP).cursor());
                long t = System.nanoTime();
                r = devices.query("bench", APP, e.getValue());
                if (i >= 2) {
                    ms.add((System.nanoTime() - t) / 1e6);
                }
            }
            ms.sort(null);
            System.out.printf("query %-48s %8.1f ms median (min %.1f, max %.1f), %d rows, total %,d%s%n", e.getKey(),
                    ms.get(ms.size() / 2), ms.get(0), ms.get(ms.size() - 1), r.rows().size(), r.total(),
                    r.capped() ? "+" : "");
        }
        for (DeviceColumn c : new DeviceColumn[] {DeviceColumn.CHANNEL, DeviceColumn.BUNDLE, DeviceColumn.STATE,
                DeviceColumn.PLATFORM, DeviceColumn.NATIVE_VERSION}) {
            long t = System.nanoTime();
            List<String> v = devices.values("bench", APP, c, 200);
            System.out.printf("filter choices %-15s %8.1f ms, %d values%n", c, (System.nanoTime() - t) / 1e6, v.size());
        }
    }

    static DeviceQuery q(String search, String channel, String bundle, String state, String platform, String nat,
                         DeviceColumn sort, boolean desc, int offset) {
        return new DeviceQuery(search, channel, bundle, state, platform, nat, null, sort, desc, offset, 200);
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
