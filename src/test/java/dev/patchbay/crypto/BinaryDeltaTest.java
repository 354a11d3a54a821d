package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The binary delta (ADR 0082): small patches for small edits, exact results, and hostile patches refused. */
class BinaryDeltaTest {
    static byte[] apply(byte[] old, byte[] patch, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryDelta.apply(BinaryDelta.of(old), new ByteArrayInputStream(patch), out, max);
        return out.toByteArray();
    }

    static byte[] code(long seed, int length) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            b.append("function f").append(r.nextInt(100_000)).append("(a){return a*").append(r.nextInt(97))
                    .append("}\n");
        }
        return b.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void editsInsertionsAndMovesMakeSmallPatchesThatReproduceTheNewFile() throws IOException {
        byte[] old = code(1, 500_000);
        byte[] target = new byte[old.length + 1000];
        System.arraycopy(old, 250_000, target, 0, 250_000); // the halves swapped
        System.arraycopy(code(2, 1000), 0, target, 250_000, 1000); // new text in between
        System.arraycopy(old, 0, target, 251_000, 250_000);
        for (int i = 10_000; i < target.length; i += 50_000) {
            target[i] ^= 0x20; // scattered one-byte edits
        }
        byte[] patch = BinaryDelta.diff(old, target);
        assertTrue(patch.length < 3_000, "patch of " + patch.length + " bytes");
        assertArrayEquals(target, apply(old, patch, target.length));
        assertArrayEquals(old, apply(target, BinaryDelta.diff(target, old), old.length));
        byte[] empty = new byte[0];
        assertArrayEquals(target, apply(empty, BinaryDelta.diff(empty, target), target.length));
        assertArrayEquals(empty, apply(old, BinaryDelta.diff(old, empty), 0));
    }

    @Test
    void aPatchForAnotherFileOrOverItsLimitOrDamagedIsRefused() {
        byte[] old = code(3, 100_000);
        byte[] target = Arrays.copyOf(old, 120_000);
        System.arraycopy(code(4, 20_000), 0, target, 100_000, 20_000);
        byte[] patch = BinaryDelta.diff(old, target);
        assertTrue(assertThrows(CryptoException.class, () -> apply(Arrays.copyOf(old, 99_999), patch, 200_000))
                .getMessage().contains("for an old file of 100000 bytes"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, patch, 119_999)).getMessage()
                .contains("more than 119999"));
        assertThrows(CryptoException.class, () -> apply(old, Arrays.copyOf(patch, patch.length / 2), 200_000));
        byte[] bad = patch.clone();
        bad[0] = 'X';
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, bad, 200_000)).getMessage()
                .contains("bad header"));
    }
}
