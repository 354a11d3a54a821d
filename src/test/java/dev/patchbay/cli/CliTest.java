package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI path: {@code patchbay serve} as a real separate process, then the client commands against it, reading the
 * server and key from the environment as a pipeline would.
 */
class CliTest {
    @TempDir
    static Path dataDir;
    static Process serve;
    static String url;

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void startServe() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.patchbay.Launcher", "serve", "--port", "0", "--data-dir", dataDir.resolve("server").toString()));
        serve = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        ServeOutput started = ServeOutput.read(lines, "Created an admin API key in");
        url = started.url();
        assertTrue(url != null, "serve did not announce its address:\n" + started.text());
        Thread drain = new Thread(() -> {
            try {
                lines.lines().forEach(l -> { });
            } catch (java.io.UncheckedIOException e) {
                // the stream closes when serve is stopped; an uncaught exception here would fail a later test
            }
        }, "serve-drain");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stopServe() throws Exception {
        serve.destroy();
        assertTrue(serve.waitFor(10, TimeUnit.SECONDS), "serve stops on SIGTERM");
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> env() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATCHBAY_SERVER", url);
        env.put("PATCHBAY_API_KEY", Files.readString(dataDir.resolve("server/admin-api-key")).strip());
        return env;
    }

    @Test
    void serveWritesAnOwnerOnlyAdminKey() throws Exception {
        Path key = dataDir.resolve("server/admin-api-key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void createAppAndChannelsThenListAsJson() throws Exception {
        Result app = run(env(), "app", "create", "com.example.cli", "--name", "CLI Shop");
        assertEquals(0, app.code(), app.err());
        assertEquals("Created app com.example.cli (CLI Shop)\n", app.out());

        assertEquals(0, run(env(), "channel", "create", "production", "--app", "com.example.cli",
                "--default-for", "android,ios").code());
        Result beta = run(env(), "channel", "create", "beta", "--app", "com.example.cli", "--self-assign",
                "--platforms", "android", "--description", "Testers");
        assertEquals(0, beta.code(), beta.err());

        Result list = run(env(), "channel", "list", "--app", "com.example.cli", "--json");
        assertEquals(0, list.code(), list.err());
        JsonNode channels = Json.mapper().readTree(list.out());
        assertEquals(2, channels.size());
        assertEquals("beta", channels.get(0).path("name").asText());
        assertEquals("[\"android\"]", channels.get(0).path("platforms").toString());
        assertTrue(channels.get(0).path("allowDeviceSelfAssign").asBoolean());
        assertEquals("[\"android\",\"ios\"]", channels.get(1).path("defaultFor").toString());

        Result update = run(env(), "channel", "update", "beta", "--app", "com.example.cli", "--default-for", "android");
        assertEquals(0, update.code(), update.err());
        Result text = run(env(), "channel", "list", "--app", "com.example.cli");
        assertTrue(text.out().lines().anyMatch(l -> l.matches("production\\s+ios\\s+android,ios\\s+no\\s+yes\\s+yes\\s+builtin")), text.out());

        assertEquals(0, run(env(), "channel", "delete", "beta", "--app", "com.example.cli").code());
        assertEquals(0, run(env(), "app", "delete", "com.example.cli").code());
    }

    @Test
    void flagsOverrideTheEnvironment() throws Exception {
        Map<String, String> env = new HashMap<>();
        Result r = run(env, "app", "list", "--server", url, "--api-key-file",
                dataDir.resolve("server/admin-api-key").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(Json.mapper().readTree(r.out()).isArray());
    }

    @Test
    void everyFailureIsOneLineAndNonZero() throws Exception {
        Result noServer = run(Map.of(), "app", "list");
        assertEquals(1, noServer.code());
        assertEquals("patchbay: No server given: use --server URL or set PATCHBAY_SERVER\n", noServer.err());

        Map<String, String> wrongKey = new HashMap<>(env());
        wrongKey.put("PATCHBAY_API_KEY", "pbk_wrong");
        Result unauthorized = run(wrongKey, "app", "list");
        assertEquals(1, unauthorized.code());
        assertEquals(1, unauthorized.err().lines().count(), unauthorized.err());

        Result badId = run(env(), "app", "create", "shop", "--name", "X");
        assertEquals(1, badId.code());
        assertTrue(badId.err().startsWith("patchbay: App id 'shop' is not a reverse-domain id"), badId.err());

        Result missing = run(env(), "app", "show", "com.example.missing");
        assertEquals("patchbay: No app with id 'com.example.missing'\n", missing.err());

        run(env(), "app", "create", "com.example.dup", "--name", "Dup");
        Result dup = run(env(), "app", "create", "com.example.dup", "--name", "Dup");
        assertEquals("patchbay: An app with id 'com.example.dup' already exists\n", dup.err());

        Result badPlatform = run(env(), "channel", "create", "x", "--app", "com.example.dup", "--platforms", "windows");
        assertEquals("patchbay: --platforms: Unknown platform 'windows' (expected android or ios)\n", badPlatform.err());

        Result usage = run(env(), "app", "create", "com.example.x");
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("patchbay: Missing required option: '--name=<name>'"), usage.err());
    }

    @Test
    void helpListsTheCommands() {
        Result help = run(Map.of(), "--help");
        assertEquals(0, help.code());
        for (String command : List.of("serve", "app", "channel")) {
            assertTrue(help.out().contains("  " + command + " "), help.out());
        }
    }
}
