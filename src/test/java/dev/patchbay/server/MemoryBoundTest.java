package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory (ADR 0093): {@code patchbay serve} started with the JVM options the installed CLI launcher ships
 * ({@code packaging/linux/patchbay-cli.properties}) stays under the resident size the docs promise while 16
 * connections send full event batches; the p99 of those {@code /stats} answers is printed (docs/benchmarks.md).
 */
class MemoryBoundTest {
    /** The documented ceiling of the server's resident memory with the default heap cap (docs/packaging.md). */
    static final long MAX_RSS_MB = 1024;
    static final int SECONDS = Integer.getInteger("patchbay.memory.seconds", 8);

    @TempDir
    Path dir;

    @Test
    void residentMemoryStaysUnderTheDocumentedCeilingUnderLoad() throws Exception {
        Properties launcher = new Properties();
        try (var in = Files.newInputStream(Path.of("packaging/linux/patchbay-cli.properties"))) {
            launcher.load(in);
        }
        List<String> options = Arrays.asList(launcher.getProperty("java-options").trim().split("\\s+"));
        assertTrue(options.stream().anyMatch(o -> o.startsWith("-Xmx")), "the launcher caps the heap: " + options);
        Path data = dir.resolve("data");
        CrashDurabilityTest.ServerProcess server = CrashDurabilityTest.ServerProcess.start(data, options);
        long pid = server.process.pid();
        try {
            String key = Files.readString(data.resolve("admin-api-key")).strip();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String app = "com.example.memory";
            http.send(HttpRequest.newBuilder(URI.create(server.url + "/api/v1/apps"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + app + "\",\"name\":\"M\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
            AtomicLong maxRss = new AtomicLong(rssMb(pid));
            List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                threads.add(CrashDurabilityTest.go(() -> {
                    String device = UUID.randomUUID().toString();
                    long seq = 0;
                    while (System.nanoTime() < end) {
                        StringBuilder b = new StringBuilder("{\"appId\":\"" + app + "\",\"deviceId\":\"" + device
                                + "\",\"events\":[");
                        for (int i = 0; i < 200; i++) {
                            b.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(seq++)
                                    .append("\",\"action\":\"download_fail\",\"details\":{\"error\":\"")
                                    .append("x".repeat(900)).append("\"}}");
                        }
                        b.append("]}");
                        long t0 = System.nanoTime();
                        try {
                            http.send(HttpRequest.newBuilder(URI.create(server.url + "/stats"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(b.toString())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latencies.add(System.nanoTime() - t0);
                        } catch (Exception e) {
                            return;
                        }
                    }
                }));
            }
            while (System.nanoTime() < end) {
                maxRss.accumulateAndGet(rssMb(pid), Math::max);
                Thread.sleep(200);
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            maxRss.accumulateAndGet(rssMb(pid), Math::max);
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            double p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
            System.out.printf("memory bound: %d batches of 200 events (~200 KB) at 16 connections in %d s, p99 %.0f ms,"
                    + " peak RSS %d MB (options %s)%n", sorted.length, SECONDS, p99, maxRss.get(), options);
            assertTrue(sorted.length > 0, "no batch was answered");
            assertTrue(maxRss.get() < MAX_RSS_MB, "peak RSS " + maxRss.get() + " MB, documented ceiling " + MAX_RSS_MB
                    + " MB");
        } finally {
            server.kill();
        }
    }

    static long rssMb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return 0;
    }
}
