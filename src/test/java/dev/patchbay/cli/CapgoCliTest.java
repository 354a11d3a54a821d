package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release manager's path: a Capgo key pair in the key folder, Capgo-compatible delivery switched on, a bundle
 * published with {@code --capgo-compat}; then a device opens what the server hands out the way the reference
 * plugin's {@code CryptoCipher} does (RSA public-key "decrypt" of the session key, AES-128-CBC, signed SHA-256
 * checksum), with plain JCA calls written here, not Patchbay's crypto classes.
 */
class CapgoCliTest {
    static final String PASS = "correct horse battery staple";
    static final String APP = "com.example.capgo";
    static final String CANARY = "CANARY-c4pg0-5ecret";

    @TempDir
    static Path tmp;
    static PatchbayServer server;
    static Map<String, String> env;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        env = new HashMap<>();
        env.put("PATCHBAY_SERVER", server.url());
        env.put("PATCHBAY_API_KEY", Files.readString(server.adminApiKeyFile()).strip());
        env.put(Passphrases.ENV, PASS);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static String ok(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertEquals(0, code, String.join(" ", args) + "\n" + err + out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The plugin's {@code stringToPublicKey}: the PKCS#1 body wrapped as X.509 SubjectPublicKeyInfo. */
    static PublicKey pluginPublicKey(String pem) throws Exception {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] pkcs1 = Base64.getDecoder().decode(body);
        byte[] x509 = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                DERNull.INSTANCE), pkcs1).getEncoded();
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(x509));
    }

    static byte[] rsaPublicDecrypt(PublicKey key, byte[] block) throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        c.init(Cipher.DECRYPT_MODE, key);
        return c.doFinal(block);
    }

    static byte[] aesDecrypt(byte[] key, byte[] iv, byte[] data) throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return c.doFinal(data);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    byte[] get(String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    @Test
    void publishedCapgoArtifactOpensTheWayThePluginOpensIt() throws Exception {
        ok("app", "create", APP, "--name", "Capgo shop");
        ok("channel", "create", "production", "--app", APP, "--default-for", "android,ios");
        Path keys = tmp.resolve("keys");
        AppKeys.create(APP, keys, PASS.toCharArray(), KeyFileOptions.FAST).close();
        String created = ok("key", "capgo", "create", "--app", APP, "--dir", keys.toString(), "--kdf-cost", "15");
        assertTrue(created.contains("\"publicKey\" : \"-----BEGIN RSA PUBLIC KEY-----"), created);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("capgo.key"))));
        String publicPem = Files.readString(keys.resolve("capgo.pub"));
        assertFalse(Files.readString(keys.resolve("capgo.key")).contains("PRIVATE KEY"), "encrypted at rest");
        assertEquals(publicPem, ok("key", "capgo", "export", "--dir", keys.toString(), "--pem"));
        String keyId = publicPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "").substring(0, 20);

        assertTrue(ok("app", "update", APP, "--capgo-compat").contains("Capgo-compatible delivery on"));
        Path web = tmp.resolve("web");
        Files.createDirectories(web.resolve("assets"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><script src=assets/main.js></script>");
        Files.writeString(web.resolve("assets/main.js"), "console.log('" + CANARY + "');\n".repeat(50));
        String published = ok("bundle", "publish", web.toString(), "--app", APP, "--version", "1.0.1", "--keys",
                keys.toString(), "--channel", "production", "--capgo-compat", "--capgo-manifest");
        assertTrue(published.contains("encrypted for key " + keyId), published);

        // A device with the public key in its config asks, as plugin 8 does.
        ObjectNode info = Json.mapper().createObjectNode();
        info.put("platform", "android").put("device_id", UUID.randomUUID().toString()).put("app_id", APP)
                .put("custom_id", "").put("version_build", "1.0.0").put("version_code", "1").put("version_os", "14")
                .put("version_name", "builtin").put("plugin_version", "8.51.14").put("is_emulator", false)
                .put("is_prod", true).put("install_source", "").put("defaultChannel", "").put("key_id", keyId);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/compat/capgo/updates"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(info.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode a = Json.mapper().readTree(r.body());
        assertEquals("1.0.1", a.path("version").asText(), r.body());
        String checksum = a.path("checksum").asText();
        assertTrue(checksum.matches("[0-9a-f]{512}"), checksum);

        // CapgoUpdater.finishDownload: decrypt the session key and the file, then verify the signed checksum.
        PublicKey pub = pluginPublicKey(publicPem);
        String[] sk = a.path("session_key").asText().split(":");
        assertEquals(2, sk.length);
        byte[] iv = Base64.getDecoder().decode(sk[0]);
        byte[] aesKey = rsaPublicDecrypt(pub, Base64.getDecoder().decode(sk[1]));
        assertEquals(16, aesKey.length);
        byte[] encrypted = get(a.path("url").asText());
        byte[] zip = aesDecrypt(aesKey, iv, encrypted);
        assertEquals(HexFormat.of().formatHex(rsaPublicDecrypt(pub, HexFormat.of().parseHex(checksum))), sha256(zip));
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                files.put(e.getName(), z.readAllBytes());
            }
        }
        assertArrayEquals(Files.readAllBytes(web.resolve("index.html")), files.get("index.html"));
        assertArrayEquals(Files.readAllBytes(web.resolve("assets/main.js")), files.get("assets/main.js"));

        // DownloadService.handleManifestDownload: per file, the signed hash recovered with the public key.
        assertEquals(2, a.path("manifest").size(), a.toString());
        for (JsonNode m : a.path("manifest")) {
            byte[] plain = aesDecrypt(aesKey, iv, get(m.path("download_url").asText()));
            String hash = HexFormat.of().formatHex(rsaPublicDecrypt(pub,
                    HexFormat.of().parseHex(m.path("file_hash").asText())));
            assertEquals(hash, sha256(plain), m.toString());
            assertArrayEquals(Files.readAllBytes(web.resolve(m.path("file_name").asText())), plain);
        }

        // The server stores only what was uploaded: the canary is in no file of its data folder.
        byte[] canary = CANARY.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> all = Files.walk(tmp.resolve("server"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                assertFalse(indexOf(bytes, canary) >= 0, p + " holds plaintext");
            }
        }

        // The pair imported from the plugin's own PEM files gives the same key id.
        Path pemFile = tmp.resolve(".capgo_key_v2");
        Files.writeString(pemFile, dev.patchbay.crypto.capgo.CapgoKeyFile.read(keys, APP, PASS.toCharArray())
                .privatePem());
        String imported = ok("key", "capgo", "import", "--app", APP, "--dir", tmp.resolve("keys2").toString(),
                "--private-key", pemFile.toString(), "--kdf-cost", "15");
        assertTrue(imported.contains(keyId), imported);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
