package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Binary patches applied on the harness device (docs/benchmarks.md): a real server on loopback (this JVM) publishes
 * release A of a web app and then release B with patches from A (the rule `bundle publish` uses); one headless
 * harness device — the real runtime — runs in a child JVM with a small heap ({@code -Xmx32m} unless told), installs A,
 * then updates to B. Printed: the update's time (cold start to B confirmed), the download step's time (first download
 * event to downloadComplete: index, patch blobs, applying and checking every file inside), bytes read from
 * {@code /blobs/} against the {@code downloadBytes} that `bundle diff` reports for the pair, files patched (from the device's {@code download_complete} event), and the child JVM's peak heap
 * during the update (heap pools' peaks after a GC and a reset, so it includes the harness device and runtime as a
 * whole, not the patches alone).
 * <p>Usage: {@code DevicePatchBenchmark A-folder B-folder [child-Xmx, default 32m]}
 */
public final class DevicePatchBenchmark {
    private DevicePatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("device")) {
            device(args);
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: DevicePatchBenchmark A-folder B-folder [child-Xmx]");
            System.exit(2);
        }
        Path a = Path.of(args[0]);
        Path b = Path.of(args[1]);
        String xmx = args.length > 2 ? args[2] : "32m";
        Path tmp = Files.createTempDirectory("patchbay-device-bench");
        try (DeviceLab lab = new DeviceLab(tmp)) {
            long t = System.nanoTime();
            lab.app.publish(lab.keys().sealFolder(a, lab.dir.resolve("blobs/a"), "1.1.0", 1));
            var sa = lab.keys().lastSealed;
            lab.serve("1.1.0");
            var sealedB = lab.keys().sealFolder(b, lab.dir.resolve("blobs/b"), "1.2.0", 2,
                    dev.patchbay.testsupport.FolderPatchBases.of(a));
            lab.app.publish(sealedB);
            var sb = lab.keys().lastSealed;
            int patches = sb.patchIndex() == null ? 0 : sb.patchIndex().patches().size();
            // What `bundle diff --json` reports as downloadBytes for a device on A (the same computation).
            long expected = dev.patchbay.crypto.ManifestDiff.between(sa.manifest(), sb.manifest(), sb.manifestBlob(),
                    sb.patchIndex(), sb.patches() == null ? null : sb.patches().index()).downloadBytes();
            System.out.printf("server: A and B published, B with %d patches (%d ms)%n", patches,
                    (System.nanoTime() - t) / 1_000_000);

            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + xmx, "-Dlogback.configurationFile=logback-test.xml",
                    "-cp", System.getProperty("java.class.path"), DevicePatchBenchmark.class.getName(), "device",
                    lab.server.url(), lab.appId, Codec.hex(Ed25519.publicKey(lab.keys().rootKey)),
                    Codec.hex(lab.keys().contentKey), tmp.resolve("device").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8)); Writer in = new java.io.OutputStreamWriter(child.getOutputStream(),
                    StandardCharsets.UTF_8)) {
                String deviceId = null;
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("on 1.1.0 ")) {
                        deviceId = line.substring("on 1.1.0 ".length()).strip();
                        lab.serve("1.2.0");
                        in.write("go\n");
                        in.flush();
                    } else if (line.equals("measured")) { // the device stays up until its events reach the server
                        System.out.println("device: download_complete of 1.2.0 " + downloadComplete(lab, deviceId));
                        in.write("stop\n");
                        in.flush();
                    } else if (line.startsWith("wire ")) {
                        long wire = Long.parseLong(line.substring(5));
                        System.out.printf("wire bytes %,d vs bundle diff downloadBytes %,d: %+.2f %%%n", wire, expected,
                                (wire - expected) * 100.0 / expected);
                    } else {
                        System.out.println(line);
                    }
                }
                if (child.waitFor() != 0) {
                    throw new IllegalStateException("the device JVM failed (exit " + child.exitValue() + ")");
                }
            }
        }
    }

    private static JsonNode downloadComplete(DeviceLab lab, String deviceId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : lab.serverEvents(deviceId)) {
                if (e.path("action").asText().equals("download_complete")
                        && "1.2.0".equals(e.path("bundle").asText())) {
                    return e.path("details");
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** The child: one harness device on {@code url}; installs A, says so, waits for "go", updates to B. */
    private static void device(String[] args) throws Exception {
        String url = args[1];
        String appId = args[2];
        UpdaterConfig config = UpdaterConfig.builder(url, appId, java.util.HexFormat.of().parseHex(args[3]), java.util.HexFormat.of().parseHex(args[4]))
                .autoUpdate(AutoUpdate.ALWAYS).appReadyTimeout(Duration.ofSeconds(30))
                .responseTimeout(Duration.ofSeconds(30)).retryBaseDelay(Duration.ofMillis(50)).maxRetries(2).build();
        Path dir = Path.of(args[5]);
        Path builtin = Files.createDirectories(dir.resolve("builtin"));
        Files.writeString(builtin.resolve("index.html"), "<!doctype html><title>builtin</title>");
        PrintStream out = System.out;
        try (DeviceEnvironment env = DeviceEnvironment.create(1);
                EmulatedDevice d = EmulatedDevice.builder(dir.resolve("devices"), "bench-1").environment(env)
                        .simulated(Map.of(), SimulatedBehaviour.readyAfter(Duration.ZERO)).build()) {
            d.install(new AppPackage(appId, "1.0.0", 10000, builtin, config));
            d.coldStart();
            d.await(Await.current("1.1.0", "success"), Duration.ofMinutes(5));
            d.updater().awaitIdle(Duration.ofSeconds(30));
            out.println("on 1.1.0 " + d.updater().getDeviceId());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("no go");
            }
            d.traffic().clear();
            d.kill();
            System.gc();
            System.gc();
            List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            long t0 = System.nanoTime();
            Instant from = Instant.now();
            d.coldStart();
            d.await(Await.current("1.2.0", "success"), Duration.ofMinutes(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long peak = 0;
            for (MemoryPoolMXBean p : pools) {
                if (p.getType() == MemoryType.HEAP) {
                    peak += p.getPeakUsage().getUsed();
                }
            }
            Instant downloadStart = null;
            Instant downloadDone = null;
            for (LogEntry e : d.log()) {
                if (e.at().isBefore(from) || !e.message().contains("\"version\":\"1.2.0\"")) {
                    continue;
                }
                if (downloadStart == null && e.message().startsWith("event download {")) {
                    downloadStart = e.at();
                } else if (downloadDone == null && e.message().startsWith("event downloadComplete")) {
                    downloadDone = e.at();
                }
            }
            out.printf("device: A -> B in %d ms (cold start to B confirmed); download step %d ms; %,d bytes read from"
                    + " /blobs/; peak heap %.1f MB with -Xmx %d MB%n", ms, downloadStart == null
                    || downloadDone == null ? -1 : Duration.between(downloadStart, downloadDone).toMillis(),
                    d.traffic().bodyBytes("/blobs/"), peak / 1e6, Runtime.getRuntime().maxMemory() >> 20);
            out.println("wire " + d.traffic().bodyBytes("/blobs/"));
            out.println("measured");
            out.flush();
            in.readLine(); // "stop", once the server has the device's download_complete
        }
    }
}
