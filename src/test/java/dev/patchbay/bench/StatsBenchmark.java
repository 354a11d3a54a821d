package dev.patchbay.bench;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /stats} throughput and latency against a real server on loopback (H2 file database): C connections
 * each send batches of B events from their own devices, one request at a time, for D seconds (after a 1 s warm-up).
 * Counts the events acknowledged (200), the 429s (stats concurrency cap) and the p50/p99 of the answer time. Usage
 * (bench/stats.sh): {@code StatsBenchmark [connections,... default 1,16,64] [seconds per level, default 5]
 * [events per batch, default 10]}.
 */
public final class StatsBenchmark {
    static final String APP = "com.example.stats";

    public static void main(String[] args) throws Exception {
        int[] levels = Arrays.stream((args.length > 0 ? args[0] : "1,16,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("pb-stats-bench");
        try (PatchbayServer s = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data"))
                .withStatsConcurrency(64))) {
            String key = Files.readString(s.adminApiKeyFile()).strip();
            PatchbayClient.connect(s.url(), key).createApp(APP, "Stats bench");
            System.out.printf("POST /stats, %d events per batch, %d s per level, %d cores%n", batch, seconds,
                    Runtime.getRuntime().availableProcessors());
            for (int c : levels) {
                run(s.url(), c, 1, batch, "warm-up");
                run(s.url(), c, seconds, batch, null);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(String url, int connections, int seconds, int batch, String label) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong events = new AtomicLong();
        AtomicLong busy = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            long[] mine = new long[1 << 17];
            int[] n = {0};
            latencies.add(mine);
            String device = java.util.UUID.randomUUID().toString();
            Thread th = new Thread(() -> {
                long seq = 0;
                while (System.nanoTime() < end) {
                    StringBuilder b = new StringBuilder("{\"appId\":\"" + APP + "\",\"deviceId\":\"" + device
                            + "\",\"events\":[");
                    for (int i = 0; i < batch; i++) {
                        b.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(seq++)
                                .append("\",\"action\":\"app_launch\"}");
                    }
                    b.append("]}");
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/stats"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(b.toString())).build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - t0;
                        if (r.statusCode() == 200) {
                            events.addAndGet(batch);
                            if (n[0] < mine.length) {
                                mine[n[0]++] = took;
                            }
                        } else if (r.statusCode() == 429) {
                            busy.incrementAndGet();
                        } else if (failed.getAndIncrement() == 0) {
                            System.out.println("first failure: " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
                mine[mine.length - 1] = n[0];
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (label != null) {
            return;
        }
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1])).sorted().toArray();
        double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
        double p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
        System.out.printf("%3d connections: %,8.0f events/s acknowledged (%,d batches), p50 %.1f ms, p99 %.1f ms,"
                        + " 429s %d, failures %d%n", connections, events.get() / (double) seconds, all.length, p50, p99,
                busy.get(), failed.get());
    }
}
