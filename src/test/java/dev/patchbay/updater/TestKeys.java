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

    Sealed sealBytes(String version, long sequence, Map<String, byte[]> files, String nativeMin, String nativeMax) {
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
                        T0, releaseKey, cert, contentKey), out);
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
