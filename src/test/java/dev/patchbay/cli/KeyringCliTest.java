package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key passphrases in the OS keyring (ADR 0084), as a user meets them: the real CLI in its own process (the keyring
 * library reads the process environment), against a real server on loopback. With a real Secret Service (GNOME
 * Keyring in a private D-Bus session, Debian's gnome-keyring): {@code key remember}, then {@code bundle publish} with
 * no passphrase anywhere, {@code key forget}, then publish asks again. Without a D-Bus session (headless CI): a clear
 * refusal to remember and the passphrase fallback.
 */
class KeyringCliTest {
    static final String PASS = "correct horse battery staple";

    @TempDir
    static Path tmp;
    static PatchbayServer server;
    static Map<String, String> env;
    static String savedTmpdir;

    @BeforeAll
    static void startServer() throws Exception {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        env = new HashMap<>();
        env.put("PATCHBAY_SERVER", server.url());
        env.put("PATCHBAY_API_KEY", Files.readString(server.adminApiKeyFile()).strip());
        env.put(KeyringPassphrases.DISABLE_ENV, "1");
        savedTmpdir = System.getProperty("java.io.tmpdir");
        Files.createDirectories(tmp.resolve("java-tmp"));
        System.setProperty("java.io.tmpdir", tmp.resolve("java-tmp").toString());
    }

    @AfterAll
    static void stopServer() {
        System.setProperty("java.io.tmpdir", savedTmpdir);
        server.close();
    }

    /** An app whose server already trusts it (first publish in-process, with the passphrase). */
    static Path app(String appId) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.put(Passphrases.ENV, PASS);
        for (String[] args : List.of(new String[] {"app", "create", appId, "--name", "Shop"},
                new String[] {"channel", "create", "production", "--app", appId})) {
            assertEquals(0, AgentCliTest.run(e, args).code());
        }
        Path keys = tmp.resolve("keys-" + appId);
        AppKeys.create(appId, keys, PASS.toCharArray(), KeyFileOptions.FAST).close();
        AgentCliTest.Result first = AgentCliTest.run(e, "bundle", "publish", web("web-" + appId + "-1").toString(),
                "--app", appId, "--version", "1.0.0", "--keys", keys.toString(), "--quiet");
        assertEquals(0, first.code(), first.err());
        return keys;
    }

    static Path web(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<!doctype html><p>" + name);
        return dir;
    }

    /**
     * Runs {@code script} with bash, {@code $PB} the CLI as its own process; answers its stdout and stderr. The
     * environment is only what the script needs (no D-Bus session, no passphrase unless the script sets one).
     */
    static String shell(String script) throws Exception {
        ProcessBuilder b = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        Map<String, String> e = b.environment();
        e.clear();
        e.put("PB", String.join(" ", AgentCommand.Start.selfCommand())); // no spaces in these paths
        e.put("PATH", System.getenv("PATH"));
        e.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        e.put("PATCHBAY_SERVER", env.get("PATCHBAY_SERVER"));
        e.put("PATCHBAY_API_KEY", env.get("PATCHBAY_API_KEY"));
        e.put("PATCHBAY_AGENT_SOCK", tmp.resolve("no-agent/agent.sock").toString());
        e.put("KEY_PASS", PASS);
        e.put("TMPDIR", tmp.resolve("java-tmp").toString());
        Process p = b.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }

    static boolean installed(String program) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void withoutAKeyringRememberSaysSoAndPublishFallsBackToThePassphrase() throws Exception {
        Path keys = app("com.example.nokeyring");
        String out = shell("""
                $PB key remember --app com.example.nokeyring --dir %s; echo "remember=$?"
                $PB bundle publish %s --app com.example.nokeyring --version 1.1.0 --keys %s; echo "nopass=$?"
                PATCHBAY_KEY_PASSPHRASE="$KEY_PASS" $PB bundle publish %s --app com.example.nokeyring \\
                    --version 1.1.0 --keys %s --quiet; echo "withpass=$?"
                """.formatted(keys, web("web-nk-2"), keys, web("web-nk-2"), keys));
        assertTrue(out.contains("remember=1"), out);
        assertTrue(out.contains("patchbay: No OS keyring here (no D-Bus session"), out);
        assertTrue(out.contains("nopass=1"), out);
        assertTrue(out.contains("patchbay: No passphrase: set PATCHBAY_KEY_PASSPHRASE or use --passphrase-file"), out);
        assertTrue(out.contains("withpass=0"), out);
    }

    @Test
    void aPassphraseRememberedInSecretServiceUnlocksPublishUntilForgotten() throws Exception {
        boolean present = installed("dbus-run-session") && installed("gnome-keyring-daemon");
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI needs dbus-run-session and gnome-keyring-daemon (.ci/run installs them)");
        }
        Assumptions.assumeTrue(present, "no dbus-run-session / gnome-keyring-daemon: apt-get install dbus-daemon"
                + " gnome-keyring");
        Path keys = app("com.example.keyring");
        // One private D-Bus session for every step: GNOME Keyring's login collection, unlocked with its own password.
        String script = """
                printf %%s keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
                PATCHBAY_KEY_PASSPHRASE="$KEY_PASS" $PB key remember --app com.example.keyring --dir %s; echo "remember=$?"
                $PB bundle publish %s --app com.example.keyring --version 1.1.0 --keys %s --quiet; echo "publish=$?"
                $PB key forget --app com.example.keyring --dir %s; echo "forget=$?"
                $PB bundle publish %s --app com.example.keyring --version 1.2.0 --keys %s --quiet; echo "after=$?"
                """.formatted(keys, web("web-k-2"), keys, keys, web("web-k-3"), keys);
        Path file = tmp.resolve("keyring-steps.sh");
        Files.writeString(file, script);
        String out = shell("exec dbus-run-session -- bash " + file);
        assertTrue(out.contains("remember=0"), out);
        assertTrue(out.contains("stored in the OS keyring"), out);
        assertTrue(out.contains("publish=0"), out);
        assertTrue(out.contains("forget=0"), out);
        assertTrue(out.contains("removed from the OS keyring"), out);
        assertTrue(out.contains("after=1"), out);
        assertTrue(out.contains("No passphrase"), out);
        List<String> versions = new ArrayList<>();
        dev.patchbay.client.PatchbayClient.connect(server.url(), env.get("PATCHBAY_API_KEY"))
                .listBundles("com.example.keyring").forEach(bundle -> versions.add(bundle.version()));
        assertEquals(List.of("1.1.0", "1.0.0"), versions);
    }
}
