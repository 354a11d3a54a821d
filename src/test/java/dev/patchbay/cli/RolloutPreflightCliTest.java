package dev.patchbay.cli;

import static dev.patchbay.cli.HarnessCliTest.APP;
import static dev.patchbay.cli.HarnessCliTest.appWithChannel;
import static dev.patchbay.cli.HarnessCliTest.run;
import static dev.patchbay.cli.PreflightCliTest.site;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.AuditEntry;
import dev.patchbay.client.AuditQuery;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchbay rollout start --preflight} against a real server with real WebView devices: a bundle that confirms
 * starts (the preflight's outcome in the audit entry); one that does not is refused and nothing starts; with
 * {@code --force} it starts and the audit entry keeps the failure and the reason.
 */
class RolloutPreflightCliTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedPreflightRefusesTheStartUnlessForcedAndTheAuditLogSaysSo() throws Exception {
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data")))) {
            Path keys = tmp.resolve("keys");
            Map<String, String> env = appWithChannel(server, keys);
            PatchbayClient client = PatchbayClient.connect(server.url(), env.get("PATCHBAY_API_KEY"));
            Path good = site(tmp.resolve("good"), "<h1>Shop 1.1.0</h1>"
                    + "<script>Capacitor.Plugins.CapacitorUpdater.notifyAppReady();</script>");
            assertEquals(0, run(env, "bundle", "publish", good.toString(), "--app", APP, "--version", "1.1.0",
                    "--keys", keys.toString(), "--quiet").code());
            Path bad = site(tmp.resolve("bad"), "<h1>Shop 1.2.0</h1><script>throw new Error('boom at start');</script>");
            assertEquals(0, run(env, "bundle", "publish", bad.toString(), "--app", APP, "--version", "1.2.0",
                    "--keys", keys.toString(), "--quiet").code());

            HarnessCliTest.Result usage = run(env, "rollout", "start", "--app", APP, "--channel", "production",
                    "--bundle", "1.1.0", "--reason", "canary", "--force");
            assertEquals(Cli.USAGE, usage.code(), usage.err());
            assertTrue(usage.err().contains("--preflight"), usage.err());
            HarnessCliTest.Result noKeys = run(env, "rollout", "start", "--app", APP, "--channel", "production",
                    "--bundle", "1.1.0", "--reason", "canary", "--preflight");
            assertEquals(Cli.USAGE, noKeys.code(), noKeys.err());
            assertTrue(noKeys.err().contains("--keys"), noKeys.err());

            // Passes: the rollout starts and its audit entry carries the preflight's outcome.
            HarnessCliTest.Result ok = run(env, "rollout", "start", "--app", APP, "--channel", "production",
                    "--bundle", "1.1.0", "--reason", "canary", "--preflight", "--preflight-devices", "1",
                    "--keys", keys.toString(), "--preflight-out", tmp.resolve("pf1").toString(), "--json");
            assertEquals(0, ok.code(), ok.err() + ok.out());
            JsonNode started = Json.mapper().readTree(ok.out());
            assertEquals("1.1.0", started.path("targetBundle").asText(), ok.out());
            assertTrue(ok.err().contains("confirmed"), ok.err());
            assertTrue(Files.isRegularFile(tmp.resolve("pf1").resolve("report.json")));
            String detail = startAudit(client).get(0).detail();
            assertTrue(detail.contains("preflight=passed: 1 of 1 devices confirmed 1.1.0 from builtin"), detail);
            assertEquals(0, run(env, "rollout", "promote", "--app", APP, "--channel", "production", "--reason",
                    "all good").code());

            // Fails: refused, nothing started, the channel still serves 1.1.0.
            HarnessCliTest.Result refused = run(env, "rollout", "start", "--app", APP, "--channel", "production",
                    "--bundle", "1.2.0", "--reason", "next", "--preflight", "--preflight-devices", "1",
                    "--preflight-app-ready-timeout", "1s", "--keys", keys.toString(),
                    "--preflight-out", tmp.resolve("pf2").toString());
            assertEquals(Cli.FAILED, refused.code(), refused.err() + refused.out());
            assertTrue(refused.err().contains("Not starting the rollout"), refused.err());
            assertTrue(refused.err().contains("from 1.1.0"), "--from defaults to what the channel serves: "
                    + refused.err());
            assertTrue(refused.err().contains("boom at start"), refused.err());
            assertFalse(client.rollout(APP, "production").active(), "no rollout started");
            assertEquals("1.1.0", client.getChannel(APP, "production").bundle());
            assertEquals(1, startAudit(client).size(), "no start was audit-logged");

            // Forced: starts, and the audit entry keeps the failure and the reason.
            HarnessCliTest.Result forced = run(env, "rollout", "start", "--app", APP, "--channel", "production",
                    "--bundle", "1.2.0", "--reason", "hotfix for the outage, splash screen only", "--preflight",
                    "--preflight-devices", "1", "--preflight-app-ready-timeout", "1s", "--from", "1.1.0", "--force",
                    "--keys", keys.toString(), "--preflight-out", tmp.resolve("pf3").toString());
            assertEquals(0, forced.code(), forced.err() + forced.out());
            assertTrue(forced.err().contains("starting anyway"), forced.err());
            assertTrue(client.rollout(APP, "production").active());
            String forcedDetail = startAudit(client).get(0).detail();
            assertTrue(forcedDetail.contains("preflight=FAILED (started with --force): 0 of 1 devices confirmed 1.2.0"
                    + " from 1.1.0"), forcedDetail);
            assertTrue(forcedDetail.contains("notifyAppReady"), forcedDetail);
            assertTrue(forcedDetail.contains("1 JS error"), forcedDetail);
            assertTrue(forcedDetail.contains("reason=hotfix for the outage, splash screen only"), forcedDetail);
        }
    }

    private static List<AuditEntry> startAudit(PatchbayClient client) {
        return client.audit(new AuditQuery(APP, null, "rollout.start", null, null, null, 50, null)).items();
    }
}
