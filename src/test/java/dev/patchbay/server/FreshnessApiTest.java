package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.KeyIds;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's freshness key and the apps' certificates of it (device-protocol §2). */
class FreshnessApiTest {
    @TempDir
    Path dataDir;

    static String text(FreshnessCert c) {
        return new String(c.toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theKeyIsCreatedOnceOwnerOnlyAndSurvivesRestarts() throws Exception {
        String keyId;
        try (RunningServer s = RunningServer.start(dataDir)) {
            JsonNode key = json(s.json("GET", "/api/v1/server/freshness-key", null));
            keyId = key.path("keyId").asText();
            assertTrue(KeyIds.isKeyId(keyId));
            assertEquals(401, s.send("GET", "/api/v1/server/freshness-key", null, null, null).statusCode());
        }
        Path file = dataDir.resolve("freshness.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(dataDir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertEquals(keyId, json(s.json("GET", "/api/v1/server/freshness-key", null)).path("keyId").asText());
        }
    }

    @Test
    void aDamagedKeyFileIsAClearErrorNotANewKey() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            // first start creates it
        }
        Path file = dataDir.resolve("freshness.key");
        String good = Files.readString(file);
        for (String bad : new String[] {"", "{", "{\"format\":\"x\"}", good.replaceFirst("\"keyId\" : \"[0-9a-f]+\"",
                "\"keyId\" : \"0000000000000000\""), good.replaceFirst("\"privateKey\" : \"[^\"]+\"", "\"privateKey\" : \"AA\"")}) {
            Files.writeString(file, bad);
            IOException e = assertThrows(IOException.class, () -> RunningServer.start(dataDir));
            assertTrue(e.getMessage().contains("freshness key") && e.getMessage().contains("damaged"), e.getMessage());
            assertEquals(bad, Files.readString(file));
        }
        Files.writeString(file, good);
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertEquals(200, s.json("GET", "/api/v1/server/freshness-key", null).statusCode());
        }
    }

    @Test
    void certificatesAreCheckedBeforeTheyAreStored() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            DeviceFixture f = new DeviceFixture(s, "com.example.shop");
            String path = f.base + "/freshness-cert";
            ok404(s.json("GET", path, null));
            f.create();
            assertError(s.json("GET", path, null), 404, "not_found", null);
            Instant now = Instant.now();
            FreshnessCert good = f.cert(now.minusSeconds(60), now.plus(Duration.ofDays(365)));
            // signed by another root
            FreshnessCert foreign = FreshnessCert.create(f.app, good.publicKey(), now, now.plus(Duration.ofDays(1)),
                    Ed25519.generatePrivateKey());
            assertError(s.json("PUT", path, text(foreign)), 400, "invalid_freshness_cert", null);
            // for another app
            FreshnessCert otherApp = FreshnessCert.create("com.example.other", good.publicKey(), now,
                    now.plus(Duration.ofDays(1)), f.keys.rootKey);
            assertError(s.json("PUT", path, text(otherApp)), 400, "invalid_freshness_cert", null);
            // of another key than this server's
            FreshnessCert otherKey = FreshnessCert.create(f.app, Ed25519.publicKey(Ed25519.generatePrivateKey()), now,
                    now.plus(Duration.ofDays(1)), f.keys.rootKey);
            JsonNode e = assertError(s.json("PUT", path, text(otherKey)), 409, "conflict", "cert.keyId");
            assertTrue(e.path("message").asText().contains(good.keyId()));
            // expired
            FreshnessCert expired = f.cert(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
            assertError(s.json("PUT", path, text(expired)), 400, "invalid_freshness_cert", "cert.notAfter");
            // tampered
            ObjectNode tampered = good.toJson();
            ((ObjectNode) tampered.get("cert")).put("notAfter", "2099-01-01T00:00:00Z");
            assertError(s.json("PUT", path, tampered.toString()), 400, "invalid_freshness_cert", null);
            // junk
            assertError(s.json("PUT", path, "{\"cert\":1}"), 400, "invalid_freshness_cert", null);
            assertError(s.json("PUT", path, "not json"), 400, "invalid_freshness_cert", null);
            assertError(s.json("GET", path, null), 404, "not_found", null);
            // the good one
            assertEquals(200, s.json("PUT", path, text(good)).statusCode());
            assertEquals(Json.mapper().readTree(good.toBytes()), json(s.json("GET", path, null)));
        }
    }

    @Test
    void aCertificateNeedsRegisteredTrust() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            DeviceFixture f = new DeviceFixture(s, "com.example.shop");
            DeviceFixture.ok(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}"), 201);
            Instant now = Instant.now();
            assertError(s.json("PUT", f.base + "/freshness-cert", text(f.cert(now, now.plusSeconds(3600)))), 409,
                    "conflict", "trust");
        }
    }

    static void ok404(java.net.http.HttpResponse<String> r) throws Exception {
        assertEquals(404, r.statusCode(), r.body());
    }
}
