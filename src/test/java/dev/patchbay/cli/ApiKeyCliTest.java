package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchbay api-key create|list|show|expire|revoke|rotate} against a real server, as a CI admin would. */
class ApiKeyCliTest {
    @TempDir
    Path dataDir;

    @Test
    void createUseListRevokeAndRotateKeys() throws Exception {
        try (RunningServer s = RunningServer.start(dataDir)) {
            Map<String, String> admin = env(s.url(), s.adminKey);
            assertEquals(0, CliTest.run(admin, "app", "create", "com.example.shop", "--name", "Shop").code());

            CliTest.Result created = CliTest.run(admin, "api-key", "create", "ci-shop", "--role", "publisher",
                    "--app", "com.example.shop", "--expires", "90d");
            assertEquals(0, created.code(), created.err());
            assertTrue(created.out().startsWith("Created key ci-shop (publisher, apps: com.example.shop, expires: "),
                    created.out());
            String secret = created.out().lines().filter(l -> l.startsWith("Secret (shown only now): "))
                    .findFirst().orElseThrow().substring("Secret (shown only now): ".length());

            Map<String, String> ci = env(s.url(), secret);
            CliTest.Result channel = CliTest.run(ci, "channel", "create", "beta", "--app", "com.example.shop");
            assertEquals(0, channel.code(), channel.err());
            CliTest.Result refused = CliTest.run(ci, "app", "create", "com.example.other", "--name", "Other");
            assertEquals(1, refused.code(), refused.out());
            assertTrue(refused.err().contains("publisher") && refused.err().contains("admin"), refused.err());

            CliTest.Result list = CliTest.run(admin, "api-key", "list");
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().contains("ci-shop") && list.out().contains("com.example.shop"), list.out());
            assertFalse(list.out().contains("pbk_"), "no secrets in the list");

            assertEquals(0, CliTest.run(admin, "api-key", "revoke", "ci-shop").code());
            CliTest.Result after = CliTest.run(ci, "app", "list");
            assertTrue(after.code() != 0, after.out());
            JsonNode all = Json.mapper().readTree(CliTest.run(admin, "api-key", "list", "--all", "--json").out());
            assertEquals("revoked", all.get(1).path("status").asText(), all.toString());

            CliTest.Result rotated = CliTest.run(admin, "api-key", "rotate", "admin");
            assertEquals(0, rotated.code(), rotated.err());
            assertTrue(rotated.out().contains("admin-api-key file now holds the new key"), rotated.out());
            String fresh = Files.readString(s.server.adminApiKeyFile()).strip();
            assertTrue(rotated.out().contains(fresh), rotated.out());
            assertTrue(CliTest.run(admin, "app", "list").code() != 0, "the old admin key is refused at once");
            assertEquals(0, CliTest.run(env(s.url(), fresh), "app", "list").code());

            CliTest.Result bad = CliTest.run(env(s.url(), fresh), "api-key", "create", "x", "--role", "viewer",
                    "--expires", "tomorrow");
            assertTrue(bad.code() != 0 && bad.err().contains("--expires"), bad.err());
        }
    }

    private static Map<String, String> env(String url, String key) {
        Map<String, String> env = new HashMap<>();
        env.put("PATCHBAY_SERVER", url);
        env.put("PATCHBAY_API_KEY", key);
        return env;
    }
}
