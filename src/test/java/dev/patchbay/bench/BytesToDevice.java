package dev.patchbay.bench;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.ManifestDiff;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.SealedBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Bytes of two consecutive releases of a real web app (run by bench/bytes-to-device.sh): seals A then B with the
 * same keys in format 1 and format 2 and prints, per format, B's first-install bytes, the bytes a device on A
 * downloads for B, the bytes the second publish uploads (blobs of B the server does not hold after A) and the
 * sealing time of B. Usage: BytesToDevice DIR_A DIR_B.
 */
public final class BytesToDevice {
    private BytesToDevice() {
    }

    public static void main(String[] args) throws IOException {
        Path a = Path.of(args[0]);
        Path b = Path.of(args[1]);
        byte[] root = Ed25519.generatePrivateKey();
        byte[] releaseKey = Ed25519.generatePrivateKey();
        byte[] contentKey = DataKeys.generate();
        Instant now = Instant.now();
        ReleaseCert cert = ReleaseCert.create("com.example.bench", Ed25519.publicKey(releaseKey),
                now.minusSeconds(60), now.plus(Duration.ofDays(30)), root);
        for (int format : new int[] {1, 2}) {
            Path blobs = Files.createTempDirectory("pb-bytes-" + format);
            try {
                SealedBundle sa = seal(a, blobs, "1.0.0", 1, format, releaseKey, cert, contentKey);
                Set<String> held = new HashSet<>();
                sa.blobs().forEach(r -> held.add(r.sha256()));
                held.add(sa.manifestBlob().sha256());
                long start = System.nanoTime();
                SealedBundle sb = seal(b, blobs, "1.0.1", 2, format, releaseKey, cert, contentKey);
                double sealMs = (System.nanoTime() - start) / 1e6;
                long upload = sb.manifestBlob().length();
                for (BlobRef r : sb.blobs()) {
                    if (!held.contains(r.sha256())) {
                        upload += r.length();
                    }
                }
                ManifestDiff d = ManifestDiff.between(sa.manifest(), sb.manifest(), sb.manifestBlob());
                long changedDeflated = 0;
                for (String path : d.changed()) {
                    changedDeflated += deflated(b.resolve(path));
                }
                for (String path : d.added()) {
                    changedDeflated += deflated(b.resolve(path));
                }
                System.out.printf("format %d: files %d, plain %d, firstInstall %d, delta %d (changed %d, added %d, "
                        + "removed %d), secondUpload %d (changed+added files deflate -9 to %d: %.3f x), sealB %.0f ms%n",
                        format, sb.fileCount(), sb.plaintextBytes(), sb.ciphertextBytes(), d.downloadBytes(),
                        d.changed().size(), d.added().size(), d.removed().size(), upload, changedDeflated,
                        (double) upload / changedDeflated, sealMs);
                if (format == 2) { // B again, with binary patches from A (what bundle publish --patches does)
                    start = System.nanoTime();
                    SealedBundle sp;
                    try (BundleInput in = BundleInput.open(b)) {
                        sp = BundleSealer.seal(in, new BundleSealer.Request("com.example.bench", "1.0.2", 3, null,
                                null, null, releaseKey, cert, contentKey), blobs, format, BundleSealer.Progress.NONE,
                                dev.patchbay.testsupport.FolderPatchBases.of(a));
                    }
                    double patchMs = (System.nanoTime() - start) / 1e6;
                    ManifestDiff dp = ManifestDiff.between(sa.manifest(), sp.manifest(), sp.manifestBlob(),
                            sp.patchIndex(), sp.patches() == null ? null : sp.patches().index());
                    System.out.printf("format 2 with patches: delta %d (%d files as patches; patch blobs %d, index "
                            + "%d), sealB with patches %.0f ms%n", dp.downloadBytes(), dp.patchedFiles(),
                            sp.patches() == null ? 0 : sp.patches().totalLength() - sp.patches().index().length(),
                            sp.patches() == null ? 0 : sp.patches().index().length(), patchMs);
                }
            } finally {
                try (var s = Files.walk(blobs)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Raw deflate level 9 size of a file, each file on its own (what "compressed size" means in the goal). */
    static long deflated(Path file) throws IOException {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        try (var in = new java.util.zip.DeflaterInputStream(Files.newInputStream(file), d)) {
            long n = 0;
            byte[] buf = new byte[1 << 16];
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
                n += r;
            }
            return n;
        } finally {
            d.end();
        }
    }

    static SealedBundle seal(Path dir, Path blobs, String version, long sequence, int format, byte[] releaseKey,
            ReleaseCert cert, byte[] contentKey) throws IOException {
        try (BundleInput in = BundleInput.open(dir)) {
            return BundleSealer.seal(in, new BundleSealer.Request("com.example.bench", version, sequence, null, null,
                    null, releaseKey, cert, contentKey), blobs, format, BundleSealer.Progress.NONE);
        }
    }
}
