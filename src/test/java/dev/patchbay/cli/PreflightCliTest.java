package dev.patchbay.cli;

import static dev.patchbay.cli.HarnessCliTest.APP;
import static dev.patchbay.cli.HarnessCliTest.appWithChannel;
import static dev.patchbay.cli.HarnessCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchbay bundle preflight}: published bundles boot in real WebView devices (headless) against a real server;
 * a healthy bundle passes with screenshots, a broken one fails (exit 1) with its JS errors and failed loads, and the
 * temporary channel is gone afterwards.
 */
class PreflightCliTest {
    @TempDir
    Path tmp;

    static Path site(Path dir, String body) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><html><head><title>t</title></head><body>" + body
                + "</body></html>");
        return dir;
    }

    @Test
    void aHealthyBundlePassesAndABrokenOneFailsSayingWhy() throws Exception {
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data")))) {
            Path keys = tmp.resolve("keys");
            Map<String, String> env = appWithChannel(server, keys);
            Path good = site(tmp.resolve("good"), "<h1 style='color:#c00'>Shop 1.1.0</h1>"
                    + "<script>Capacitor.Plugins.CapacitorUpdater.notifyAppReady();</script>");
            assertEquals(0, run(env, "bundle", "publish", good.toString(), "--app", APP, "--version", "1.1.0",
                    "--keys", keys.toString(), "--quiet").code());
            Path bad = site(tmp.resolve("bad"), "<h1>Shop 1.2.0</h1><script src='missing.js'></script>"
                    + "<script>throw new Error('boom at start');</script>");
            assertEquals(0, run(env, "bundle", "publish", bad.toString(), "--app", APP, "--version", "1.2.0",
                    "--keys", keys.toString(), "--quiet").code());

            Path out = tmp.resolve("pf1");
            HarnessCliTest.Result ok = run(env, "bundle", "preflight", "--app", APP, "--version", "1.1.0", "--devices",
                    "2", "--keys", keys.toString(), "--out", out.toString(), "--json");
            assertEquals(0, ok.code(), ok.err() + ok.out());
            JsonNode r = Json.mapper().readTree(ok.out());
            assertTrue(r.path("passed").asBoolean(), r.toString());
            assertEquals(2, r.path("devices").size());
            for (JsonNode d : r.path("devices")) {
                assertTrue(d.path("confirmed").asBoolean(), d.toString());
                assertTrue(d.path("confirmedAfterMs").asLong(-1) >= 0, d.toString());
                assertEquals("1.1.0", d.path("finalVersion").asText(), d.toString());
                assertTrue(d.path("bytesDownloaded").asLong() > 0, d.toString());
                assertEquals(0, d.path("jsErrors").size(), d.toString());
                BufferedImage png = ImageIO.read(out.resolve(d.path("screenshot").asText()).toFile());
                assertNotNull(png, d.toString());
                assertEquals(412, png.getWidth());
                boolean red = false;
                for (int y = 0; y < 120 && !red; y++) {
                    for (int x = 0; x < png.getWidth() && !red; x++) {
                        int rgb = png.getRGB(x, y);
                        red = ((rgb >> 16) & 0xff) > 150 && ((rgb >> 8) & 0xff) < 80 && (rgb & 0xff) < 80;
                    }
                }
                assertTrue(red, "the screenshot shows the page's red heading: " + d);
            }
            assertTrue(Files.isRegularFile(out.resolve("report.json")));

            Path out2 = tmp.resolve("pf2");
            HarnessCliTest.Result failed = run(env, "bundle", "preflight", "--app", APP, "--version", "1.2.0",
                    "--from", "1.1.0", "--devices", "1", "--keys", keys.toString(), "--out", out2.toString(),
                    "--app-ready-timeout", "1s", "--timeout", "40s");
            assertEquals(Cli.FAILED, failed.code(), failed.err() + failed.out());
            assertTrue(failed.out().contains("NOT confirmed"), failed.out());
            JsonNode d = Json.mapper().readTree(Files.readString(out2.resolve("report.json"))).path("devices").get(0);
            assertFalse(d.path("confirmed").asBoolean(), d.toString());
            assertTrue(d.path("failure").asText().contains("notifyAppReady"), d.toString());
            assertTrue(d.path("jsErrors").toString().contains("boom at start"), d.toString());
            assertTrue(d.path("failedResources").toString().contains("missing.js"), d.toString());
            assertEquals("1.1.0", d.path("finalVersion").asText(), "rolled back to where it came from: " + d);

            String channels = run(env, "channel", "list", "--app", APP, "--json").out();
            assertFalse(channels.contains("preflight-"), channels);
            HarnessCliTest.Result unknown = run(env, "bundle", "preflight", "--app", APP, "--version", "9.9.9",
                    "--keys", keys.toString(), "--out", tmp.resolve("pf3").toString());
            assertEquals(Cli.FAILED, unknown.code());
            assertTrue(unknown.err().contains("9.9.9"), unknown.err());
        }
    }
}
