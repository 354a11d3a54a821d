package dev.patchbay.cli;

import static dev.patchbay.cli.BundleCliTest.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchbay rollout ...} against a real server (in-process, real HTTP on loopback, real H2). */
class RolloutCliTest {
    @TempDir
    static Path tmp;
    static PatchbayServer server;
    static Map<String, String> env;
    static PatchbayClient client;

    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        String key = Files.readString(server.adminApiKeyFile()).strip();
        env = new HashMap<>();
        env.put("PATCHBAY_SERVER", server.url());
        env.put("PATCHBAY_API_KEY", key);
        env.put(Passphrases.ENV, PASS);
        client = PatchbayClient.connect(server.url(), key);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        return r;
    }

    static JsonNode json(String... args) throws IOException {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--json";
        return ok(all).json();
    }

    /** Refused: exit 1, one line "patchbay: <the server's message>" on stderr, nothing on stdout. */
    static String refused(String... args) {
        Result r = run(args);
        assertEquals(1, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("patchbay: "), r.err());
        assertEquals("", r.out());
        return r.err().strip();
    }

    /** Bad usage: exit 2, the problem and a --help hint on stderr. */
    static String usage(String... args) {
        Result r = run(args);
        assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        assertTrue(r.err().contains("--help"), r.err());
        return r.err();
    }

    static String[] args(String verb, String app, String... more) {
        String[] base = {"rollout", verb, "--app", app, "--channel", "production"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** An app with keys, a channel "production" serving 1.4.0 and a published 1.5.0. */
    static Path appWithTwoBundles(String appId) throws IOException {
        ok("app", "create", appId, "--name", "Shop");
        ok("channel", "create", "production", "--app", appId);
        Path keys = tmp.resolve("keys-" + appId);
        AppKeys.create(appId, keys, PASS.toCharArray(), KeyFileOptions.FAST).close();
        ok("bundle", "publish", web(appId, "1.4.0").toString(), "--app", appId, "--version", "1.4.0", "--keys",
                keys.toString(), "--channel", "production", "-q");
        ok("bundle", "publish", web(appId, "1.5.0").toString(), "--app", appId, "--version", "1.5.0", "--keys",
                keys.toString(), "-q");
        return keys;
    }

    static Path web(String appId, String version) throws IOException {
        Path dir = tmp.resolve("web-" + appId + "-" + version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><p>" + version + "</p>");
        Files.writeString(dir.resolve("main.js"), "console.log('" + version + "');");
        return dir;
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "expected \"" + part + "\" in:\n" + text);
    }

    @Test
    void badUsageExitsTwo() {
        String app = "com.example.usage";
        String pct = usage(args("set", app, "--percent", "12.345", "--reason", "r"));
        assertTrue(pct.contains("--percent") && pct.contains("more than two decimals"), pct);
        assertContains(usage(args("set", app, "--percent", "abc", "--reason", "r")), "not a percentage");
        assertContains(usage(args("set", app, "--percent", "101", "--reason", "r")), "between 0 and 100");
        assertContains(usage(args("set", app, "--bps", "10001", "--reason", "r")), "between 0 and 10000");
        assertContains(usage(args("set", app, "--percent", "5", "--bps", "500", "--reason", "r")), "cannot be used together");
        assertContains(usage(args("set", app, "--reason", "r")), "--percent P or --bps N");
        assertContains(usage(args("pause", app)), "--reason");
        assertContains(usage(args("pause", app, "--reason", " ")), "--reason must not be empty");
        assertContains(usage(args("start", app, "--bundle", "1.5.0", "--plan", "10,5", "--reason", "r")), "Stage percentages must increase");
        assertContains(usage(args("start", app, "--bundle", "1.5.0", "--plan", "1,10", "--percent", "5",
                "--reason", "r")), "leave out --percent");
        assertContains(usage(args("start", app, "--bundle", "1.5.0", "--soak", "1h", "--reason", "r")), "belong to a --plan");
        assertContains(usage(args("start", app, "--bundle", "1.5.0", "--plan", "1,100", "--soak", "1w",
                "--reason", "r")), "not a duration");
        assertContains(usage(args("start", app, "--bundle", "1.5.0", "--threshold", "5", "--reason", "r")), "ambiguous");
        assertContains(usage(args("start", app, "--bundle", "1.5.0", "--action", "explode", "--reason", "r")), "Unknown health action");
        assertContains(usage(args("plan", app, "--reason", "r")), "Nothing to change");
    }

    @Test
    void optionValues() {
        assertEquals(1250, RolloutOptions.percent("12.5"));
        assertEquals(1250, RolloutOptions.percent("12.5%"));
        assertEquals(1250, RolloutOptions.percent(" 12.50 % "));
        assertEquals(1, RolloutOptions.percent("0.01"));
        assertEquals(10000, RolloutOptions.percent("100"));
        assertEquals(0, RolloutOptions.percent("0"));
        assertEquals(3600L, new RolloutOptions.SecondsConverter().convert("1h"));
        assertEquals(900L, new RolloutOptions.SecondsConverter().convert("15m"));
        assertEquals(90L, new RolloutOptions.SecondsConverter().convert("90"));
        assertEquals(172_800L, new RolloutOptions.SecondsConverter().convert("2d"));
        assertEquals(0.05, new RolloutOptions.RateConverter().convert("5%"), 1e-12);
        assertEquals(0.05, new RolloutOptions.RateConverter().convert("0.05"), 1e-12);
        assertEquals(0.125, new RolloutOptions.RateConverter().convert("12.5 %"), 1e-12);
        assertEquals("1h", RolloutCommand.seconds(3600));
        assertEquals("90s", RolloutCommand.seconds(90));
    }

    @Test
    void aRolloutFromStartToPromoteThenOneRolledBack() throws Exception {
        String app = "com.example.roll";
        Path keys = appWithTwoBundles(app); // 1.4.0 (sequence 1) on production, 1.5.0 (sequence 2)

        // start: a plan, a health policy, and the rollback release built from 1.4.0 and attached
        Result started = ok(args("start", app, "--bundle", "1.5.0", "--plan", "1,10,50%,100", "--soak", "1h",
                "--threshold", "5%", "--window", "30m", "--min-attempts", "20", "--keys", keys.toString(),
                "--reason", "CI 1234: 1.5.0"));
        assertContains(started.out(), "Started rollout of 1.5.0 on production at 1.00 % (rollback release"
                + " 1.4.0+rollback.3 armed)");
        assertContains(started.out(), "Stage:");
        JsonNode r = json(args("status", app));
        assertEquals("running", r.get("state").asText());
        assertEquals(100, r.get("bps").asInt());
        assertEquals("1.5.0", r.get("targetBundle").asText());
        assertEquals("1.4.0", r.get("stableBundle").asText());
        assertEquals("1.4.0+rollback.3", r.get("rollbackBundle").asText());
        assertEquals(0, r.get("stageIndex").asInt());
        assertEquals(4, r.get("plan").get("stages").size());
        assertEquals(5000, r.get("plan").get("stages").get(2).get("bps").asInt());
        assertEquals(3600, r.get("plan").get("stages").get(0).get("minSoakSeconds").asLong());
        assertEquals(0.05, r.get("health").get("threshold").asDouble(), 1e-9);
        assertEquals(1800, r.get("health").get("windowSeconds").asLong());
        assertEquals(20, r.get("health").get("minAttempts").asLong());
        assertEquals("CI 1234: 1.5.0", r.get("reason").asText());
        String id = r.get("id").asText();

        // the rollback release: a published bundle with 1.4.0's content and the next sequence, served by no channel
        JsonNode bundles = json("bundle", "list", "--app", app);
        JsonNode rb = null;
        for (JsonNode b : bundles) {
            if (b.get("version").asText().equals("1.4.0+rollback.3")) {
                rb = b;
            }
        }
        assertNotNull(rb, bundles.toString());
        assertEquals(3, rb.get("sequence").asLong());
        assertEquals("1.4.0", rb.path("rollbackOf").asText());
        assertContains(ok("bundle", "show", "1.4.0+rollback.3", "--app", app).out(), "Rollback of:");
        assertTrue(rb.path("channels").isEmpty(), rb.toString());
        VerifiedRelease rollback = verified(app, keys, "1.4.0+rollback.3");
        VerifiedRelease stable = verified(app, keys, "1.4.0");
        assertEquals(stable.manifest(), rollback.manifest());
        assertEquals(stable.blobs(), rollback.blobs());
        assertEquals("1.4.0", client.getChannel(app, "production").bundle());

        // set: 12.5 % is stage 2 of 4 (the last stage at or below it)
        Result set = ok(args("set", app, "--percent", "12.5%", "--reason", "looks fine"));
        assertContains(set.out(), "now at 12.50 %");
        assertContains(set.out(), "2 of 4");
        assertContains(set.out(), "looks fine");
        assertEquals(1250, json(args("status", app)).get("bps").asInt());
        assertEquals(1250, json(args("set", app, "--bps", "1250", "--reason", "same again")).get("bps").asInt());

        // pause / resume, and a refused second pause
        assertEquals("paused", json(args("pause", app, "--reason", "crash reports")).get("state").asText());
        String twice = refused(args("pause", app, "--reason", "again"));
        assertFalse(twice.isBlank());
        assertContains(ok(args("status", app)).out(), "paused");
        assertEquals("running", json(args("resume", app, "--reason", "false alarm")).get("state").asText());

        // --expect-revision: a pipeline acts on the state it read, or not at all
        long seen = json(args("status", app)).get("revision").asLong();
        assertEquals("paused", json(args("pause", app, "--reason", "hold", "--expect-revision",
                String.valueOf(seen))).get("state").asText());
        assertContains(refused(args("resume", app, "--reason", "stale", "--expect-revision", String.valueOf(seen))),
                "changed meanwhile");
        assertEquals("paused", json(args("status", app)).get("state").asText(), "the stale resume changed nothing");
        assertEquals("running", json(args("resume", app, "--reason", "go on", "--expect-revision",
                String.valueOf(seen + 1))).get("state").asText());

        // advance: stage 3 of 4 at 50 %
        Result advanced = ok(args("advance", app, "--reason", "CI: advance"));
        assertContains(advanced.out(), "to 50.00 %");
        JsonNode status = json(args("status", app));
        assertEquals(5000, status.get("bps").asInt());
        assertEquals(2, status.get("stageIndex").asInt());
        assertEquals("CI: advance", status.get("reason").asText());
        Result text = ok(args("status", app));
        assertContains(refused(args("resume", app, "--reason", "not paused")), "patchbay: Cannot resume rollout " + id);
        assertContains(text.out(), "running");
        assertContains(text.out(), "50.00 %");
        assertContains(text.out(), "3 of 4");
        assertContains(text.out(), "1.4.0+rollback.3");

        // plan: change the health policy of the active rollout
        JsonNode planned = json(args("plan", app, "--threshold", "0.1", "--action", "notify", "--reason",
                "noisier app"));
        assertEquals(0.1, planned.get("health").get("threshold").asDouble(), 1e-9);
        assertEquals("notify", planned.get("health").get("action").asText());

        // one rollout per channel
        refused(args("start", app, "--bundle", "1.5.0", "--percent", "1", "--reason", "again"));

        // promote: the channel serves 1.5.0 to everyone
        JsonNode promoted = json(args("promote", app, "--reason", "healthy at 50 %"));
        assertEquals("completed", promoted.get("state").asText());
        assertEquals(10000, promoted.get("bps").asInt());
        assertEquals("1.5.0", client.getChannel(app, "production").bundle());
        refused(args("pause", app, "--reason", "too late"));

        // history: every change, with its reason
        JsonNode history = json(args("history", app));
        java.util.List<String> reasons = new java.util.ArrayList<>();
        history.forEach(h -> reasons.add(h.get("reason").asText()));
        for (String reason : new String[] {"CI 1234: 1.5.0", "looks fine", "crash reports", "false alarm",
                "CI: advance", "healthy at 50 %"}) {
            assertTrue(reasons.contains(reason), reason + " in " + reasons);
        }
        assertEquals(history.size(), json("rollout", "history", "--app", app, "--channel", "production", "--id",
                id).size());
        assertContains(ok(args("history", app)).out(), "crash reports");

        // a second rollout without a rollback release: rolling back is refused until --keys builds one
        ok("bundle", "publish", web(app, "1.6.0").toString(), "--app", app, "--version", "1.6.0", "--keys",
                keys.toString(), "-q");
        // a rollback health action needs a rollback release when the stable is a bundle
        assertContains(refused(args("start", app, "--bundle", "1.6.0", "--percent", "1", "--action", "rollback",
                "--reason", "x")).toLowerCase(java.util.Locale.ROOT), "rollback");
        JsonNode second = json(args("start", app, "--bundle", "1.6.0", "--percent", "5", "--reason", "1.6.0"));
        assertTrue(second.get("rollbackBundle").isNull(), second.toString());
        assertEquals("1.5.0", second.get("stableBundle").asText());
        refused(args("rollback", app, "--reason", "broken"));
        Result rolledBack = ok(args("rollback", app, "--keys", keys.toString(), "--reason", "broken"));
        assertContains(rolledBack.out(), "Rolled back 1.6.0 on production: it serves 1.5.0+rollback.5");
        JsonNode after = json(args("status", app));
        assertEquals("rolled_back", after.get("state").asText());
        assertEquals("1.5.0+rollback.5", after.get("rollbackBundle").asText());
        assertEquals("1.5.0+rollback.5", client.getChannel(app, "production").bundle());
        assertEquals(verified(app, keys, "1.5.0").manifest(), verified(app, keys, "1.5.0+rollback.5").manifest());

        // refusals name the problem
        assertContains(refused(args("start", app, "--bundle", "9.9.9", "--percent", "1", "--reason", "x")),
                "9.9.9");
        refused(args("set", app, "--percent", "20", "--reason", "ended"));
        refused("rollout", "status", "--app", app, "--channel", "nope");
        // 1.6.0's sequence (4) is below the stable's now (the rollback release, 5): a new release is needed
        refused(args("start", app, "--bundle", "1.6.0", "--percent", "1", "--reason", "again"));
    }

    static VerifiedRelease verified(String app, Path keys, String version) {
        return ReleaseVerifier.verify(CanonicalJson.bytes(client.getBundle(app, version).envelope()),
                AppKeys.readTrust(app, keys));
    }
}
