package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.agent.AgentClient;
import dev.patchbay.agent.AgentSocket;
import dev.patchbay.agent.KeyAgent;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.ReleaseSigner;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key agent (ADR 0083) through the CLI against a real server on loopback: keys unlocked once with {@code agent
 * add}, then {@code bundle publish} with no passphrase anywhere; the agent signs only its app's release metadata,
 * forgets idle keys, and is not used when its socket folder is open to others. One test runs {@code agent start} as
 * the real background process.
 */
class AgentCliTest {
    static final String PASS = "correct horse battery staple";

    @TempDir
    static Path tmp;
    static PatchbayServer server;
    /** Server and API key, but no passphrase: only the agent can unlock. */
    static Map<String, String> env;
    static String savedTmpdir;

    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        env = new HashMap<>();
        env.put("PATCHBAY_SERVER", server.url());
        env.put("PATCHBAY_API_KEY", Files.readString(server.adminApiKeyFile()).strip());
        env.put(KeyringPassphrases.DISABLE_ENV, "1"); // never this machine's own keyring
        savedTmpdir = System.getProperty("java.io.tmpdir");
        Files.createDirectories(tmp.resolve("java-tmp"));
        System.setProperty("java.io.tmpdir", tmp.resolve("java-tmp").toString());
    }

    @AfterAll
    static void stopServer() {
        System.setProperty("java.io.tmpdir", savedTmpdir);
        server.close();
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result ok(Map<String, String> env, String... args) {
        Result r = run(env, args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        return r;
    }

    static Map<String, String> with(String key, String value) {
        Map<String, String> e = new HashMap<>(env);
        e.put(key, value);
        return e;
    }

    /** An app, a channel, its keys, and the server trusted for it (a first publish with the passphrase). */
    static Path app(String appId) throws IOException {
        ok(env, "app", "create", appId, "--name", "Shop");
        ok(env, "channel", "create", "production", "--app", appId);
        Path keys = tmp.resolve("keys-" + appId);
        AppKeys.create(appId, keys, PASS.toCharArray(), KeyFileOptions.FAST).close();
        ok(with(Passphrases.ENV, PASS), "bundle", "publish", web("web-" + appId).toString(), "--app", appId,
                "--version", "1.0.0", "--keys", keys.toString(), "--quiet");
        return keys;
    }

    static Path web(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><script src=main.js></script>");
        Files.writeString(dir.resolve("main.js"), "console.log('" + name + "');\n".repeat(200));
        return dir;
    }

    static Path socket(String name) {
        return tmp.resolve(name).resolve("agent.sock");
    }

    @Test
    void keysAddedOnceThenPublishNeedsNoPassphraseAndTheReleaseKeyStaysInTheAgent() throws Exception {
        Path keys = app("com.example.agent");
        Path socket = socket("agent-a");
        try (KeyAgent agent = KeyAgent.start(socket, Duration.ofHours(1))) {
            Map<String, String> viaAgent = with(AgentSocket.ENV, socket.toString());
            String publish = "bundle publish " + web("web-2") + " --app com.example.agent --version 1.1.0 --keys " + keys
                    + " --channel production --json";
            // Nothing unlocked yet: no passphrase anywhere, so publish says where one comes from.
            Result before = run(viaAgent, publish.split(" "));
            assertEquals(1, before.code(), before.err());
            assertTrue(before.err().contains("No passphrase"), before.err());

            Result wrong = run(with(Passphrases.ENV, "not the passphrase"), "agent", "add", "--app",
                    "com.example.agent", "--keys", keys.toString(), "--socket", socket.toString());
            assertEquals(1, wrong.code());
            assertEquals(1, wrong.err().lines().count(), wrong.err());

            Result added = ok(with(Passphrases.ENV, PASS), "agent", "add", "--app", "com.example.agent", "--keys",
                    keys.toString(), "--socket", socket.toString());
            assertTrue(added.out().startsWith("Keys of com.example.agent unlocked in the agent"), added.out());
            JsonNode listed = ok(viaAgent, "agent", "list", "--json").json();
            assertEquals(1, listed.size());
            assertEquals("com.example.agent", listed.get(0).path("appId").asText());
            assertEquals(keys.toRealPath().toString(), listed.get(0).path("dir").asText());

            Result published = ok(viaAgent, publish.split(" "));
            JsonNode json = published.json();
            assertEquals("1.1.0", json.path("version").asText());
            assertEquals("production", json.path("channel").asText());
            assertEquals(listed.get(0).path("releaseKeyId").asText(), json.path("releaseKeyId").asText());
            // The server accepted a release the agent signed (it verifies the signature on upload).
            JsonNode bundles = ok(env, "bundle", "list", "--app", "com.example.agent", "--json").json();
            assertTrue(java.util.stream.StreamSupport.stream(bundles.spliterator(), false)
                    .anyMatch(b -> b.path("version").asText().equals("1.1.0")), bundles.toString());

            try (AgentClient c = AgentClient.connect(socket)) {
                AgentClient.Held held = c.held("com.example.agent", keys);
                ReleaseSigner.KeySigner signer = c.signer("com.example.agent", keys, held.releasePublicKey());
                // Not release metadata, or another app's: refused (the key signs releases of its app only).
                CryptoException notRelease = assertThrows(CryptoException.class,
                        () -> signer.sign("{\"hello\":1}".getBytes(StandardCharsets.UTF_8)));
                assertTrue(notRelease.getMessage().contains("signs release metadata of app com.example.agent"),
                        notRelease.getMessage());
                assertThrows(CryptoException.class, () -> signer.sign(("{\"appId\":\"com.example.other\",\"format\":"
                        + "\"patchbay-release/2\",\"releaseKeyId\":\"" + held.releaseKeyId() + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
                assertEquals(64, signer.sign(("{\"appId\":\"com.example.agent\",\"format\":\"patchbay-release/2\","
                        + "\"releaseKeyId\":\"" + held.releaseKeyId() + "\"}").getBytes(StandardCharsets.UTF_8)).length);
            }

            ok(viaAgent, "agent", "remove", "--app", "com.example.agent", "--keys", keys.toString());
            assertEquals(0, ok(viaAgent, "agent", "list", "--json").json().size());
            Result after = run(viaAgent, ("bundle publish " + web("web-3") + " --app com.example.agent --version 1.2.0"
                    + " --keys " + keys).split(" "));
            assertTrue(after.err().contains("No passphrase"), after.err());
        }
        assertFalse(Files.exists(socket), "the socket file is removed when the agent stops");
    }

    @Test
    void showAndDiffReadTheManifestsWithTheAgentsKeysWithoutAPassphrase() throws Exception {
        Path keys = app("com.example.reader");
        Path socket = socket("agent-r");
        try (KeyAgent agent = KeyAgent.start(socket, Duration.ofHours(1))) {
            Map<String, String> viaAgent = with(AgentSocket.ENV, socket.toString());
            String show = "bundle show 1.0.0 --app com.example.reader --keys " + keys + " --json";
            // Not in the agent yet and no passphrase: show says where one comes from.
            Result before = run(viaAgent, show.split(" "));
            assertEquals(1, before.code(), before.err());
            assertTrue(before.err().contains("No passphrase"), before.err());

            ok(with(Passphrases.ENV, PASS), "agent", "add", "--app", "com.example.reader", "--keys", keys.toString(),
                    "--socket", socket.toString());
            ok(viaAgent, ("bundle publish " + web("web-r2") + " --app com.example.reader --version 1.1.0 --keys "
                    + keys + " --quiet").split(" "));

            JsonNode shown = ok(viaAgent, show.split(" ")).json();
            assertEquals(2, shown.path("files").size(), shown.toString());
            assertEquals("index.html", shown.path("files").get(0).path("path").asText());
            JsonNode diff = ok(viaAgent, ("bundle diff 1.0.0 1.1.0 --app com.example.reader --keys " + keys
                    + " --json").split(" ")).json();
            assertEquals("[\"main.js\"]", diff.path("changed").toString());
            assertTrue(diff.path("downloadBytes").asLong() > 0, diff.toString());
            // The same answers as with the passphrase and no agent.
            assertEquals(diff, ok(with(Passphrases.ENV, PASS), ("bundle diff 1.0.0 1.1.0 --app com.example.reader"
                    + " --keys " + keys + " --json").split(" ")).json());

            // Another folder's keys are not the agent's: without a passphrase it still asks for one.
            Path other = tmp.resolve("keys-reader-copy");
            Files.createDirectories(other);
            for (String f : new String[] {AppKeys.TRUST_FILE, AppKeys.CONTENT_FILE}) {
                Files.copy(keys.resolve(f), other.resolve(f));
            }
            Result copy = run(viaAgent, ("bundle show 1.0.0 --app com.example.reader --keys " + other).split(" "));
            assertEquals(1, copy.code(), copy.err());
            assertTrue(copy.err().contains("No passphrase"), copy.err());
        }
    }

    @Test
    void idleKeysAreForgotten() throws Exception {
        Path keys = tmp.resolve("keys-idle");
        AppKeys.create("com.example.idle", keys, PASS.toCharArray(), KeyFileOptions.FAST).close();
        Path socket = socket("agent-idle");
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        try (KeyAgent agent = KeyAgent.start(socket, Duration.ofMinutes(30), clock::get)) {
            Map<String, String> viaAgent = with(AgentSocket.ENV, socket.toString());
            ok(with(Passphrases.ENV, PASS), "agent", "add", "--app", "com.example.idle", "--keys", keys.toString(),
                    "--socket", socket.toString());
            clock.set(TimeUnit.MINUTES.toNanos(29));
            JsonNode listed = ok(viaAgent, "agent", "list", "--json").json();
            assertEquals(1, listed.size());
            assertEquals(29 * 60, listed.get(0).path("idleSeconds").asLong());
            assertEquals(60, listed.get(0).path("forgottenInSeconds").asLong());
            clock.set(TimeUnit.MINUTES.toNanos(30));
            assertEquals(0, ok(viaAgent, "agent", "list", "--json").json().size(),
                    "keys idle for the timeout are forgotten");
        }
    }

    @Test
    void aSocketFolderOthersCanEnterIsRefused() throws Exception {
        Path socket = socket("agent-open");
        try (KeyAgent agent = KeyAgent.start(socket, Duration.ofHours(1))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Result r = run(with(AgentSocket.ENV, socket.toString()), "agent", "list");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("must be rwx------"), r.err());
            // publish does not use it and says why, then asks for a passphrase as without an agent
            Result publish = run(with(AgentSocket.ENV, socket.toString()), "bundle", "publish",
                    web("web-open").toString(), "--app", "com.example.agent", "--version", "9.0.0", "--keys",
                    tmp.resolve("keys-none").toString());
            assertTrue(publish.err().contains("not using the key agent at " + socket), publish.err());
            // and an agent does not start in such a folder either
            IOException refused = assertThrows(IOException.class,
                    () -> KeyAgent.start(socket.resolveSibling("other.sock"), Duration.ofHours(1)));
            assertTrue(refused.getMessage().contains("rwx------"), refused.getMessage());
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void startRunsTheAgentInTheBackgroundAndStopEndsIt() throws Exception {
        Path socket = socket("agent-bg");
        Result started = ok(env, "agent", "start", "--socket", socket.toString(), "--idle-timeout", "10m", "--json");
        long pid = started.json().path("pid").asLong();
        ProcessHandle agent = ProcessHandle.of(pid).orElseThrow();
        try {
            assertFalse(started.json().path("alreadyRunning").asBoolean());
            Result shell = ok(env, "agent", "start", "--socket", socket.toString());
            assertEquals(AgentSocket.ENV + "=" + socket + "; export " + AgentSocket.ENV + ";\n"
                    + "echo Agent already running, pid " + pid + ";\n", shell.out());
            Result list = ok(with(AgentSocket.ENV, socket.toString()), "agent", "list");
            assertTrue(list.out().contains("holds no keys"), list.out());
            ok(with(AgentSocket.ENV, socket.toString()), "agent", "stop");
            assertTrue(agent.onExit().get(20, TimeUnit.SECONDS) != null);
            assertFalse(Files.exists(socket));
            Result gone = run(with(AgentSocket.ENV, socket.toString()), "agent", "list");
            assertEquals(1, gone.code());
            assertTrue(gone.err().contains("No key agent at " + socket), gone.err());
        } finally {
            agent.destroy();
        }
    }
}
