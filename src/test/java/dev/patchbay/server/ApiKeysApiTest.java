package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static dev.patchbay.server.ManagementApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/api-keys} (ADR 0095): create, list, scope, expire, revoke, rotate; names as actors. */
class ApiKeysApiTest {
    @TempDir
    Path dataDir;
    final MutableClock clock = new MutableClock();

    @Test
    void aScopedPublisherWorksOnItsAppOnlyAndIsNamedInTheAuditLog() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            ok(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}"), 201);
            ok(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.news\",\"name\":\"News\"}"), 201);
            JsonNode created = ok(s.json("POST", "/api/v1/api-keys",
                    "{\"name\":\"ci-shop\",\"role\":\"publisher\",\"apps\":[\"com.example.shop\"]}"), 201);
            String secret = created.path("secret").asText();
            assertTrue(secret.startsWith("pbk_"), secret);
            assertEquals("publisher", created.path("key").path("role").asText());
            assertEquals("active", created.path("key").path("status").asText());
            assertEquals("admin", created.path("key").path("createdBy").asText());

            ok(s.send("POST", "/api/v1/apps/com.example.shop/channels", "{\"name\":\"beta\"}", secret,
                    "application/json"), 201);
            assertError(s.send("POST", "/api/v1/apps/com.example.news/channels", "{\"name\":\"beta\"}", secret,
                    "application/json"), 403, "forbidden", null);
            JsonNode me = ok(s.send("GET", "/api/v1/me", null, secret, null), 200);
            assertEquals("publisher", me.path("role").asText());
            assertEquals("[\"com.example.shop\"]", me.path("apps").toString());
            JsonNode apps = ok(s.send("GET", "/api/v1/apps", null, secret, null), 200);
            assertEquals(1, apps.path("items").size(), "a scoped key sees only its apps: " + apps);

            JsonNode audit = json(s.json("GET", "/api/v1/audit?app=com.example.shop&action=channel.create", null));
            assertEquals("ci-shop", audit.path("items").get(0).path("actor").asText());
            JsonNode keyAudit = json(s.json("GET", "/api/v1/audit?action=apikey.create", null));
            assertEquals("ci-shop", keyAudit.path("items").get(0).path("target").asText());

            // Listed without any secret; stored only as a hash.
            JsonNode list = json(s.json("GET", "/api/v1/api-keys", null));
            assertEquals(2, list.path("items").size());
            assertFalse(list.toString().contains("pbk_"), list.toString());
            assertFalse(storedText(s).contains(secret), "the plaintext key is not stored");
        }
    }

    @Test
    void aRevokedOrExpiredKeyIsRefusedOnTheNextRequest() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            ok(s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}"), 201);
            String viewer = RouteRoleMatrixTest.key(s, "support", "viewer", null);
            ok(s.send("GET", "/api/v1/apps/com.example.shop", null, viewer, null), 200);
            JsonNode revoked = ok(s.json("POST", "/api/v1/api-keys/support/revoke", null), 200);
            assertEquals("revoked", revoked.path("status").asText());
            assertError(s.send("GET", "/api/v1/apps/com.example.shop", null, viewer, null), 401, "invalid_api_key", null);
            assertError(s.send("GET", "/api/v1/me", null, viewer, null), 401, "invalid_api_key", null);
            // Its name is free again once revoked.
            String again = RouteRoleMatrixTest.key(s, "support", "viewer", null);

            String expiry = clock.instant().plus(Duration.ofHours(1)).toString();
            JsonNode expiring = ok(s.json("PATCH", "/api/v1/api-keys/support", "{\"expiresAt\":\"" + expiry + "\"}"), 200);
            assertEquals(expiry, expiring.path("expiresAt").asText());
            ok(s.send("GET", "/api/v1/me", null, again, null), 200);
            clock.advance(Duration.ofHours(2));
            assertError(s.send("GET", "/api/v1/me", null, again, null), 401, "invalid_api_key", null);
            JsonNode listed = json(s.json("GET", "/api/v1/api-keys", null));
            List<String> statuses = new ArrayList<>();
            listed.path("items").forEach(k -> statuses.add(k.path("name").asText() + "=" + k.path("status").asText()));
            assertEquals(List.of("admin=active", "support=revoked", "support=expired"), statuses);
        }
    }

    @Test
    void badKeyRequestsAreClearErrors() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            assertError(s.json("POST", "/api/v1/api-keys", "{\"name\":\"x\",\"role\":\"root\"}"), 400,
                    "validation_failed", "role");
            assertError(s.json("POST", "/api/v1/api-keys", "{\"name\":\"\",\"role\":\"viewer\"}"), 400,
                    "validation_failed", "name");
            assertError(s.json("POST", "/api/v1/api-keys", "{\"name\":\"a\",\"role\":\"admin\",\"apps\":[\"com.x.y\"]}"),
                    400, "validation_failed", "apps");
            assertError(s.json("POST", "/api/v1/api-keys", "{\"name\":\"a\",\"role\":\"viewer\",\"expiresAt\":\""
                    + clock.instant().minusSeconds(1) + "\"}"), 400, "validation_failed", "expiresAt");
            assertError(s.json("POST", "/api/v1/api-keys", "{\"name\":\"admin\",\"role\":\"viewer\"}"), 409,
                    "conflict", "name");
            assertError(s.json("POST", "/api/v1/api-keys/nope/revoke", null), 404, "not_found", null);
        }
    }

    @Test
    void theAdminKeyRotatesWithoutARestartAndALostKeyFileRevokesTheOldKey() throws Exception {
        String rotated;
        Path file;
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            file = s.server.adminApiKeyFile();
            String first = s.adminKey;
            JsonNode r = ok(s.json("POST", "/api/v1/api-keys/admin/rotate", null), 200);
            rotated = r.path("secret").asText();
            assertTrue(r.path("adminKeyFileRewritten").asBoolean(), r.toString());
            assertEquals(rotated, Files.readString(file).strip(), "the file holds the new key");
            assertError(s.send("GET", "/api/v1/me", null, first, null), 401, "invalid_api_key", null);
            assertEquals("admin", ok(s.send("GET", "/api/v1/me", null, rotated, null), 200).path("name").asText());
        }
        // The file is lost: the next start mints a new admin key and the old one stops working. On a database server
        // other instances may hold the key (ADR 0116): there a missing file is refused, an empty one asks for a new key.
        Files.delete(file);
        if (dev.patchbay.server.store.TestDatabases.onPostgres()) {
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> RunningServer.start(dataDir, clock));
            assertTrue(refused.getMessage().contains("copy the admin-api-key file"), refused.getMessage());
            Files.writeString(file, "");
        }
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            assertTrue(s.server.createdAdminKey());
            assertNotEquals(rotated, s.adminKey);
            assertError(s.send("GET", "/api/v1/me", null, rotated, null), 401, "invalid_api_key", null);
            ok(s.send("GET", "/api/v1/me", null, s.adminKey, null), 200);
        }
        // A restart with the file in place keeps the key.
        String kept = Files.readString(file).strip();
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            assertFalse(s.server.createdAdminKey());
            assertEquals(kept, s.adminKey);
        }
    }

    @Test
    void revokingTheAdminKeyRemovesTheKeyFileSoItNeverHoldsADeadKey() throws Exception {
        Path file;
        String first;
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            file = s.server.adminApiKeyFile();
            first = s.adminKey;
            // A second admin key to work with after the bootstrap key is gone.
            String other = ok(s.json("POST", "/api/v1/api-keys", "{\"name\":\"ops\",\"role\":\"admin\"}"), 201)
                    .path("secret").asText();
            JsonNode r = ok(s.send("POST", "/api/v1/api-keys/admin/revoke", null, other, null), 200);
            assertEquals("revoked", r.path("status").asText(), r.toString());
            assertTrue(r.path("adminKeyFileRemoved").asBoolean(), r.toString());
            assertFalse(Files.exists(file), "no dead key left in " + file);
            assertError(s.send("GET", "/api/v1/me", null, first, null), 401, "invalid_api_key", null);
            // Revoking a key that is not the file's leaves the file alone.
            JsonNode again = ok(s.send("POST", "/api/v1/api-keys/ops/revoke", null, other, null), 200);
            assertFalse(again.has("adminKeyFileRemoved"), again.toString());
        }
        // The next start mints a working key into the file, as for a lost file.
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            assertTrue(s.server.createdAdminKey());
            assertEquals(s.adminKey, Files.readString(file).strip());
            assertNotEquals(first, s.adminKey);
            ok(s.send("GET", "/api/v1/me", null, s.adminKey, null), 200);
        }
    }

    @Test
    void anAdminKeyFileAnOperatorReplacedIsNotRemovedByRevokingTheOldKey() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            Path file = s.server.adminApiKeyFile();
            String other = ok(s.json("POST", "/api/v1/api-keys", "{\"name\":\"ops\",\"role\":\"admin\"}"), 201)
                    .path("secret").asText();
            Files.writeString(file, other + "\n");
            JsonNode r = ok(s.send("POST", "/api/v1/api-keys/admin/revoke", null, other, null), 200);
            assertFalse(r.path("adminKeyFileRemoved").asBoolean(), r.toString());
            assertEquals(other, Files.readString(file).strip());
        }
    }

    @Test
    void entriesWrittenBeforeKeyNamesReadAsTheName() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            s.server.database().inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log(at, actor, action, app_id, target,"
                        + " detail) VALUES (CURRENT_TIMESTAMP, 'key:4364ba1e-e38e-4032-9092-191d1393c8fa (admin) as bob',"
                        + " 'app.create', NULL, 'x', '')")) {
                    ps.executeUpdate();
                }
                return null;
            });
            JsonNode audit = json(s.json("GET", "/api/v1/audit", null));
            assertEquals("admin as bob", audit.path("items").get(0).path("actor").asText());
        }
    }

    private static String storedText(RunningServer s) {
        return s.server.database().inTransaction(c -> {
            StringBuilder b = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        b.append(rs.getString(i)).append('|');
                    }
                }
            }
            return b.toString();
        });
    }
}
