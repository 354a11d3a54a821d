package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.port.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * bench/bridge-latency.sh: time from a page load starting (its document served: the runtime's onPageLoaded) to the
 * page's notifyAppReady reaching the runtime through the Capacitor bridge, over N reloads of one real WebView
 * (headless Monocle). Pages: an inline script, and (when given) a built Capacitor app (@capacitor/core + the
 * reference plugin JS, bundled by Vite) whose main.js calls CapacitorUpdater.notifyAppReady().
 * Usage: BridgeLatencyBenchmark N [APP_DIST_DIR]
 */
public final class BridgeLatencyBenchmark {
    private BridgeLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path tmp = Files.createTempDirectory("patchbay-bridge-bench-");
        Path inline = Files.createDirectories(tmp.resolve("inline"));
        Files.writeString(inline.resolve("index.html"), "<!doctype html><html><head></head><body><script>"
                + "Capacitor.Plugins.CapacitorUpdater.notifyAppReady();</script></body></html>");
        measure("inline script", inline, n, tmp);
        if (args.length > 1) {
            Path app = Files.createDirectories(tmp.resolve("app"));
            try (var files = Files.walk(Path.of(args[1]))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path to = app.resolve(Path.of(args[1]).relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
            Files.writeString(app.resolve("scenario.json"), "{\"version\": \"1.0.0\", \"ready\": true}");
            measure("Capacitor app (Vite, @capacitor/core + @capgo/capacitor-updater)", app, n, tmp);
        }
        System.exit(0);
    }

    static void measure(String what, Path site, int n, Path tmp) throws Exception {
        List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        class Timing implements RuntimeBinding {
            final Ports ports;
            volatile long started;
            int seen;

            Timing(Ports ports) {
                this.ports = ports;
            }

            public void load() {
            }

            public String serverBasePath() {
                return null;
            }

            public void onForeground() {
            }

            public void onBackground() {
            }

            public void onPageLoaded(String basePath) {
                started = System.nanoTime();
            }

            public CompletableFuture<JsonNode> call(String method, JsonNode args, String basePath) {
                if (method.equals("notifyAppReady")) {
                    long t = System.nanoTime() - started;
                    if (++seen > 3) {
                        nanos.add(t);
                    }
                    if (nanos.size() >= n) {
                        done.countDown();
                    } else {
                        ports.webView().reload();
                    }
                }
                return CompletableFuture.completedFuture(Json.mapper().createObjectNode()
                        .set("bundle", Json.mapper().createObjectNode().put("version", "1.0.0")
                                .put("status", "success")));
            }

            public void shutdown() {
            }

            public void addListener(BiConsumer<String, JsonNode> l) {
            }
        }
        byte[] key = new byte[32];
        try (EmulatedDevice d = EmulatedDevice.builder(tmp.resolve("devices"), "bench-" + what.length()).webView()
                .runtime((ports, config, log) -> new Timing(ports)).build()) {
            d.install(new AppPackage("com.example.bench", "1.0.0", 10000, site,
                    UpdaterConfig.builder("http://127.0.0.1:9", "com.example.bench", key, key).build()));
            long wall = System.nanoTime();
            d.coldStart();
            if (!done.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + nanos.size() + " of " + n + " calls in 300 s:\n" + d.tail(30));
            }
            wall = System.nanoTime() - wall;
            List<Long> s = new ArrayList<>(nanos);
            Collections.sort(s);
            System.out.printf("RESULT page=%s calls=%d p50=%.1fms p99=%.1fms max=%.1fms wall=%.1fs%n", what, s.size(),
                    s.get(s.size() / 2) / 1e6, s.get((int) Math.ceil(s.size() * 0.99) - 1) / 1e6,
                    s.get(s.size() - 1) / 1e6, wall / 1e9);
        }
    }
}
