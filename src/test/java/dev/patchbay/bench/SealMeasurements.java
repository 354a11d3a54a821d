package dev.patchbay.bench;

import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.ManifestDiff;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.SealedBundle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Two one-off measurements (run by bench/seal-memory.sh): peak heap while sealing a 500 MB bundle (500 files of
 * 1,000,000 bytes; run it with a small -Xmx to prove memory is bounded), and the download fraction for a device
 * when one file of a 20 MB bundle (200 files of 100,000 bytes) changes.
 */
public final class SealMeasurements {
    private SealMeasurements() {
    }

    public static void main(String[] args) throws IOException {
        byte[] root = Ed25519.generatePrivateKey();
        byte[] releaseKey = Ed25519.generatePrivateKey();
        byte[] contentKey = DataKeys.generate();
        Instant now = Instant.now();
        ReleaseCert cert = ReleaseCert.create("com.example.bench", Ed25519.publicKey(releaseKey),
                now.minusSeconds(60), now.plus(Duration.ofDays(30)), root);
        Path work = Files.createTempDirectory("pb-seal-measure");
        try {
            // 1. peak heap, 500 MB
            Path big = Files.createDirectories(work.resolve("big"));
            SealBenchmark.generate(big, 500, 1_000_000, 3);
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            long start = System.nanoTime();
            SealedBundle sealed;
            try (BundleInput in = BundleInput.open(big)) {
                sealed = BundleSealer.seal(in, new BundleSealer.Request("com.example.bench", "1.0.0", 1, null, null,
                        null, releaseKey, cert, contentKey), Files.createDirectories(work.resolve("blobs-big")));
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("500MB: %d files, %d plaintext bytes, %d ciphertext bytes, %.2f s (%.0f MB/s), "
                    + "max heap %d MB, peak heap used (sum of pool peaks) %.1f MB%n", sealed.fileCount(),
                    sealed.plaintextBytes(), sealed.ciphertextBytes(), secs, sealed.plaintextBytes() / 1e6 / secs,
                    Runtime.getRuntime().maxMemory() >> 20, peak / 1048576.0);
            delete(big);
            delete(work.resolve("blobs-big"));

            // 2. one-file delta, 20 MB
            Path site = Files.createDirectories(work.resolve("site"));
            SealBenchmark.generate(site, 200, 100_000, 4);
            Path blobs = Files.createDirectories(work.resolve("blobs"));
            SealedBundle a;
            try (BundleInput in = BundleInput.open(site)) {
                a = BundleSealer.seal(in, new BundleSealer.Request("com.example.bench", "1.0.0", 1, null, null, null,
                        releaseKey, cert, contentKey), blobs);
            }
            Path changed = site.resolve("d3/f3.js");
            byte[] bytes = Files.readAllBytes(changed);
            bytes[0] ^= 1;
            Files.write(changed, bytes);
            SealedBundle b;
            try (BundleInput in = BundleInput.open(site)) {
                b = BundleSealer.seal(in, new BundleSealer.Request("com.example.bench", "1.0.1", 2, null, null, null,
                        releaseKey, cert, contentKey), blobs);
            }
            ManifestDiff d = ManifestDiff.between(a.manifest(), b.manifest(), b.manifestBlob());
            System.out.printf("20MB one-file change: changed %s, download %d of %d bytes = %.3f%% "
                    + "(manifest blob %d bytes)%n", d.changed(), d.downloadBytes(), d.fullBytes(),
                    100 * d.downloadFraction(), b.manifestBlob().length());
        } finally {
            delete(work);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
