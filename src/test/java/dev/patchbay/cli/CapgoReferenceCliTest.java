package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility checked against a peer no one here wrote: the reference CLI ({@code @capgo/cli} from npm, installed
 * by this test's setup with the plugin package it reads its checksum format from, cached under
 * {@code target/capgo-ref}) creates the key pair, decrypts and verifies what {@code bundle publish --capgo-compat}
 * served, and encrypts a bundle that {@code bundle import-capgo} moves to Patchbay.
 */
class CapgoReferenceCliTest {
    static final String CLI_VERSION = "8.68.1";
    static final String PLUGIN_VERSION = "8.51.14";
    static final String PASS = "correct horse battery staple";
    static final String APP = "com.example.refcli";
    static final Path PROJECT = Path.of("target", "capgo-ref").toAbsolutePath();

    @TempDir
    static Path tmp;
    static PatchbayServer server;
    static Map<String, String> env;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        boolean npm = run(Path.of("."), 60, "npm", "--version").code == 0;
        if (!npm && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI needs node and npm (.ci/run installs them)");
        }
        Assumptions.assumeTrue(npm, "npm is not installed");
        Files.createDirectories(PROJECT);
        if (!Files.exists(PROJECT.resolve("node_modules/.bin/capgo"))
                || !Files.exists(PROJECT.resolve("node_modules/@capgo/capacitor-updater/package.json"))) {
            Files.writeString(PROJECT.resolve("package.json"), "{\"name\":\"capgo-ref\",\"version\":\"1.0.0\","
                    + "\"private\":true}\n");
            Proc install = run(PROJECT, 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                    "--legacy-peer-deps", "@capgo/cli@" + CLI_VERSION, "@capgo/capacitor-updater@" + PLUGIN_VERSION);
            assertEquals(0, install.code, install.out);
        }
        Files.createDirectories(PROJECT.resolve("dist"));
        Files.writeString(PROJECT.resolve("dist/index.html"), "<html></html>");
        Files.writeString(PROJECT.resolve("capacitor.config.json"), "{\"appId\":\"" + APP
                + "\",\"appName\":\"Ref\",\"webDir\":\"dist\"}\n");
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        env = new HashMap<>();
        env.put("PATCHBAY_SERVER", server.url());
        env.put("PATCHBAY_API_KEY", Files.readString(server.adminApiKeyFile()).strip());
        env.put(Passphrases.ENV, PASS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Proc(int code, String out) {
    }

    static Proc run(Path dir, int seconds, String... cmd) throws Exception {
        // stdout only (the JSON some commands print); stderr (Node's warnings, progress) goes to the test log.
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("CI", "true");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Proc(-1, e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            return new Proc(-2, "timed out: " + out.toString(StandardCharsets.UTF_8));
        }
        reader.join(5000);
        return new Proc(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    static Proc capgo(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(PROJECT.resolve("node_modules/.bin/capgo").toString());
        cmd.addAll(List.of(args));
        return run(PROJECT, 120, cmd.toArray(String[]::new));
    }

    static String ok(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertEquals(0, code, String.join(" ", args) + "\n" + err + out);
        return out.toString(StandardCharsets.UTF_8);
    }

    JsonNode check(String versionName) throws Exception {
        ObjectNode info = Json.mapper().createObjectNode();
        info.put("platform", "android").put("device_id", UUID.randomUUID().toString()).put("app_id", APP)
                .put("version_build", "1.0.0").put("version_name", versionName).put("plugin_version", PLUGIN_VERSION)
                .put("is_emulator", false).put("is_prod", true).put("defaultChannel", "");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/compat/capgo/updates"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(info.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body());
    }

    static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> files = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                files.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    @Test
    void theReferenceCliMakesTheKeysOpensPatchbaysArtifactAndItsBundlesImport() throws Exception {
        Files.deleteIfExists(PROJECT.resolve(".capgo_key_v2"));
        Files.deleteIfExists(PROJECT.resolve(".capgo_key_v2.pub"));
        Proc keys = capgo("key", "create", "--force");
        Path privatePem = PROJECT.resolve(".capgo_key_v2");
        assertTrue(Files.exists(privatePem), keys.out);

        ok("app", "create", APP, "--name", "Reference");
        ok("channel", "create", "production", "--app", APP, "--default-for", "android,ios");
        ok("app", "update", APP, "--capgo-compat");
        Path keyDir = tmp.resolve("keys");
        AppKeys.create(APP, keyDir, PASS.toCharArray(), KeyFileOptions.FAST).close();
        ok("key", "capgo", "import", "--app", APP, "--dir", keyDir.toString(), "--private-key",
                privatePem.toString(), "--kdf-cost", "15");
        assertEquals(Files.readString(PROJECT.resolve(".capgo_key_v2.pub")).strip(),
                Files.readString(keyDir.resolve("capgo.pub")).strip(), "the same public PEM as the reference CLI's");

        // Patchbay publishes; the reference CLI decrypts what a device downloads and verifies its checksum.
        Path web = tmp.resolve("web");
        Files.createDirectories(web);
        Files.writeString(web.resolve("index.html"), "<html>from patchbay</html>");
        ok("bundle", "publish", web.toString(), "--app", APP, "--version", "1.0.1", "--keys", keyDir.toString(),
                "--channel", "production", "--capgo-compat");
        JsonNode a = check("builtin");
        assertEquals("1.0.1", a.path("version").asText(), a.toString());
        Path downloaded = tmp.resolve("downloaded.zip");
        Files.write(downloaded, http.send(HttpRequest.newBuilder(URI.create(a.path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        Proc dec = capgo("bundle", "decrypt", downloaded.toString(), a.path("session_key").asText(), "--checksum",
                a.path("checksum").asText(), "--key", privatePem.toString());
        assertEquals(0, dec.code, dec.out);
        assertTrue(dec.out.contains("Checksum matches"), dec.out);
        byte[] opened = Files.readAllBytes(Path.of(downloaded + "_decrypted.zip"));
        assertEquals("<html>from patchbay</html>", unzip(opened).get("index.html"));
        // And it refuses a checksum that is not Patchbay's.
        String wrong = "00" + a.path("checksum").asText().substring(2);
        assertNotEquals(0, capgo("bundle", "decrypt", downloaded.toString(), a.path("session_key").asText(),
                "--checksum", wrong, "--key", privatePem.toString()).code);

        // The reference CLI encrypts a bundle; bundle import-capgo publishes it for both kinds of devices.
        byte[] plain = zip(Map.of("index.html", "<html>from the reference cli</html>"));
        Path plainZip = tmp.resolve("ref.zip");
        Files.write(plainZip, plain);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain));
        Proc enc = capgo("bundle", "encrypt", plainZip.toString(), sha, "--json", "--key", privatePem.toString());
        assertEquals(0, enc.code, enc.out);
        JsonNode e = Json.mapper().readTree(enc.out.substring(enc.out.indexOf('{')));
        Path encrypted = tmp.resolve("ref.zip_encrypted.zip");
        assertTrue(Files.exists(encrypted), enc.out);
        ok("bundle", "import-capgo", encrypted.toString(), "--app", APP, "--version", "1.0.2", "--keys",
                keyDir.toString(), "--session-key", e.path("ivSessionKey").asText(), "--checksum",
                e.path("checksum").asText(), "--channel", "production");
        JsonNode b = check("1.0.1");
        assertEquals("1.0.2", b.path("version").asText(), b.toString());
        assertEquals(e.path("ivSessionKey").asText(), b.path("session_key").asText());
        assertEquals(e.path("checksum").asText(), b.path("checksum").asText());
        assertArrayEquals(Files.readAllBytes(encrypted), http.send(HttpRequest.newBuilder(
                URI.create(b.path("url").asText())).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        // The Patchbay bundle holds the same content.
        assertTrue(ok("bundle", "show", "1.0.2", "--app", APP, "--keys", keyDir.toString()).contains("index.html"));
        // A wrong checksum is refused before anything is published.
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"bundle", "import-capgo", encrypted.toString(), "--app", APP, "--version",
            "1.0.3", "--keys", keyDir.toString(), "--session-key", e.path("ivSessionKey").asText(), "--checksum",
            "00" + e.path("checksum").asText().substring(2)}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("checksum"), err.toString());
    }
}
