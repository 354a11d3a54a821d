package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.domain.Json;
import dev.patchbay.harness.FleetMix;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchbay harness run} and {@code harness fleet}: a fleet of emulated devices against a real server, keys from the key folder. */
class HarnessCliTest {
    static final String APP = "com.example.fleet";

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** An app with keys in {@code keys}, its trust registered, the server certified, a default channel. */
    static Map<String, String> appWithChannel(PatchbayServer server, Path keys) throws Exception {
        String key = Files.readString(server.adminApiKeyFile()).strip();
        Map<String, String> env = new HashMap<>(Map.of("PATCHBAY_SERVER", server.url(), "PATCHBAY_API_KEY", key,
                Passphrases.ENV, "a long passphrase"));
        assertEquals(0, run(env, "key", "create", "--app", APP, "--dir", keys.toString(), "--kdf-cost=15").code());
        assertEquals(0, run(env, "app", "create", APP, "--name", "Fleet").code());
        PatchbayClient.connect(server.url(), key).registerTrust(APP, AppKeys.readTrust(APP, keys).toBytes());
        assertEquals(0, run(env, "key", "trust-server", "--app", APP, "--keys", keys.toString()).code());
        assertEquals(0, run(env, "channel", "create", "production", "--app", APP, "--default-for", "android,ios")
                .code());
        return env;
    }

    /**
     * {@code --web-view}: real WebViews run the bundles' JavaScript, so a bundle that calls notifyAppReady is
     * confirmed and one that does not is rolled back (exit 1).
     */
    @Test
    void webViewDevicesRunTheBundlesOwnJavaScript() throws Exception {
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data")))) {
            Path keys = tmp.resolve("keys");
            Map<String, String> env = appWithChannel(server, keys);
            Path site = Files.createDirectories(tmp.resolve("site"));
            Files.writeString(site.resolve("index.html"), "<html><body>1.2.0<script>"
                    + "Capacitor.Plugins.CapacitorUpdater.notifyAppReady();</script></body></html>");
            assertEquals(0, run(env, "bundle", "publish", site.toString(), "--app", APP, "--version", "1.2.0",
                    "--keys", keys.toString(), "--channel", "production", "--quiet").code());
            Result ok = run(env, "harness", "run", "--web-view", "--app", APP, "--server", server.url(), "--devices",
                    "2", "--keys", keys.toString(), "--json", "--timeout", "60", "--data-dir",
                    tmp.resolve("run1").toString());
            assertEquals(0, ok.code(), ok.err() + ok.out());
            JsonNode r = Json.mapper().readTree(ok.out());
            assertEquals(2, r.path("devices").size());
            for (JsonNode d : r.path("devices")) {
                assertTrue(d.path("serial").asText().startsWith("web-"), d.toString());
                assertEquals("1.2.0", d.path("version").asText(), d.toString());
                assertEquals("updated", d.path("outcome").asText(), d.toString());
            }

            Path silent = Files.createDirectories(tmp.resolve("silent"));
            Files.writeString(silent.resolve("index.html"), "<html><body>1.3.0, never ready</body></html>");
            assertEquals(0, run(env, "bundle", "publish", silent.toString(), "--app", APP, "--version", "1.3.0",
                    "--keys", keys.toString(), "--channel", "production", "--quiet").code());
            Result bad = run(env, "harness", "run", "--web-view", "--app", APP, "--server", server.url(),
                    "--devices", "1", "--keys", keys.toString(), "--json", "--timeout", "60", "--app-ready-timeout",
                    "1s", "--data-dir", tmp.resolve("run2").toString());
            JsonNode b = Json.mapper().readTree(bad.out()).path("devices").get(0);
            assertEquals("rolled_back", b.path("outcome").asText(), bad.out() + bad.err());
        }
    }

    @Test
    void devicesEndOnThePublishedBundle() throws Exception {
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data")))) {
            Path keys = tmp.resolve("keys");
            Map<String, String> env = appWithChannel(server, keys);
            Path site = Files.createDirectories(tmp.resolve("site"));
            Files.writeString(site.resolve("index.html"), "<html><body>2.0</body></html>");
            Result published = run(env, "bundle", "publish", site.toString(), "--app", APP, "--version", "1.2.0",
                    "--keys", keys.toString(), "--channel", "production", "--quiet");
            assertEquals(0, published.code(), published.err());

            Result json = run(env, "harness", "run", "--app", APP, "--server", server.url(), "--devices", "5",
                    "--keys", keys.toString(), "--mode", "atBackground", "--json", "--timeout", "60");
            assertEquals(0, json.code(), json.err() + json.out());
            JsonNode r = Json.mapper().readTree(json.out());
            assertEquals(5, r.path("devices").size());
            for (JsonNode d : r.path("devices")) {
                assertEquals("1.2.0", d.path("version").asText(), d.toString());
                assertEquals("success", d.path("status").asText(), d.toString());
                assertEquals("updated", d.path("outcome").asText(), d.toString());
            }
            assertTrue(r.path("peakHeapBytes").asLong() > 0);

            Result text = run(env, "harness", "run", "--app", APP, "--server", server.url(), "--devices", "2",
                    "--keys", keys.toString(), "--native-version", "1.5.0");
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("sim-0") && text.out().contains("1.2.0") && text.out().contains("updated"),
                    text.out());

            Result onlyDownload = run(env, "harness", "run", "--app", APP, "--server", server.url(), "--devices",
                    "2", "--keys", keys.toString(), "--mode", "onlyDownload", "--json", "--timeout", "60");
            assertEquals(0, onlyDownload.code(), onlyDownload.err() + onlyDownload.out());
            for (JsonNode d : Json.mapper().readTree(onlyDownload.out()).path("devices")) {
                assertEquals("updated", d.path("outcome").asText(), "the device's own set() installs: " + d);
                assertEquals("1.2.0", d.path("version").asText(), d.toString());
            }
            Result fleetOnlyDownload = run(env, "harness", "fleet", "--app", APP, "--server", server.url(),
                    "--keys", keys.toString(), "--mode", "onlyDownload", "--rounds", "1");
            assertEquals(Cli.FAILED, fleetOnlyDownload.code());
            assertTrue(fleetOnlyDownload.err().contains("installs by itself"), fleetOnlyDownload.err());

            Result fleet = run(env, "harness", "fleet", "--app", APP, "--server", server.url(), "--devices", "12",
                    "--keys", keys.toString(), "--failure-rate", "1.2.0=25%", "--platforms", "android=50,ios=50",
                    "--native", "1.4.0=50,1.3.0=50", "--rounds", "2", "--app-ready-timeout", "1s", "--seed", "cli",
                    "--json");
            assertEquals(0, fleet.code(), fleet.err() + fleet.out());
            String[] lines = fleet.out().strip().split("\n");
            assertEquals(3, lines.length, fleet.out());
            JsonNode round1 = Json.mapper().readTree(lines[0]);
            assertEquals(1, round1.path("round").asInt());
            JsonNode summary = Json.mapper().readTree(lines[2]).path("summary");
            int failing = 0;
            for (int i = 0; i < 12; i++) {
                String id = FleetMix.deviceId("cli", "sim-" + (i < 10 ? "0" : "") + i);
                failing += FleetMix.fails(id, "1.2.0", 0.25) ? 1 : 0;
            }
            assertEquals(failing, summary.path("rollbacks").asInt(), summary.toString());
            assertEquals(failing, summary.path("mix").path("failing").path("1.2.0").asInt(0), summary.toString());
            assertEquals(12 - failing, summary.path("byBundle").path("1.2.0").asInt(), summary.toString());
            assertEquals(12, summary.path("mix").path("platforms").path("android").asInt(0)
                    + summary.path("mix").path("platforms").path("ios").asInt(0), summary.toString());
            assertEquals(0, summary.path("errors").asInt(), summary.toString());

            Result text2 = run(env, "harness", "fleet", "--app", APP, "--server", server.url(), "--devices", "3",
                    "--keys", keys.toString(), "--rounds", "1");
            assertEquals(0, text2.code(), text2.err());
            assertTrue(text2.out().contains("round 1") && text2.out().contains("by bundle"), text2.out());

            Result badRate = run(env, "harness", "fleet", "--app", APP, "--server", server.url(), "--keys",
                    keys.toString(), "--failure-rate", "1.2.0=2");
            assertEquals(Cli.FAILED, badRate.code());
            assertTrue(badRate.err().contains("--failure-rate"), badRate.err());
            Result badNative = run(env, "harness", "fleet", "--app", APP, "--server", server.url(), "--keys",
                    keys.toString(), "--native", "1.4=10");
            assertEquals(Cli.FAILED, badNative.code());
            assertTrue(badNative.err().contains("--native"), badNative.err());
            Result badPlatform = run(env, "harness", "fleet", "--app", APP, "--server", server.url(), "--keys",
                    keys.toString(), "--platforms", "windows=1");
            assertEquals(Cli.FAILED, badPlatform.code());
            assertTrue(badPlatform.err().contains("--platforms"), badPlatform.err());

            Result wrongPass = run(Map.of(Passphrases.ENV, "not the passphrase"), "harness", "run", "--app", APP,
                    "--server", server.url(), "--keys", keys.toString());
            assertEquals(Cli.FAILED, wrongPass.code());
            assertTrue(wrongPass.err().contains("passphrase"), wrongPass.err());
            Result badMode = run(env, "harness", "run", "--app", APP, "--server", server.url(), "--keys",
                    keys.toString(), "--mode", "sometimes");
            assertEquals(Cli.FAILED, badMode.code());
            assertTrue(badMode.err().contains("--mode"), badMode.err());
        }
    }
}
