package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management API over real HTTP on loopback: the happy path and every kind of bad input. */
class ManagementApiTest {
    @TempDir
    Path dataDir;
    RunningServer s;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        return Json.mapper().readTree(r.body());
    }

    /** Asserts a JSON error answer with the given status, code and (optional) field. */
    static JsonNode assertError(HttpResponse<String> r, int status, String code, String field) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(code, body.path("error").asText(), r.body());
        assertFalse(body.path("message").asText().isBlank(), r.body());
        assertFalse(r.body().contains("Exception"), "no stack trace or exception names: " + r.body());
        if (field != null) {
            assertEquals(field, body.path("field").asText(), r.body());
        }
        return body;
    }

    @Test
    void appsLifecycle() throws Exception {
        var created = s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("com.example.shop", json(created).path("id").asText());
        assertEquals("Shop", json(created).path("name").asText());

        var list = json(s.json("GET", "/api/v1/apps", null));
        assertEquals(1, list.path("items").size());

        var renamed = s.json("PATCH", "/api/v1/apps/com.example.shop", "{\"name\":\"Shop (prod)\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Shop (prod)", json(s.json("GET", "/api/v1/apps/com.example.shop", null)).path("name").asText());

        assertEquals(204, s.json("DELETE", "/api/v1/apps/com.example.shop", null).statusCode());
        assertError(s.json("GET", "/api/v1/apps/com.example.shop", null), 404, "not_found", null);
    }

    @Test
    void channelsLifecycleAndOneDefaultPerPlatform() throws Exception {
        s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}");
        var prod = s.json("POST", "/api/v1/apps/com.example.shop/channels",
                "{\"name\":\"production\",\"defaultFor\":[\"android\",\"ios\"]}");
        assertEquals(201, prod.statusCode(), prod.body());
        JsonNode p = json(prod);
        assertEquals(2, p.path("defaultFor").size());
        assertEquals(2, p.path("platforms").size(), "defaults to all platforms");
        assertFalse(p.path("allowDeviceSelfAssign").asBoolean());
        assertTrue(p.path("allowEmulators").asBoolean());

        var beta = s.json("POST", "/api/v1/apps/com.example.shop/channels",
                "{\"name\":\"beta\",\"allowDeviceSelfAssign\":true,\"description\":\"Early adopters\"}");
        assertEquals(201, beta.statusCode(), beta.body());

        // Making beta the android default takes android away from production, in one step.
        var upd = s.json("PATCH", "/api/v1/apps/com.example.shop/channels/beta", "{\"defaultFor\":[\"android\"]}");
        assertEquals(200, upd.statusCode(), upd.body());
        assertEquals("Early adopters", json(upd).path("description").asText(), "unchanged fields stay");
        JsonNode prodNow = json(s.json("GET", "/api/v1/apps/com.example.shop/channels/production", null));
        assertEquals("[\"ios\"]", prodNow.path("defaultFor").toString());

        JsonNode list = json(s.json("GET", "/api/v1/apps/com.example.shop/channels", null));
        assertEquals(2, list.path("items").size());
        assertEquals("beta", list.path("items").get(0).path("name").asText());

        assertEquals(204, s.json("DELETE", "/api/v1/apps/com.example.shop/channels/beta", null).statusCode());
        assertError(s.json("GET", "/api/v1/apps/com.example.shop/channels/beta", null), 404, "not_found", null);

        // Deleting the app removes its channels with it.
        assertEquals(204, s.json("DELETE", "/api/v1/apps/com.example.shop", null).statusCode());
        s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop again\"}");
        assertEquals(0, json(s.json("GET", "/api/v1/apps/com.example.shop/channels", null)).path("items").size());
    }

    @Test
    void badAppInputNamesTheField() throws Exception {
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"not an id\",\"name\":\"X\"}"), 400, "validation_failed", "id");
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"shop\",\"name\":\"X\"}"), 400, "validation_failed", "id");
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.x\"}"), 400, "validation_failed", "name");
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.x\",\"name\":\"   \"}"), 400, "validation_failed", "name");
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.x\",\"name\":\"" + "n".repeat(101) + "\"}"),
                400, "validation_failed", "name");
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.x\",\"name\":\"X\",\"colour\":1}"),
                400, "unknown_field", "colour");
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":[1],\"name\":\"X\"}"), 400, "invalid_field", "id");
        assertError(s.json("GET", "/api/v1/apps/no..such", null), 400, "validation_failed", "appId");
    }

    @Test
    void badChannelInputNamesTheField() throws Exception {
        s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}");
        String base = "/api/v1/apps/com.example.shop/channels";
        assertError(s.json("POST", base, "{}"), 400, "validation_failed", "name");
        assertError(s.json("POST", base, "{\"name\":\"has space\"}"), 400, "validation_failed", "name");
        assertError(s.json("POST", base, "{\"name\":\"x\",\"defaultFor\":[\"windows\"]}"), 400, "validation_failed", "defaultFor[0]");
        assertError(s.json("POST", base, "{\"name\":\"x\",\"platforms\":[]}"), 400, "validation_failed", "platforms");
        assertError(s.json("POST", base, "{\"name\":\"x\",\"platforms\":[\"ios\"],\"defaultFor\":[\"android\"]}"),
                400, "validation_failed", "defaultFor");
        assertError(s.json("POST", base, "{\"name\":\"x\",\"allowEmulators\":\"maybe\"}"), 400, "invalid_field", "allowEmulators");
        assertEquals(201, s.json("POST", base, "{\"name\":\"beta\"}").statusCode());
        assertError(s.json("POST", base, "{\"name\":\"beta\"}"), 409, "conflict", "name");
        assertError(s.json("PATCH", base + "/beta", "{\"name\":\"gamma\"}"), 400, "validation_failed", "name");
        assertError(s.json("PATCH", base + "/nope", "{\"description\":\"x\"}"), 404, "not_found", null);
        assertError(s.json("GET", "/api/v1/apps/com.example.none/channels", null), 404, "not_found", null);
        assertError(s.json("POST", "/api/v1/apps/com.example.none/channels", "{\"name\":\"beta\"}"), 404, "not_found", null);
    }

    @Test
    void duplicateAppIsAConflictOnTheIdField() throws Exception {
        assertEquals(201, s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}").statusCode());
        assertError(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Other\"}"), 409, "conflict", "id");
    }

    @Test
    void missingOrWrongKeyIs401() throws Exception {
        assertError(s.send("GET", "/api/v1/apps", null, null, null), 401, "missing_api_key", null);
        assertError(s.send("GET", "/api/v1/apps", null, "pbk_wrong", null), 401, "invalid_api_key", null);
        assertError(s.send("POST", "/api/v1/apps", "{\"id\":\"com.a.b\",\"name\":\"x\"}", "", "application/json"),
                401, "missing_api_key", null);
        assertError(s.send("GET", "/api/v1/me", null, "pbk_wrong", null), 401, "invalid_api_key", null);
        assertEquals("admin", json(s.json("GET", "/api/v1/me", null)).path("name").asText());
        var health = s.send("GET", "/api/v1/health", null, null, null);
        assertEquals(200, health.statusCode());
        assertEquals("ok", json(health).path("status").asText());
    }

    @Test
    void malformedBodiesAre400Never500() throws Exception {
        assertError(s.json("POST", "/api/v1/apps", "{\"id\": \"com.a.b\", "), 400, "malformed_json", null);
        assertError(s.json("POST", "/api/v1/apps", "not json"), 400, "malformed_json", null);
        assertError(s.json("POST", "/api/v1/apps", "[1,2]"), 400, "malformed_json", null);
        assertError(s.json("POST", "/api/v1/apps", "null"), 400, "malformed_json", null);
        assertError(s.json("POST", "/api/v1/apps", null), 400, "missing_body", null);
        assertError(s.send("POST", "/api/v1/apps", "id=com.a.b", s.adminKey, "text/plain"), 415, "unsupported_media_type", null);
        assertError(s.send("POST", "/api/v1/apps", "{}", s.adminKey, "foo/bar+baz"), 415, "unsupported_media_type", null);
        assertError(s.send("POST", "/api/v1/apps", "{}", s.adminKey, ";;"), 415, "unsupported_media_type", null);

        Random random = new Random(42);
        String[] paths = {"/api/v1/apps", "/api/v1/apps/com.example.a", "/api/v1/apps/com.example.a/channels"};
        String[] methods = {"POST", "PATCH"};
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            String body = i % 2 == 0 ? new String(junk, StandardCharsets.ISO_8859_1)
                    : "{\"id\":" + random.nextInt() + ",\"name\":{\"x\":[" + random.nextDouble() + "]}}";
            var r = s.json(methods[i % 2], paths[i % 3], body);
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.statusCode() + " for " + body + ": " + r.body());
            json(r);
        }
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"id\":\"com.a.b\",\"name\":\"" + "x".repeat((int) ServerConfig.MAX_JSON_BODY) + "\"}";
        assertError(s.json("POST", "/api/v1/apps", big), 413, "payload_too_large", null);

        // Without a Content-Length (chunked), the limit holds while reading.
        HttpURLConnection c = (HttpURLConnection) URI.create(s.url() + "/api/v1/apps").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setChunkedStreamingMode(8192);
        c.setRequestProperty("Authorization", "Bearer " + s.adminKey);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(big.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException serverClosedEarly) {
            // The server may answer and close before the whole body is sent; the status still tells.
        }
        assertEquals(413, c.getResponseCode());
    }

    @Test
    void unknownRoutesAndMethodsAreJson() throws Exception {
        assertError(s.json("GET", "/api/v1/nothing", null), 404, "not_found", null);
        assertError(s.json("GET", "/", null), 404, "not_found", null);
        assertError(s.json("PUT", "/api/v1/apps", "{}"), 405, "method_not_allowed", null);
    }

    @Test
    void garbageAtTheHttpLevelGetsAJsonError() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.getOutputStream().write("BLAH /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("\"error\":\"bad_request\""), answer);
        }
        // A chunked body whose chunk size is not hex.
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.getOutputStream().write(("POST /api/v1/apps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.adminKey
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(2000), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("\"error\":\""), answer);
        }
    }
}
