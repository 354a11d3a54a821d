package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.DeviceEnvironment;
import dev.patchbay.harness.DeviceState;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.SimulatedBehaviour;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bundle publish` makes binary patches from earlier releases on the server (bundle-format §5.4), `bundle diff`
 * counts them in `downloadBytes`, and an emulated device on the earlier release reads exactly that from the server.
 */
class PatchPublishCliTest {
    @TempDir
    static Path tmp;
    static PatchbayServer server;
    static Map<String, String> env;

    @BeforeAll
    static void startServer() throws Exception {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        env = Map.of("PATCHBAY_SERVER", server.url(), "PATCHBAY_API_KEY",
                Files.readString(server.adminApiKeyFile()).strip(), Passphrases.ENV, BundleCliTest.PASS);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static BundleCliTest.Result ok(String... args) {
        BundleCliTest.Result r = BundleCliTest.run(env, args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        return r;
    }

    /** A web build of 12 files of JavaScript-like text; {@code edits} small edits in half of them. */
    static Path web(String name, int edits) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("assets"));
        Files.writeString(dir.resolve("index.html"), "<!doctype html><script src=assets/f00.js></script>");
        for (int i = 0; i < 12; i++) {
            StringBuilder s = new StringBuilder(BundleCliTest.script(i, 80_000));
            if (i % 2 == 0) {
                for (int e = 1; e <= edits; e++) {
                    s.insert(e * 7_000, "/* release edit " + e + " */ const x" + e + " = " + (e * 31) + ";\n");
                }
            }
            Files.writeString(dir.resolve(String.format("assets/f%02d.js", i)), s);
        }
        return dir;
    }

    @Test
    void aDeviceOnAFetchesWhatDiffSaysPatchesIncluded() throws Exception {
        String appId = "com.example.patches";
        ok("app", "create", appId, "--name", "Patches");
        ok("channel", "create", "production", "--app", appId, "--default-for", "android");
        Path keys = tmp.resolve("keys");
        AppKeys.create(appId, keys, BundleCliTest.PASS.toCharArray(), dev.patchbay.crypto.KeyFileOptions.FAST)
                .close();
        JsonNode first = ok("bundle", "publish", web("a", 1).toString(), "--app", appId, "--version", "1.0.0",
                "--keys", keys.toString(), "--channel", "production", "--json", "-q").json();
        assertEquals(0, first.path("patches").asInt(), "nothing to patch from");

        // A device runs 1.0.0.
        UpdaterConfig config;
        try (AppKeys k = AppKeys.load(appId, keys, BundleCliTest.PASS.toCharArray())) {
            config = UpdaterConfig.builder(server.url(), appId, k.trust().rootPublicKey(), k.contentKey())
                    .autoUpdate(AutoUpdate.ALWAYS).responseTimeout(Duration.ofSeconds(5))
                    .retryBaseDelay(Duration.ofMillis(50)).maxRetries(2).build();
        }
        Path builtin = Files.createDirectories(tmp.resolve("builtin"));
        Files.writeString(builtin.resolve("index.html"), "<!doctype html><title>builtin</title>");
        try (DeviceEnvironment devices = DeviceEnvironment.create(2);
                EmulatedDevice d = EmulatedDevice.builder(tmp.resolve("devices"), "sim-1").environment(devices)
                        .simulated(Map.of(), SimulatedBehaviour.readyAfter(Duration.ZERO)).build()) {
            d.install(new AppPackage(appId, "0.9.0", 10000, builtin, config));
            d.coldStart();
            try {
                d.await(current("1.0.0"), Duration.ofSeconds(20));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(d.tail(40), e);
            }

            // With PATCHBAY_PUBLISH_TIMING the publish ends with its phase breakdown on stderr, in order.
            Map<String, String> timed = new java.util.HashMap<>(env);
            timed.put(PublishTiming.ENV, "1");
            BundleCliTest.Result secondRun = BundleCliTest.run(timed, "bundle", "publish", web("b", 2).toString(),
                    "--app", appId, "--version", "1.0.1", "--keys", keys.toString(), "--channel", "production",
                    "--json", "-q");
            assertEquals(0, secondRun.code(), secondRun.err());
            java.util.List<String> phases = secondRun.err().lines().filter(l -> l.startsWith("timing: "))
                    .map(l -> l.substring(8).replaceAll("\\s+-?\\d+ ms$", "")).toList();
            assertEquals(java.util.List.of("jvm start, class loading, parsing", "read input (list files)",
                    "keys (agent or key files)", "trust checks (server)", "list bundles (server)",
                    "load patch bases (download, open)", "compress, seal files", "patches, manifest, sign",
                    "open upload session (server)", "upload blobs", "commit (server)", "capgo, channel",
                    "total (process start to here)"), phases, secondRun.err());
            JsonNode second = secondRun.json();
            assertEquals(6, second.path("patches").asInt(), second.toString());
            JsonNode diff = ok("bundle", "diff", "1.0.0", "1.0.1", "--app", appId, "--keys", keys.toString(),
                    "--json").json();
            assertEquals(6, diff.path("changed").size());
            assertEquals(6, diff.path("patchedFiles").asInt());
            long download = diff.path("downloadBytes").asLong();
            long wholeFiles = second.path("uploadedBytes").asLong() - second.path("patchBytes").asLong();
            assertTrue(download * 10 < wholeFiles, download + " with patches, " + wholeFiles + " whole");

            d.traffic().clear();
            d.kill();
            d.coldStart();
            d.await(current("1.0.1"), Duration.ofSeconds(20));
            assertEquals(download, d.traffic().bodyBytes("/blobs/"), d.traffic().exchanges("/blobs/").toString());
            String text = ok("bundle", "diff", "1.0.0", "1.0.1", "--app", appId, "--keys", keys.toString()).out();
            assertTrue(text.contains(", 6 files as binary patches"), text);
        }
    }

    static Predicate<DeviceState> current(String version) {
        return s -> s.current() != null && version.equals(s.current().version())
                && !"builtin".equals(s.current().id())
                && "success".equals(s.current().status());
    }
}
