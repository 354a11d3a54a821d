package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.http.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLifecycleTest {
    @TempDir
    Path dataDir;

    @Test
    void firstStartWritesAnOwnerOnlyAdminKeyAndLaterStartsKeepIt() throws Exception {
        String key;
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertTrue(s.server.createdAdminKey());
            Path file = dataDir.resolve("admin-api-key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            key = s.adminKey;
            assertTrue(key.startsWith("pbk_"), key);
            assertEquals(201, s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.shop\",\"name\":\"Shop\"}").statusCode());
        }
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertFalse(s.server.createdAdminKey());
            assertEquals(key, s.adminKey);
            assertEquals(200, s.json("GET", "/api/v1/apps/com.example.shop", null).statusCode(), "data survives a restart");
        }
        // The database stores only a hash of the key.
        try (var files = Files.walk(dataDir.resolve("db"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(key),
                        "plaintext key found in " + f);
            }
        }
    }

    @Test
    void aLostKeyFileIsReplacedWithANewWorkingKey() throws Exception {
        String old;
        try (RunningServer s = RunningServer.start(dataDir)) {
            old = s.adminKey;
        }
        Files.delete(dataDir.resolve("admin-api-key"));
        try (RunningServer s = RunningServer.start(dataDir)) {
            assertTrue(s.server.createdAdminKey());
            assertFalse(old.equals(s.adminKey));
            assertEquals(200, s.json("GET", "/api/v1/apps", null).statusCode());
        }
    }

    @Test
    void aSecondServerOnTheSameDataFolderIsRefusedClearly() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            IOException e = assertThrows(IOException.class,
                    () -> PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dataDir)));
            assertTrue(e.getMessage().contains("in use by another Patchbay server"), e.getMessage());
            assertEquals(200, s.json("GET", "/api/v1/apps", null).statusCode(), "the first one keeps working");
        }
    }

    @Test
    void aTakenPortIsRefusedClearly(@TempDir Path other) throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            IOException e = assertThrows(IOException.class,
                    () -> PatchbayServer.start(new ServerConfig("127.0.0.1", s.server.port(), other)));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void openApiDescribesExactlyTheRoutesAndDocsCopyMatches() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            var r = s.send("GET", "/openapi.json", null, null, null);
            assertEquals(200, r.statusCode());
            JsonNode spec = Json.mapper().readTree(r.body());
            Set<String> documented = new TreeSet<>();
            spec.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
                if (!m.equals("parameters")) {
                    documented.add(m.toUpperCase() + " " + p.getKey());
                }
            }));
            Set<String> routed = new TreeSet<>();
            for (Router.Route route : PatchbayServer.routes(null, Clock.systemUTC()).routes()) {
                routed.add(route.method() + " " + route.template());
            }
            assertEquals(routed, documented);
        }
        String bundled = new String(getClass().getClassLoader().getResourceAsStream(HealthApi.OPENAPI_RESOURCE).readAllBytes());
        assertEquals(bundled, Files.readString(Path.of("docs/openapi.json")), "docs/openapi.json must match the served copy");
    }
}
