package dev.patchbay.bench;

import dev.patchbay.crypto.BinaryDelta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sizes of {@link BinaryDelta} patches between two releases of a real web app (bench/bytes-to-device.sh): for every
 * file of B that exists in A with other content, the patch size, the time to make and apply it, checked by applying.
 * Usage: DeltaSizes DIR_A DIR_B.
 */
public final class DeltaSizes {
    private DeltaSizes() {
    }

    public static void main(String[] args) throws IOException {
        Path a = Path.of(args[0]);
        Path b = Path.of(args[1]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(b)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long patches = 0;
        long whole = 0;
        long diffNs = 0;
        long applyNs = 0;
        int changed = 0;
        for (Path f : files) {
            Path old = a.resolve(b.relativize(f).toString());
            if (!Files.exists(old)) {
                continue;
            }
            byte[] x = Files.readAllBytes(old);
            byte[] y = Files.readAllBytes(f);
            if (Arrays.equals(x, y)) {
                continue;
            }
            changed++;
            long t0 = System.nanoTime();
            byte[] patch = BinaryDelta.diff(x, y);
            long t1 = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream(y.length);
            BinaryDelta.apply(BinaryDelta.of(x), new ByteArrayInputStream(patch), out, y.length);
            long t2 = System.nanoTime();
            if (!Arrays.equals(y, out.toByteArray())) {
                throw new AssertionError("patch of " + f + " does not reproduce it");
            }
            diffNs += t1 - t0;
            applyNs += t2 - t1;
            patches += patch.length;
            whole += y.length;
        }
        System.out.printf("BinaryDelta: %d changed files (%d bytes) -> patches %d bytes; diff %.0f ms, apply %.0f ms%n",
                changed, whole, patches, diffNs / 1e6, applyNs / 1e6);
    }
}
