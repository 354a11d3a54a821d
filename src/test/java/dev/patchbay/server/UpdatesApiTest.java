package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.domain.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /updates} over real HTTP (device-protocol §3): answers, rules, resolution, freshness, bad input. */
class UpdatesApiTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, APP).create().trustServer();
    }

    @AfterEach
    void stop() {
        s.close();
    }

    static Map<String, Object> with(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Asserts kind and error, and that the statement verifies for this device and nonce. */
    JsonNode expect(ObjectNode body, String kind, String error) throws Exception {
        JsonNode a = f.check(body);
        assertEquals(kind, a.path("kind").asText(), a.toString());
        if (error == null) {
            assertFalse(a.has("error"), a.toString());
        } else {
            assertEquals(error, a.path("error").asText(), a.toString());
            assertFalse(a.path("message").asText().isBlank(), a.toString());
        }
        FreshnessStatement st = FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), APP, body.path("deviceId").asText(), body.path("nonce").asText());
        assertEquals(kind, st.outcome().wire());
        assertEquals(a.path("channel").isNull() ? null : a.path("channel").asText(), st.channel());
        assertEquals(Duration.ofMinutes(10), Duration.between(st.issuedAt(), st.expiresAt()));
        return a;
    }

    JsonNode expect(String device, Map<String, Object> changes, String kind, String error) throws Exception {
        return expect(f.checkBody(device, changes), kind, error);
    }

    @Test
    void anUpdateIsSignedBoundToTheNonceAndNamesExactlyTheRelease() throws Exception {
        TestReleases.Sealed b = f.publish("1.5.0", 8);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        String device = DeviceFixture.newDevice();
        ObjectNode body = f.checkBody(device, Map.of());
        JsonNode a = expect(body, "update", null);
        assertEquals("production", a.path("channel").asText());
        assertEquals("default", a.path("channelSource").asText());
        assertEquals(s.url() + "/blobs/{sha256}", a.path("blobUrl").asText());
        byte[] envelope = Json.mapper().writeValueAsBytes(a.get("release"));
        assertEquals(Json.mapper().readTree(b.envelope()), a.get("release"));
        FreshnessStatement st = FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), APP, device, body.path("nonce").asText());
        st.requireRelease(envelope);
        assertEquals("1.5.0", st.release().version());
        assertEquals(8, st.release().sequence());
        // Replayed to another request (another nonce) or another device: refused.
        assertThrows(CryptoException.class, () -> FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), APP, device, DeviceFixture.nonce()));
        assertThrows(CryptoException.class, () -> FreshnessStatement.verify(a.get("freshness"), a.get("freshnessCert"),
                f.keys.trust.rootPublicKey(), APP, DeviceFixture.newDevice(), body.path("nonce").asText()));
        // Two checks with the same state get two different statements.
        JsonNode again = f.check(f.checkBody(device, Map.of()));
        assertFalse(again.get("freshness").equals(a.get("freshness")));
        // The blob URL template serves every blob of the release.
        for (var ref : b.blobs()) {
            var r = s.getBytes("/blobs/" + ref.sha256(), null);
            assertEquals(200, r.statusCode());
            assertTrue(java.util.Arrays.equals(b.bytes(ref), r.body()));
        }
    }

    @Test
    void blobUrlFollowsTheHostTheDeviceUsed() throws Exception {
        f.publish("1.5.0", 8);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"],\"platforms\":[\"android\"]}");
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        var r = s.raw("POST", "/updates", f.checkBody(DeviceFixture.newDevice(), Map.of()).toString()
                .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertEquals(200, r.statusCode());
        String url = Json.mapper().readTree(r.body()).path("blobUrl").asText();
        assertEquals("http://127.0.0.1:" + s.server.port() + "/blobs/{sha256}", url);
    }

    @Test
    void answersWithoutAnUpdate() throws Exception {
        f.publish("1.5.0", 8);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"],\"platforms\":[\"android\"]}");
        String d = DeviceFixture.newDevice();
        // builtin channel, device on builtin / on a bundle
        expect(d, with("currentBundle", "builtin"), "up_to_date", "already_on_builtin");
        JsonNode back = expect(d, with("currentBundle", "1.5.0", "currentSequence", 8), "builtin", null);
        assertFalse(back.has("release"));
        // same bundle
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        expect(d, with("currentBundle", "1.5.0", "currentSequence", 8), "up_to_date", "no_new_version");
        // no channel for ios
        JsonNode none = expect(d, with("platform", "ios"), "failed", "no_channel");
        assertTrue(none.path("channel").isNull());
        assertTrue(none.path("channelSource").isNull());
    }

    @Test
    void failedAnswers() throws Exception {
        JsonNode unknown = f.check(f.checkBody(DeviceFixture.newDevice(), with("appId", "com.example.nothere")));
        assertEquals("failed", unknown.path("kind").asText());
        assertEquals("unknown_app", unknown.path("error").asText());
        DeviceFixture other = new DeviceFixture(s, "com.example.untrusted").create();
        other.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        JsonNode untrusted = other.check(DeviceFixture.newDevice(), Map.of());
        assertEquals("failed", untrusted.path("kind").asText());
        assertEquals("server_not_trusted", untrusted.path("error").asText());
        assertTrue(untrusted.path("freshness").isNull());
        // Once trusted, the same app gets signed answers.
        other.trustServer();
        JsonNode trusted = other.check(DeviceFixture.newDevice(), Map.of());
        assertEquals("up_to_date", trusted.path("kind").asText(), trusted.toString());
        assertTrue(trusted.path("freshness").isObject());
    }

    @Test
    void everyBlockedCode() throws Exception {
        f.publish("1.5.0", 8);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"],\"platforms\":[\"android\"],"
                + "\"allowEmulators\":false,\"allowDevBuilds\":false}");
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        f.channel("{\"name\":\"ios-only\",\"platforms\":[\"ios\"]}");
        String d = DeviceFixture.newDevice();
        expect(d, with(), "update", null);
        expect(d, with("isEmulator", true), "blocked", "emulator_disabled");
        expect(d, with("isProduction", false), "blocked", "dev_build_disabled");
        expect(d, with("keyIds", Map.of("root", "0123456789abcdef", "content", f.keys.trust.contentKeyId())),
                "blocked", "key_mismatch");
        expect(d, with("keyIds", Map.of("root", f.keys.trust.rootKeyId(), "content", "0123456789abcdef")),
                "blocked", "key_mismatch");
        expect(d, with("nativeVersion", "0.9.0"), "blocked", "native_too_old");
        expect(d, with("currentBundle", "1.6.0", "currentSequence", 9), "blocked", "sequence_rollback");
        // platform_disabled: only reachable through an override to a channel of another platform
        String pinned = DeviceFixture.newDevice();
        ok(s.json("PUT", f.base + "/devices/" + pinned + "/channel-override", "{\"channel\":\"ios-only\"}"), 200);
        JsonNode p = expect(pinned, with(), "blocked", "platform_disabled");
        assertEquals("override", p.path("channelSource").asText());
        // nativeMax
        f.publish(f.keys.sealNative("1.6.0", 9, "1.0.0", "1.3.9", 500));
        f.patchChannel("production", "{\"bundle\":\"1.6.0\",\"allowEmulators\":true,\"allowDevBuilds\":true}");
        expect(d, with(), "blocked", "native_too_new");
        expect(d, with("nativeVersion", "1.3"), "update", null);
    }

    @Test
    void updateGateComparesTheBundleWithTheNativeVersion() throws Exception {
        f.publish("1.5.0", 8);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"],\"updateGate\":\"minor\"}");
        JsonNode ch = json(s.json("GET", f.base + "/channels/production", null));
        assertEquals("minor", ch.path("updateGate").asText());
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        String d = DeviceFixture.newDevice();
        expect(d, with("nativeVersion", "1.4.0"), "blocked", "native_boundary");
        expect(d, with("nativeVersion", "1.5.3"), "update", null);
        f.patchChannel("production", "{\"updateGate\":\"patch\"}");
        expect(d, with("nativeVersion", "1.5.3"), "blocked", "native_boundary");
        expect(d, with("nativeVersion", "1.5.0"), "update", null);
        f.patchChannel("production", "{\"updateGate\":\"major\"}");
        expect(d, with("nativeVersion", "1.0.0"), "update", null);
        expect(d, with("nativeVersion", "2.0.0"), "blocked", "native_boundary");
        f.patchChannel("production", "{\"updateGate\":\"none\"}");
        expect(d, with("nativeVersion", "2.0.0"), "update", null);
        var bad = s.json("PATCH", f.base + "/channels/production", "{\"updateGate\":\"sideways\"}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("updateGate", Json.mapper().readTree(bad.body()).path("field").asText());
    }

    @Test
    void channelResolutionPrecedence() throws Exception {
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        f.channel("{\"name\":\"beta\",\"allowDeviceSelfAssign\":true}");
        f.channel("{\"name\":\"internal\"}");
        f.channel("{\"name\":\"ios-beta\",\"platforms\":[\"ios\"],\"allowDeviceSelfAssign\":true}");
        String d = DeviceFixture.newDevice();
        JsonNode a = f.check(d, with("channel", "beta"));
        assertEquals("beta", a.path("channel").asText());
        assertEquals("self", a.path("channelSource").asText());
        a = f.check(d, with("channel", "internal"));
        assertEquals("production", a.path("channel").asText());
        assertEquals("default", a.path("channelSource").asText());
        JsonNode state = json(s.json("GET", f.base + "/devices/" + d, null));
        assertTrue(state.path("channelReason").asText().contains("self-assignment"), state.toString());
        assertEquals("internal", state.path("channelAsked").asText());
        a = f.check(d, with("channel", "ios-beta"));
        assertEquals("production", a.path("channel").asText());
        a = f.check(d, with("channel", "nope"));
        assertEquals("production", a.path("channel").asText());
        state = json(s.json("GET", f.base + "/devices/" + d, null));
        assertTrue(state.path("channelReason").asText().contains("does not exist"), state.toString());
        // An override wins over both, even for a channel without self-assignment.
        ok(s.json("PUT", f.base + "/devices/" + d + "/channel-override", "{\"channel\":\"internal\"}"), 200);
        a = f.check(d, with("channel", "beta"));
        assertEquals("internal", a.path("channel").asText());
        assertEquals("override", a.path("channelSource").asText());
        // Another device is not affected; clearing the override restores the device's own choice.
        assertEquals("beta", f.check(DeviceFixture.newDevice(), with("channel", "beta")).path("channel").asText());
        ok(s.json("DELETE", f.base + "/devices/" + d + "/channel-override", null), 204);
        a = f.check(d, with("channel", "beta"));
        assertEquals("self", a.path("channelSource").asText());
        // A deleted override channel falls back.
        ok(s.json("PUT", f.base + "/devices/" + d + "/channel-override", "{\"channel\":\"internal\"}"), 200);
        ok(s.json("DELETE", f.base + "/channels/internal", null), 204);
        a = f.check(d, with("channel", null));
        assertEquals("production", a.path("channel").asText());
    }

    @Test
    void writesAreSeenByTheNextCheck() throws Exception {
        f.publish("1.5.0", 8);
        f.publish("1.6.0", 9);
        f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
        String d = DeviceFixture.newDevice();
        assertEquals("up_to_date", f.check(d, with()).path("kind").asText());
        f.patchChannel("production", "{\"bundle\":\"1.5.0\"}");
        assertEquals("1.5.0", f.check(d, with()).path("release").path("release").path("version").asText());
        f.patchChannel("production", "{\"bundle\":\"1.6.0\"}");
        assertEquals("1.6.0", f.check(d, with()).path("release").path("release").path("version").asText());
        f.patchChannel("production", "{\"allowEmulators\":false}");
        assertEquals("emulator_disabled", f.check(d, with("isEmulator", true)).path("error").asText());
    }

    @Test
    void badRequestsNameTheField() throws Exception {
        String d = DeviceFixture.newDevice();
        Map<String, Object[]> bad = new java.util.LinkedHashMap<>();
        bad.put("appId", new Object[] {null, 5, "not an id", ""});
        bad.put("deviceId", new Object[] {null, "ABC", "3F1C2A64-9E4B-4B7E-8D1F-2A9C0E6B7D10", 12});
        bad.put("platform", new Object[] {null, "windows", true});
        bad.put("nativeVersion", new Object[] {null, "one", "1.x", 14});
        bad.put("nativeBuild", new Object[] {-1, "140", 1.5});
        bad.put("currentBundle", new Object[] {null, "../../etc", 3});
        bad.put("currentSequence", new Object[] {-4, "8"});
        bad.put("channel", new Object[] {"bad channel", 7, "x".repeat(65)});
        bad.put("isEmulator", new Object[] {"yes", 1});
        bad.put("isProduction", new Object[] {"no"});
        bad.put("keyIds", new Object[] {"abc", List.of()});
        bad.put("nonce", new Object[] {null, "short", "AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAA+A"});
        for (var e : bad.entrySet()) {
            for (Object v : e.getValue()) {
                ObjectNode body = f.checkBody(d, Map.of());
                if (v == null) {
                    body.remove(e.getKey());
                } else {
                    body.set(e.getKey(), Json.mapper().valueToTree(v));
                }
                var r = f.post("/updates", body.toString());
                assertEquals(400, r.statusCode(), e.getKey() + "=" + v + ": " + r.body());
                JsonNode err = Json.mapper().readTree(r.body());
                assertTrue(err.path("field").asText().startsWith(e.getKey()), e.getKey() + "=" + v + ": " + r.body());
            }
        }
        ObjectNode body = f.checkBody(d, Map.of());
        body.putObject("keyIds").put("root", "XYZ");
        assertEquals("keyIds.root", Json.mapper().readTree(f.post("/updates", body.toString()).body()).path("field").asText());
        body = f.checkBody(d, Map.of());
        body.put("padding", "x".repeat(17 * 1024));
        assertEquals(413, f.post("/updates", body.toString()).statusCode());
        // Unknown fields are ignored (newer runtimes).
        body = f.checkBody(d, Map.of());
        body.put("somethingNew", 1);
        assertEquals(200, f.post("/updates", body.toString()).statusCode());
    }

    @Test
    void malformedBodiesNeverGetA5xx() throws Exception {
        Random random = new Random(42);
        String good = f.checkBody(DeviceFixture.newDevice(), Map.of()).toString();
        int n = 0;
        for (int i = 0; i < 300; i++) {
            String body = Fuzz.mutate(good, random);
            var r = f.post("/updates", body);
            assertTrue(r.statusCode() < 500, body + " -> " + r.statusCode() + " " + r.body());
            n++;
        }
        assertEquals(300, n);
    }
}
