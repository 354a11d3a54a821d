package dev.patchbay.updater;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.SealedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** An app's keys and the server's freshness key, and bundles sealed with the real crypto. */
final class TestKeys {
    static final String APP = "com.example.shop";
    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    final byte[] root = Ed25519.generatePrivateKey();
    final byte[] releaseKey = Ed25519.generatePrivateKey();
    final byte[] contentKey = new byte[32];
    final byte[] freshnessKey = Ed25519.generatePrivateKey();
    final ReleaseCert cert;
    final FreshnessCert freshnessCert;

    /** One sealed bundle: envelope, blobs by sha256 (manifest blob included), plaintext files by path. */
    record Sealed(String version, long sequence, byte[] envelope, Map<String, byte[]> blobs,
            Map<String, byte[]> files, String digest, SealedBundle sealed) {
    }

    TestKeys() {
        new SecureRandom().nextBytes(contentKey);
        cert = ReleaseCert.create(APP, Ed25519.publicKey(releaseKey), T0.minus(Duration.ofDays(30)),
                T0.plus(Duration.ofDays(3650)), root);
        freshnessCert = FreshnessCert.create(APP, Ed25519.publicKey(freshnessKey), T0.minus(Duration.ofDays(30)),
                T0.plus(Duration.ofDays(3650)), root);
    }

    UpdaterConfig.Builder config() {
        return UpdaterConfig.builder("http://patchbay.test", APP, Ed25519.publicKey(root), contentKey)
                .retryBaseDelay(Duration.ofSeconds(1));
    }

    Sealed seal(String version, long sequence, Map<String, String> files) {
        return seal(version, sequence, files, null, null);
    }

    Sealed seal(String version, long sequence, Map<String, String> files, String nativeMin, String nativeMax) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return sealBytes(version, sequence, bytes, nativeMin, nativeMax);
    }

    /**
     * A release built by hand, for what the sealer refuses to make: {@code manifestTweak} edits the plaintext manifest
     * before it is encrypted and signed, files in {@code foreignKey} are encrypted under another data key.
     */
    Sealed sealCustom(String version, long sequence, Map<String, String> files,
            java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> manifestTweak,
            java.util.Set<String> foreignKey) {
        byte[] dataKey = dev.patchbay.crypto.DataKeys.generate();
        Map<String, byte[]> blobs = new TreeMap<>();
        Map<String, byte[]> plain = new TreeMap<>();
        java.util.List<BlobRef> refs = new java.util.ArrayList<>();
        com.fasterxml.jackson.databind.node.ObjectNode manifest = dev.patchbay.crypto.CanonicalJson.object();
        manifest.put("format", dev.patchbay.crypto.Manifest.FORMAT);
        com.fasterxml.jackson.databind.node.ArrayNode list = manifest.putArray("files");
        for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
            byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
            plain.put(e.getKey(), bytes);
            byte[] key = foreignKey.contains(e.getKey()) ? dev.patchbay.crypto.DataKeys.generate() : dataKey;
            byte[] blob = dev.patchbay.crypto.BlobCipher.encrypt(key, bytes);
            String sha = sha(blob);
            blobs.put(sha, blob);
            refs.add(new BlobRef(sha, blob.length));
            list.addObject().put("path", e.getKey()).put("size", bytes.length).put("sha256", sha(bytes))
                    .put("blob", sha);
        }
        byte[] manifestBytes = dev.patchbay.crypto.CanonicalJson.bytes(manifestTweak.apply(manifest));
        byte[] manifestBlob = dev.patchbay.crypto.BlobCipher.encrypt(dataKey, manifestBytes);
        blobs.put(sha(manifestBlob), manifestBlob);
        byte[] envelope = dev.patchbay.crypto.ReleaseSigner.sign(new dev.patchbay.crypto.ReleaseSigner.Release(APP,
                version, sequence, null, null, T0, dev.patchbay.crypto.KeyIds.ofContentKey(contentKey),
                dev.patchbay.crypto.DataKeys.wrap(contentKey, dataKey, APP, version),
                new BlobRef(sha(manifestBlob), manifestBlob.length), sha(manifestBytes), refs), releaseKey, cert);
        return new Sealed(version, sequence, envelope, blobs, plain, FreshnessStatement.releaseDigest(envelope),
                null);
    }

    static String sha(byte[] b) {
        try {
            return dev.patchbay.crypto.Codec.hex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Sealed sealBytes(String version, long sequence, Map<String, byte[]> files, String nativeMin, String nativeMax) {
        return sealBytes(version, sequence, files, nativeMin, nativeMax, BundleSealer.CURRENT_FORMAT);
    }

    /** A release in bundle format 1 (what publishers before format 2 made). */
    Sealed sealFormat1(String version, long sequence, Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return sealBytes(version, sequence, bytes, null, null, 1);
    }

    Sealed sealBytes(String version, long sequence, Map<String, byte[]> files, String nativeMin, String nativeMax,
            int format) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("pb-updater-test");
            Path in = dir.resolve("in");
            Path out = dir.resolve("blobs");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = in.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            SealedBundle s;
            try (BundleInput input = BundleInput.open(in)) {
                s = BundleSealer.seal(input, new BundleSealer.Request(APP, version, sequence, nativeMin, nativeMax,
                        T0, releaseKey, cert, contentKey), out, format, BundleSealer.Progress.NONE);
            }
            Map<String, byte[]> blobs = new TreeMap<>();
            blobs.put(s.manifestBlob().sha256(), Files.readAllBytes(out.resolve(s.manifestBlob().sha256())));
            for (BlobRef b : s.blobs()) {
                blobs.put(b.sha256(), Files.readAllBytes(out.resolve(b.sha256())));
            }
            return new Sealed(version, sequence, s.envelope(), blobs, new TreeMap<>(files),
                    FreshnessStatement.releaseDigest(s.envelope()), s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> w = Files.walk(dir)) {
                    w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // temp
                }
            }
        }
    }
}
