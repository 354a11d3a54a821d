package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
    static final String APP = "com.example.shop";
    static final char[] PASS = "correct horse battery staple".toCharArray();

    @TempDir
    Path tmp;

    /** RFC 7914 §12, second vector. */
    @Test
    void scryptKnownAnswer() {
        byte[] out = KeyFile.scrypt("password".toCharArray(), "NaCl".getBytes(StandardCharsets.US_ASCII), 1024, 8, 16,
                64);
        assertEquals("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640", HexFormat.of().formatHex(out));
    }

    KeyFile.Key releaseKey() {
        return KeyFile.Key.ed25519(KeyFile.Kind.RELEASE, APP, Ed25519.generatePrivateKey(),
                Instant.parse("2026-11-22T10:00:00Z"));
    }

    @Test
    void roundTripAndWrongPassphrase() {
        KeyFile.Key key = releaseKey();
        byte[] file = KeyFile.encrypt(key, PASS, KeyFileOptions.FAST);
        KeyFile.Key back = KeyFile.decrypt(file, PASS, APP, KeyFile.Kind.RELEASE, "release.key");
        assertArrayEquals(key.secret(), back.secret());
        assertEquals(key.keyId(), back.keyId());
        String text = new String(file, StandardCharsets.UTF_8);
        assertFalse(text.contains(Codec.b64(key.secret())));
        CryptoException e = assertThrows(CryptoException.class,
                () -> KeyFile.decrypt(file, "wrong".toCharArray(), APP, KeyFile.Kind.RELEASE, "release.key"));
        assertEquals("Key file release.key is encrypted with a different passphrase, or it was modified",
                e.getMessage());
    }

    @Test
    void headerTamperingFailsTheTag() throws IOException {
        byte[] file = KeyFile.encrypt(releaseKey(), PASS, KeyFileOptions.FAST);
        ObjectNode node = (ObjectNode) Json.mapper().readTree(file);
        node.put("createdAt", "2020-01-01T00:00:00Z");
        CryptoException e = assertThrows(CryptoException.class, () -> KeyFile.decrypt(
                Json.mapper().writeValueAsBytes(node), PASS, APP, KeyFile.Kind.RELEASE, "k"));
        assertTrue(e.getMessage().contains("different passphrase, or it was modified"), e.getMessage());
        ObjectNode n2 = (ObjectNode) Json.mapper().readTree(file);
        ((ObjectNode) n2.get("kdf")).put("logN", 16);
        e = assertThrows(CryptoException.class, () -> KeyFile.decrypt(Json.mapper().writeValueAsBytes(n2), PASS, APP,
                KeyFile.Kind.RELEASE, "k"));
        assertTrue(e.getMessage().contains("different passphrase, or it was modified"), e.getMessage());
    }

    @Test
    void kdfBombsAndUnknownFormatsAreUnsupported() throws IOException {
        byte[] file = KeyFile.encrypt(releaseKey(), PASS, KeyFileOptions.FAST);
        for (String[] change : List.of(new String[] {"logN", "30"}, new String[] {"logN", "10"},
                new String[] {"r", "16"}, new String[] {"p", "4"}, new String[] {"alg", "argon2id"})) {
            ObjectNode node = (ObjectNode) Json.mapper().readTree(file);
            ObjectNode kdf = (ObjectNode) node.get("kdf");
            if (change[0].equals("alg")) {
                kdf.put("alg", change[1]);
            } else {
                kdf.put(change[0], Integer.parseInt(change[1]));
            }
            long start = System.nanoTime();
            CryptoException e = assertThrows(CryptoException.class, () -> KeyFile.decrypt(
                    Json.mapper().writeValueAsBytes(node), PASS, APP, KeyFile.Kind.RELEASE, "k"));
            assertTrue(e.getMessage().startsWith("Key file k is an unsupported key file"), e.getMessage());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused before any scrypt work");
        }
        ObjectNode node = (ObjectNode) Json.mapper().readTree(file);
        node.put("format", "patchbay-key/2");
        CryptoException e = assertThrows(CryptoException.class, () -> KeyFile.decrypt(
                Json.mapper().writeValueAsBytes(node), PASS, APP, KeyFile.Kind.RELEASE, "k"));
        assertTrue(e.getMessage().contains("unsupported key file"), e.getMessage());
    }

    @Test
    void damagedFilesSayDamaged() {
        byte[] file = KeyFile.encrypt(releaseKey(), PASS, KeyFileOptions.FAST);
        byte[] cut = java.util.Arrays.copyOf(file, file.length / 2);
        CryptoException e = assertThrows(CryptoException.class,
                () -> KeyFile.decrypt(cut, PASS, APP, KeyFile.Kind.RELEASE, "k"));
        assertEquals("Key file k is damaged (it is not valid JSON)", e.getMessage());
        byte[] noCipher = new String(file, StandardCharsets.UTF_8).replaceAll("\"ciphertext\" : \"[^\"]*\"",
                "\"ciphertext\" : \"AAAA\"").getBytes(StandardCharsets.UTF_8);
        e = assertThrows(CryptoException.class, () -> KeyFile.decrypt(noCipher, PASS, APP, KeyFile.Kind.RELEASE, "k"));
        assertTrue(e.getMessage().startsWith("Key file k is damaged"), e.getMessage());
    }

    @Test
    void keyOfAnotherAppOrKind() {
        byte[] file = KeyFile.encrypt(releaseKey(), PASS, KeyFileOptions.FAST);
        CryptoException e = assertThrows(CryptoException.class,
                () -> KeyFile.decrypt(file, PASS, "com.example.other", KeyFile.Kind.RELEASE, "k"));
        assertEquals("Key file k belongs to app com.example.shop, not com.example.other", e.getMessage());
        e = assertThrows(CryptoException.class, () -> KeyFile.decrypt(file, PASS, APP, KeyFile.Kind.ROOT, "k"));
        assertTrue(e.getMessage().contains("holds a release key, not a root key"), e.getMessage());
    }

    @Test
    void writesOwnerOnlyAndRefusesReadableFiles() throws IOException {
        Path f = tmp.resolve("release.key");
        KeyFile.writeAtomically(f, KeyFile.encrypt(releaseKey(), PASS, KeyFileOptions.FAST), false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        KeyFile.read(f, PASS, APP, KeyFile.Kind.RELEASE);
        CryptoException e = assertThrows(CryptoException.class, () -> KeyFile.writeAtomically(f, new byte[1], false));
        assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        e = assertThrows(CryptoException.class, () -> KeyFile.read(f, PASS, APP, KeyFile.Kind.RELEASE));
        assertEquals("Key file " + f + " is readable by other users (mode 0644); chmod 600 it", e.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThrows(CryptoException.class, () -> KeyFile.read(f, PASS, APP, KeyFile.Kind.RELEASE));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temp files left behind");
        }
    }

    @Test
    void appKeysCreateLoadExport() throws IOException {
        Path dir = tmp.resolve("keys");
        String releaseKeyId;
        byte[] contentKey;
        try (AppKeys keys = AppKeys.create(APP, dir, PASS, KeyFileOptions.FAST)) {
            releaseKeyId = keys.releaseKeyId();
            contentKey = keys.contentKey();
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("content.key", "release-" + releaseKeyId + ".key", "root.key", "trust.json"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no staging folder left behind");
        }
        try (AppKeys keys = AppKeys.load(APP, dir, PASS)) {
            assertEquals(releaseKeyId, keys.releaseKeyId());
            assertArrayEquals(contentKey, keys.contentKey());
            TrustRoot trust = TrustRoot.parse(keys.exportTrust());
            assertEquals(keys.contentKeyId(), trust.contentKeyId());
            assertFalse(new String(keys.exportTrust(), StandardCharsets.UTF_8).contains(Codec.b64(contentKey)));
            Path config = tmp.resolve("patchbay-updater.json");
            keys.exportCapacitorConfig(config);
            JsonNode plugin = Json.mapper().readTree(config.toFile()).path("plugins").path("PatchbayUpdater");
            assertEquals(APP, plugin.path("appId").asText());
            assertEquals(trust.rootKeyId(), plugin.path("rootKeyId").asText());
            assertEquals(Codec.b64(contentKey), plugin.path("contentKey").asText());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        }
        CryptoException e = assertThrows(CryptoException.class, () -> AppKeys.load(APP, dir, "nope".toCharArray()));
        assertTrue(e.getMessage().contains("different passphrase"), e.getMessage());
        e = assertThrows(CryptoException.class, () -> AppKeys.load("com.example.other", dir, PASS));
        assertTrue(e.getMessage().contains("belong to app com.example.shop, not com.example.other"), e.getMessage());
        e = assertThrows(CryptoException.class, () -> AppKeys.create(APP, dir, PASS, KeyFileOptions.FAST));
        assertTrue(e.getMessage().contains("not empty; keys are never overwritten"), e.getMessage());
        e = assertThrows(CryptoException.class, () -> AppKeys.load(APP, tmp.resolve("none"), PASS));
        assertTrue(e.getMessage().contains("create them with"), e.getMessage());
    }

    @Test
    void aKeyFileCopiedFromAnotherAppIsRefused() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        AppKeys.create(APP, a, PASS, KeyFileOptions.FAST).close();
        AppKeys.create("com.example.other", b, PASS, KeyFileOptions.FAST).close();
        Files.copy(b.resolve("content.key"), a.resolve("content.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CryptoException e = assertThrows(CryptoException.class, () -> AppKeys.load(APP, a, PASS));
        assertTrue(e.getMessage().contains("belongs to app com.example.other, not com.example.shop"), e.getMessage());
    }

    @Test
    void rotationKeepsTheOldKeyUntilItIsRetired() {
        Path dir = tmp.resolve("keys");
        String oldId;
        try (AppKeys keys = AppKeys.create(APP, dir, PASS, KeyFileOptions.FAST)) {
            oldId = keys.releaseKeyId();
        }
        try (AppKeys rotated = AppKeys.rotateRelease(APP, dir, PASS, KeyFileOptions.FAST, Duration.ofDays(30))) {
            assertNotEquals(oldId, rotated.releaseKeyId());
            assertEquals(2, rotated.trust().releaseCerts().size());
            Instant oldEnd = rotated.trust().cert(oldId).orElseThrow().notAfter();
            assertTrue(oldEnd.isBefore(Instant.now().plus(Duration.ofDays(31))), oldEnd.toString());
            assertTrue(Files.exists(dir.resolve(AppKeys.releaseFile(oldId))), "the old key file is kept");
        }
        CryptoException e = assertThrows(CryptoException.class,
                () -> AppKeys.rotateRelease(APP, dir, "bad".toCharArray(), KeyFileOptions.FAST, null));
        assertTrue(e.getMessage().contains("root.key is encrypted with a different passphrase"), e.getMessage());
    }
}
