package dev.patchbay.cli;

import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * bench/preflight.sh: wall time of {@code patchbay bundle preflight --devices N} for a web app of about SIZE MB (the
 * Capacitor app built by the tests, plus SIZE MB of incompressible media), against a local server.
 * Usage: PreflightBenchmark APP_DIST_DIR SIZE_MB DEVICES
 */
public final class PreflightBenchmark {
    private PreflightBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
        int mb = Integer.parseInt(args[1]);
        int devices = Integer.parseInt(args[2]);
        Path tmp = Files.createTempDirectory("patchbay-preflight-bench-");
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data")))) {
            Path keys = tmp.resolve("keys");
            Map<String, String> env = HarnessCliTest.appWithChannel(server, keys);
            Path site = Files.createDirectories(tmp.resolve("site"));
            try (var files = Files.walk(dist)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path to = site.resolve(dist.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
            Files.writeString(site.resolve("scenario.json"), "{\"version\": \"1.1.0\", \"ready\": true}");
            byte[] media = new byte[mb << 20];
            new Random(1).nextBytes(media);
            Files.write(site.resolve("assets").resolve("media.bin"), media);
            HarnessCliTest.Result pub = HarnessCliTest.run(env, "bundle", "publish", site.toString(), "--app",
                    HarnessCliTest.APP, "--version", "1.1.0", "--keys", keys.toString(), "--quiet");
            if (pub.code() != 0) {
                throw new IllegalStateException(pub.err());
            }
            long t = System.nanoTime();
            HarnessCliTest.Result r = HarnessCliTest.run(env, "bundle", "preflight", "--app", HarnessCliTest.APP,
                    "--version", "1.1.0", "--devices", Integer.toString(devices), "--keys", keys.toString(), "--out",
                    tmp.resolve("out").toString(), "--timeout", "120s");
            double wall = (System.nanoTime() - t) / 1e9;
            System.out.println(r.out());
            System.err.println(r.err());
            System.out.printf("RESULT preflight devices=%d appMB=%d exit=%d wall=%.1fs%n", devices, mb, r.code(), wall);
        } finally {
            if (System.getenv("KEEP") == null) {
                HarnessCommand.deleteTree(tmp);
            } else {
                System.out.println("kept " + tmp);
            }
        }
        System.exit(0);
    }
}
