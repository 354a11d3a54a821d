package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.rollout.Rollout;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Capgo-compatible routes on a real server, driven with the request bodies of the reference plugin's lines 6, 7
 * and 8 ({@link CapgoPlugin}) and checked against what its sources parse (docs/capgo-compat.md).
 */
class CapgoCompatTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    PatchbayClient client;
    TestReleases.Sealed stable;
    byte[] zip140;
    byte[] zip150;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create();
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        f.channel("{\"name\":\"beta\",\"platforms\":[\"android\",\"ios\"],\"allowDeviceSelfAssign\":true}");
        f.channel("{\"name\":\"internal\",\"platforms\":[\"android\",\"ios\"]}");
        stable = f.publish("1.4.1", 1);
        f.publish("1.5.0", 2);
        f.patchChannel("production", "{\"bundle\":\"1.4.1\"}");
        f.patchChannel("beta", "{\"bundle\":\"1.5.0\"}");
        zip140 = CapgoPlugin.zip(Map.of("index.html", "<html>1.4.1</html>", "app.js", "one()"));
        zip150 = CapgoPlugin.zip(Map.of("index.html", "<html>1.5.0</html>", "app.js", "two()"));
        CapgoPlugin.uploadPlain(s, APP, "1.4.1", zip140);
        CapgoPlugin.uploadPlain(s, APP, "1.5.0", zip150);
        client = PatchbayClient.connect(s.url(), s.adminKey);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private void compat(boolean on) throws Exception {
        JsonNode app = json(s.json("PATCH", "/api/v1/apps/" + APP, "{\"capgoCompat\":" + on + "}"));
        assertEquals(on, app.path("capgoCompat").asBoolean());
    }

    private CapgoPlugin device(int major) {
        return new CapgoPlugin(s, APP, DeviceFixture.newDevice(), major);
    }

    private static void assertUpdate(JsonNode a, String version) {
        assertEquals(version, a.path("version").asText(), a.toString());
        // Any of these keys makes the plugin read "no update" (Android makeJsonRequest / 7.x "message").
        for (String key : List.of("error", "kind", "message")) {
            assertFalse(a.has(key), key + " in " + a);
        }
        assertTrue(a.path("url").asText().matches("http://.*/blobs/[0-9a-f]{64}"), a.toString());
        assertEquals("", a.path("session_key").asText());
    }

    @Test
    void updateUpToDateAndBuiltinRevertForEachPluginLine() throws Exception {
        CapgoPlugin off = device(8);
        HttpResponse<String> r = off.post("/updates", off.info().toString());
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("unknown_app", Json.mapper().readTree(r.body()).path("error").asText());
        compat(true);
        for (int major : new int[] {6, 7, 8}) {
            CapgoPlugin d = device(major);
            JsonNode a = d.check();
            assertUpdate(a, "1.4.1");
            assertEquals(CapgoPlugin.sha256(zip140), a.path("checksum").asText());
            // The url is an unauthenticated GET with Range, as the plugin resumes downloads.
            HttpResponse<byte[]> whole = s.getBytes(URI.create(a.path("url").asText()).getPath(), null);
            assertArrayEquals(zip140, whole.body());
            HttpResponse<byte[]> tail = s.raw("GET", URI.create(a.path("url").asText()).getPath(), null,
                    "Range", "bytes=10-");
            assertEquals(206, tail.statusCode());
            assertArrayEquals(Arrays.copyOfRange(zip140, 10, zip140.length), tail.body());
            d.versionName = "1.4.1";
            JsonNode same = d.check();
            assertEquals("up_to_date", same.path("kind").asText(), same.toString());
            assertEquals("no_new_version", same.path("error").asText());
            assertTrue(same.has("message"));
            assertFalse(same.has("url"));
        }
        // Older plugins name the builtin assets by the native version: same answer as "builtin".
        CapgoPlugin legacy = device(6);
        legacy.versionName = legacy.versionBuild;
        assertUpdate(legacy.check(), "1.4.1");
        // iOS: an upper-case device id is the same device, lower-cased.
        CapgoPlugin ios = new CapgoPlugin(s, APP, DeviceFixture.newDevice().toUpperCase(), 8);
        ios.platform = "ios";
        assertUpdate(ios.check(), "1.4.1");
        assertEquals(200, s.json("GET", f.base + "/devices/" + ios.deviceId.toLowerCase(), null).statusCode());

        // The channel back to the builtin assets: a success-shaped {version: builtin}, which the plugin resets to.
        f.patchChannel("production", "{\"bundle\":null}");
        CapgoPlugin onBundle = device(8);
        onBundle.versionName = "1.4.1";
        JsonNode revert = onBundle.check();
        assertEquals(1, revert.size(), revert.toString());
        assertEquals("builtin", revert.path("version").asText());
        onBundle.versionName = "builtin";
        assertEquals("already_on_builtin", onBundle.check().path("error").asText());
        // Plugins before "reset from server" (7.0.0/7.0.1, 6.0-6.1, 5.x < 5.50.1) have no builtin branch: told
        // "builtin" they report a download_fail of the bundle they run. They get a "no update" answer instead.
        for (String old : new String[] {"7.0.1", "6.1.0", "5.49.0"}) {
            CapgoPlugin early = device(Integer.parseInt(old.substring(0, 1)));
            early.pluginVersionOverride = old;
            early.versionName = "1.4.1";
            JsonNode held = early.check();
            assertEquals("builtin_unsupported", held.path("error").asText(), held.toString());
            assertEquals("blocked", held.path("kind").asText());
            assertTrue(held.path("message").asText().contains("7.0.2"));
            assertFalse(held.has("url") || "builtin".equals(held.path("version").asText()), held.toString());
        }
        CapgoPlugin fixed = device(7);
        fixed.pluginVersionOverride = "7.0.2";
        fixed.versionName = "1.4.1";
        assertEquals("builtin", fixed.check().path("version").asText());

        // A bundle published without its Capgo artifact is a failed check that says what is missing.
        f.publish("1.6.0", 3);
        f.patchChannel("production", "{\"bundle\":\"1.6.0\"}");
        JsonNode missing = onBundle.check();
        assertEquals("failed", missing.path("kind").asText());
        assertEquals("no_capgo_artifact", missing.path("error").asText(), missing.toString());

        // Switched off again: the routes stop serving the app; Patchbay's own /updates still answers its devices.
        compat(false);
        assertEquals(404, onBundle.post("/updates", onBundle.info().toString()).statusCode());
        assertEquals(200, f.post("/updates", f.checkBody(DeviceFixture.newDevice(), Map.of()).toString())
                .statusCode());
    }

    @Test
    void channelRulesSelfAssignmentAndNativeGates() throws Exception {
        compat(true);
        CapgoPlugin d = device(8);
        // POST channel_self: allowed for beta, refused for internal with the code the plugin turns into channelPrivate.
        ObjectNode set = d.info();
        set.put("channel", "beta");
        JsonNode ok = json(d.post("/channel_self", set.toString()));
        assertEquals("ok", ok.path("status").asText(), ok.toString());
        assertFalse(ok.has("error"));
        set.put("channel", "internal");
        JsonNode refused = json(d.post("/channel_self", set.toString()));
        assertEquals("channel_self_set_not_allowed", refused.path("error").asText(), refused.toString());
        set.put("channel", "nope");
        assertEquals("channel_not_found", json(d.post("/channel_self", set.toString())).path("error").asText());

        // The device keeps the channel and sends it as defaultChannel: beta serves 1.5.0.
        d.defaultChannel = "beta";
        assertUpdate(d.check(), "1.5.0");
        JsonNode got = json(s.send("PUT", "/compat/capgo/channel_self", d.info().toString(), null, "application/json"));
        assertEquals("beta", got.path("channel").asText(), got.toString());
        assertEquals("default", got.path("status").asText());
        // A channel that does not allow self-assignment is ignored: the platform default.
        d.defaultChannel = "internal";
        assertUpdate(d.check(), "1.4.1");
        // Console override beats everything.
        ok(s.json("PUT", f.base + "/devices/" + d.deviceId + "/channel-override", "{\"channel\":\"internal\"}"), 200);
        f.patchChannel("internal", "{\"bundle\":\"1.5.0\"}");
        assertUpdate(d.check(), "1.5.0");
        JsonNode over = json(s.send("PUT", "/compat/capgo/channel_self", d.info().toString(), null, "application/json"));
        assertEquals("override", over.path("status").asText(), over.toString());

        // GET channel_self (query string of every info field): ids are numbers, as the plugin requires.
        StringBuilder q = new StringBuilder();
        d.info().fields().forEachRemaining(e -> q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=')
                .append(java.net.URLEncoder.encode(e.getValue().asText(), java.nio.charset.StandardCharsets.UTF_8)));
        JsonNode list = Json.mapper().readTree(s.send("GET", "/compat/capgo/channel_self" + q, null, null, null).body());
        assertTrue(list.isArray(), list.toString());
        List<String> names = new ArrayList<>();
        for (JsonNode c : list) {
            assertTrue(c.path("id").isNumber());
            names.add(c.path("name").asText());
        }
        assertEquals(Set.of("production", "beta"), Set.copyOf(names));
        // DELETE: the modern query form and plugin 6's JSON body form.
        assertEquals(200, s.send("DELETE", "/compat/capgo/channel_self" + q, null, null, null).statusCode());
        CapgoPlugin six = device(6);
        assertEquals(200, s.send("DELETE", "/compat/capgo/channel_self", six.info().toString(), null,
                "application/json").statusCode());

        // A native gate that holds back a major version: blocked, with what majorAvailable needs.
        f.publish("2.0.0", 3);
        f.channel("{\"name\":\"next\",\"platforms\":[\"android\",\"ios\"],\"allowDeviceSelfAssign\":true,"
                + "\"updateGate\":\"major\"}");
        f.patchChannel("next", "{\"bundle\":\"2.0.0\"}");
        CapgoPlugin n = device(7);
        n.defaultChannel = "next";
        JsonNode major = n.check();
        assertEquals("blocked", major.path("kind").asText(), major.toString());
        assertTrue(major.path("major").asBoolean());
        assertEquals("2.0.0", major.path("version").asText());
    }

    @Test
    void aStagedRolloutSelectsByTheSameBucketPausesAndRollsBack() throws Exception {
        compat(true);
        TestReleases.Sealed rb = RolloutsApiTest.rollbackRelease(f.keys, stable, "1.4.1+rollback.3", 3);
        Rollout r = client.startRollout(APP, "production", new RolloutStart("1.5.0", 3000, null, null,
                rb.envelope(), "canary"));
        List<CapgoPlugin> fleet = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            CapgoPlugin d = device(6 + i % 3);
            d.versionName = "1.4.1";
            fleet.add(d);
        }
        CapgoPlugin selected = null;
        CapgoPlugin notSelected = null;
        for (CapgoPlugin d : fleet) {
            JsonNode a = d.check();
            if (RolloutBucket.of(r.id(), d.deviceId) < 3000) {
                assertUpdate(a, "1.5.0");
                selected = d;
            } else {
                assertEquals("no_new_version", a.path("error").asText(), a.toString());
                notSelected = d;
            }
        }
        assertNotNull(selected);
        assertNotNull(notSelected);
        // The device page explains the compat device's bucket like any other.
        JsonNode page = json(s.json("GET", f.base + "/devices/" + selected.deviceId, null));
        assertTrue(page.path("rollout").path("selected").asBoolean(), page.toString());
        assertTrue(page.path("runtimeVersion").asText().startsWith("capacitor-updater"), page.toString());

        // Installed; paused: it keeps 1.5.0, nobody new moves.
        selected.versionName = "1.5.0";
        client.pauseRollout(APP, "production", "hold");
        assertEquals("up_to_date", selected.check().path("kind").asText());
        assertEquals("no_new_version", notSelected.check().path("error").asText());

        // Rolled back: the target's devices get the rollback release, which carries the stable's artifact.
        client.rollbackRollout(APP, "production", "bad", null);
        JsonNode back = selected.check();
        assertUpdate(back, "1.4.1+rollback.3");
        assertEquals(CapgoPlugin.sha256(zip140), back.path("checksum").asText());
    }

    @Test
    void statsBatchesCountOnceAndFeedDeviceStateAndHealth() throws Exception {
        compat(true);
        CapgoPlugin d = device(8);
        d.check();
        long t = 1_767_225_600_000L;
        ObjectNode[] batch = {
            d.event("download_zip_start", "1.4.1", "", t, null),
            d.event("download_50", "1.4.1", "", t + 1, null),
            d.event("download_complete", "1.4.1", "", t + 2, null),
            d.event("set", "1.4.1", "builtin", t + 3, null),
            d.event("app_crash", "1.4.1", "", t + 4, Map.of("reason", "boom"))};
        JsonNode first = json(d.stats(batch));
        assertEquals("ok", first.path("status").asText());
        assertEquals(5, first.path("results").size());
        // The plugin re-sends a batch whose answer it lost: no event twice.
        json(d.stats(batch));
        JsonNode events = json(s.json("GET", f.base + "/devices/" + d.deviceId + "/events?limit=50", null))
                .path("items");
        List<String> actions = new ArrayList<>();
        events.forEach(e -> actions.add(e.path("action").asText()));
        assertEquals(1, actions.stream().filter("download_start"::equals).count(), actions.toString());
        assertEquals(1, actions.stream().filter("app_ready"::equals).count(), actions.toString());
        assertTrue(actions.containsAll(Set.of("download_progress", "download_complete", "set", "app_crash")),
                actions.toString());
        JsonNode dev = json(s.json("GET", f.base + "/devices/" + d.deviceId, null));
        assertEquals("1.4.1", dev.path("currentBundle").asText(), dev.toString());

        // A checksum failure is reported against the running bundle; it counts against the bundle being installed.
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        d.versionName = "1.4.1";
        assertUpdate(d.check(), "1.5.0");
        json(d.stats(d.event("checksum_fail", "1.4.1", "", t + 10, null)));
        JsonNode fail = json(s.json("GET", f.base + "/devices/" + d.deviceId + "/events?limit=1", null))
                .path("items").get(0);
        assertEquals("verify_fail", fail.path("action").asText(), fail.toString());
        assertEquals("1.5.0", fail.path("bundle").asText(), fail.toString());

        // Plugin 7 posts one object per event, without timestamp: answered {status: ok}.
        CapgoPlugin seven = device(7);
        HttpResponse<String> single = seven.stats(seven.event("app_moved_to_foreground", "builtin", "", 0, null));
        assertEquals("{\"status\":\"ok\"}", single.body());
    }

    @Test
    void unknownAppsAreThrottledPerAddressAndBadInputIsNeverA500() throws Exception {
        CapgoPlugin stranger = new CapgoPlugin(s, "com.example.unknown", DeviceFixture.newDevice(), 8);
        int notFound = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 40 && (last == null || last.statusCode() != 429); i++) {
            last = stranger.post("/updates", stranger.info().toString());
            if (last.statusCode() == 404) {
                notFound++;
            }
        }
        assertEquals(30, notFound);
        assertEquals(429, last.statusCode(), last.body());
        assertTrue(Integer.parseInt(last.headers().firstValue("Retry-After").orElseThrow()) > 0);
        assertEquals("failed", Json.mapper().readTree(last.body()).path("kind").asText());
        // Health GETs the plugin's hosted backend answers.
        for (String p : List.of("/compat/capgo/ok", "/compat/capgo/updates", "/compat/capgo/plugin/ok")) {
            assertEquals("{\"status\":\"ok\"}", s.send("GET", p, null, null, null).body(), p);
        }
        // Bad input is a 400 naming the field, never a 500.
        HttpResponse<String> bad = stranger.post("/updates", "{\"app_id\":\"" + APP + "\"}");
        assertEquals(400, bad.statusCode());
        assertEquals("missing_device_id", Json.mapper().readTree(bad.body()).path("error").asText(), bad.body());
        compat(true);
        CapgoPlugin d = device(8);
        List<String> bodies = new ArrayList<>(List.of("", "null", "[]", "[1]", "42", "\"x\"", "{", "{}",
                "[{}]", "[" + "{},".repeat(250) + "{}]"));
        for (String field : List.of("app_id", "device_id", "platform", "version_name", "version_build",
                "plugin_version", "is_emulator", "is_prod", "defaultChannel", "key_id", "custom_id")) {
            for (String value : List.of("null", "123", "true", "[]", "{}", "\"\"", "\"" + "x".repeat(5000) + "\"",
                    "\"../../etc\"", "\"1.2.3.4.5\"")) {
                ObjectNode b = d.info();
                b.set(field, Json.mapper().readTree(value));
                bodies.add(b.toString());
            }
        }
        ObjectNode ev = d.event("set", "1.4.1", "", 1, Map.of("k", "v"));
        ev.set("metadata", Json.mapper().readTree("{\"a\":{\"nested\":1},\"b\":[1]}"));
        bodies.add("[" + ev + "]");
        ev.put("action", "DROP TABLE");
        bodies.add("[" + ev + "]");
        for (String path : List.of("/updates", "/stats", "/channel_self", "/updates/manifest_size")) {
            for (String body : bodies) {
                HttpResponse<String> r = d.post(path, body);
                assertTrue(r.statusCode() < 500, path + " " + body.substring(0, Math.min(80, body.length())) + " -> "
                        + r.statusCode() + " " + r.body());
                if (r.statusCode() >= 400) {
                    assertTrue(Json.mapper().readTree(r.body()).has("error"), r.body());
                }
            }
        }
    }
}
