package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code key trust-server}, {@code device ...} and {@code channel --update-gate} against a real server. */
class DeviceCliTest {
    static final String APP = "com.example.devices";

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trustTheServerThenFollowADevice() throws Exception {
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("data")))) {
            String key = Files.readString(server.adminApiKeyFile()).strip();
            Map<String, String> env = new HashMap<>(Map.of("PATCHBAY_SERVER", server.url(), "PATCHBAY_API_KEY", key,
                    "PATCHBAY_KEY_PASSPHRASE", "a long passphrase"));
            Path keys = tmp.resolve("keys");
            assertEquals(0, run(env, "key", "create", "--app", APP, "--dir", keys.toString(), "--kdf-cost=15").code());
            PatchbayClient client = PatchbayClient.connect(server.url(), key);
            assertEquals(0, run(env, "app", "create", APP, "--name", "Devices").code());
            TrustRoot trust = AppKeys.readTrust(APP, keys);
            client.registerTrust(APP, trust.toBytes());

            Result wrong = run(Map.of("PATCHBAY_SERVER", server.url(), "PATCHBAY_API_KEY", key,
                    "PATCHBAY_KEY_PASSPHRASE", "not the passphrase"), "key", "trust-server", "--app", APP, "--keys",
                    keys.toString());
            assertEquals(Cli.FAILED, wrong.code(), wrong.out());
            Result trusted = run(env, "key", "trust-server", "--app", APP, "--keys", keys.toString());
            assertEquals(0, trusted.code(), trusted.err());
            assertTrue(trusted.out().contains(client.freshnessKey().keyId()), trusted.out());
            assertEquals(client.freshnessKey().keyId(), client.freshnessCert(APP).keyId());

            Result gate = run(env, "channel", "create", "production", "--app", APP, "--default-for", "android,ios",
                    "--update-gate", "minor", "--json");
            assertEquals(0, gate.code(), gate.err());
            assertEquals("minor", Json.mapper().readTree(gate.out()).path("updateGate").asText());
            assertEquals(Cli.FAILED, run(env, "channel", "update", "production", "--app", APP, "--update-gate", "huge")
                    .code());
            assertEquals(0, run(env, "channel", "create", "internal", "--app", APP).code());

            // A device checks; the answer verifies against the root in the key folder.
            String device = UUID.randomUUID().toString();
            String nonce = "AAAAAAAAAAAAAAAAAAAAAA";
            String body = "{\"appId\":\"" + APP + "\",\"deviceId\":\"" + device + "\",\"platform\":\"android\","
                    + "\"nativeVersion\":\"1.4.0\",\"currentBundle\":\"builtin\",\"nonce\":\"" + nonce + "\"}";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.url() + "/updates")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = Json.mapper().readTree(r.body());
            assertEquals("up_to_date", answer.path("kind").asText(), r.body());
            FreshnessStatement.verify(answer.get("freshness"), answer.get("freshnessCert"), trust.rootPublicKey(), APP,
                    device, nonce);

            Result list = run(env, "device", "list", "--app", APP, "--json");
            assertEquals(0, list.code(), list.err());
            assertEquals(device, Json.mapper().readTree(list.out()).get(0).path("deviceId").asText());
            Result text = run(env, "device", "list", "--app", APP);
            assertTrue(text.out().contains(device) && text.out().contains("already_on_builtin"), text.out());
            Result show = run(env, "device", "show", "--app", APP, "--device", device);
            assertEquals(0, show.code(), show.err());
            assertTrue(show.out().contains("production (default)"), show.out());
            Result events = run(env, "device", "events", "--app", APP, "--device", device, "--json");
            assertEquals("update_check", Json.mapper().readTree(events.out()).get(0).path("action").asText());

            Result pin = run(env, "device", "override", "--app", APP, "--device", device, "--channel", "internal");
            assertEquals(0, pin.code(), pin.err());
            assertEquals("internal", client.device(APP, device).channelOverride());
            Result both = run(env, "device", "override", "--app", APP, "--device", device, "--channel", "internal",
                    "--clear");
            assertEquals(Cli.USAGE, both.code());
            Result clear = run(env, "device", "override", "--app", APP, "--device", device, "--clear");
            assertEquals(0, clear.code(), clear.err());
            assertEquals(null, client.device(APP, device).channelOverride());
            Result missing = run(env, "device", "show", "--app", APP, "--device", UUID.randomUUID().toString());
            assertEquals(Cli.FAILED, missing.code());
        }
    }
}
