package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.domain.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An app on a real server ready for device requests: trust registered, server trusted, bundles publishable. */
public final class DeviceFixture {
    static final SecureRandom RANDOM = new SecureRandom();

    public final RunningServer s;
    public final String app;
    public final String base;
    public final TestReleases keys;

    public DeviceFixture(RunningServer s, String app) {
        this.s = s;
        this.app = app;
        this.base = "/api/v1/apps/" + app;
        this.keys = new TestReleases(app);
    }

    /** Creates the app and registers its trust.json. */
    public DeviceFixture create() throws Exception {
        ok(s.json("POST", "/api/v1/apps", "{\"id\":\"" + app + "\",\"name\":\"Shop\"}"), 201);
        ok(s.json("PUT", base + "/trust", keys.trustText()), 201);
        return this;
    }

    /** Certifies the server's freshness key with the app's root, as {@code patchbay key trust-server} does. */
    public DeviceFixture trustServer() throws Exception {
        ok(s.json("PUT", base + "/freshness-cert", new String(cert(Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(365))).toBytes(), StandardCharsets.UTF_8)), 200);
        return this;
    }

    public FreshnessCert cert(Instant notBefore, Instant notAfter) throws Exception {
        JsonNode key = json(s.json("GET", "/api/v1/server/freshness-key", null));
        return FreshnessCert.create(app, Codec.unb64(key.path("publicKey").asText(), 32, "publicKey"), notBefore,
                notAfter, keys.rootKey);
    }

    public static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        return r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
    }

    public static JsonNode json(HttpResponse<String> r) throws Exception {
        return ok(r, 200);
    }

    public void channel(String json) throws Exception {
        ok(s.json("POST", base + "/channels", json), 201);
    }

    public void patchChannel(String name, String json) throws Exception {
        ok(s.json("PATCH", base + "/channels/" + name, json), 200);
    }

    /** Publishes a bundle (nativeMin 1.0.0, no max) with one small file blob. */
    public TestReleases.Sealed publish(String version, long sequence) throws Exception {
        return publish(keys.seal(version, sequence, 1000));
    }

    public TestReleases.Sealed publish(TestReleases.Sealed b) throws Exception {
        String id = ok(s.json("POST", base + "/uploads", b.uploadRequest()), 201).path("id").asText();
        for (BlobRef ref : b.blobs()) {
            ok(s.putBytes(base + "/uploads/" + id + "/blobs/" + ref.sha256(), b.bytes(ref), null), 200);
        }
        ok(s.json("POST", base + "/uploads/" + id + "/commit", new String(b.envelope(), StandardCharsets.UTF_8)), 201);
        return b;
    }

    public static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Codec.b64(b);
    }

    public static String newDevice() {
        return UUID.randomUUID().toString();
    }

    /** A typical check body of {@code device}; {@code changes} replace fields (a null value removes the field). */
    public ObjectNode checkBody(String device, Map<String, Object> changes) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("appId", app);
        b.put("deviceId", device);
        b.put("platform", "android");
        b.put("osVersion", "14");
        b.put("nativeVersion", "1.4.0");
        b.put("nativeBuild", 140);
        b.put("runtimeVersion", "0.1.0");
        b.put("currentBundle", "builtin");
        b.putNull("currentSequence");
        b.putNull("channel");
        b.putNull("customId");
        b.put("isEmulator", false);
        b.put("isProduction", true);
        ObjectNode k = b.putObject("keyIds");
        k.put("root", keys.trust.rootKeyId());
        k.put("content", keys.trust.contentKeyId());
        b.put("nonce", nonce());
        changes.forEach((name, value) -> {
            if (value == null) {
                b.remove(name);
            } else {
                b.set(name, Json.mapper().valueToTree(value));
            }
        });
        return b;
    }

    public HttpResponse<String> post(String path, String body) throws Exception {
        return s.send("POST", path, body, null, "application/json");
    }

    /** Posts a check and answers the 200 JSON. */
    public JsonNode check(ObjectNode body) throws Exception {
        return json(post("/updates", body.toString()));
    }

    public JsonNode check(String device, Map<String, Object> changes) throws Exception {
        return check(checkBody(device, changes));
    }
}
