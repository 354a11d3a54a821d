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

    /** A hand-made patch: header, then the raw-deflated operations given as numbers (varints) and bytes. */
    static byte[] crafted(long oldLength, long newLength, Object... ops) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(new byte[] {'P', 'B', 'D', '1'});
        varint(head, oldLength);
        varint(head, newLength);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object o : ops) {
            if (o instanceof byte[] b) {
                body.write(b);
            } else {
                varint(body, (Long) o);
            }
        }
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(head, d)) {
            body.writeTo(z);
        }
        d.end();
        return head.toByteArray();
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    @Test
    void hostilePatchesAreRefusedBeforeTheyAllocateOrReadOutOfRange() throws IOException {
        byte[] old = code(5, 10_000);
        // a well-formed hand-made patch works: insert "ab", copy 100 bytes from 50, then the end (insert 0, copy 0)
        byte[] fine = crafted(old.length, 102, 2L, "ab".getBytes(StandardCharsets.US_ASCII), 100L, zigzag(50), 0L,
                0L, zigzag(0));
        byte[] expected = new byte[102];
        expected[0] = 'a';
        expected[1] = 'b';
        System.arraycopy(old, 50, expected, 2, 100);
        assertArrayEquals(expected, apply(old, fine, 102));
        // copies outside the old file: past its end, before its start, a length that overflows
        for (byte[] bad : new byte[][] {
            crafted(old.length, 200, 0L, 100L, zigzag(9_950), 0L, zigzag(0)),
            crafted(old.length, 200, 0L, 100L, zigzag(-1), 0L, zigzag(0)),
            crafted(old.length, 200, 0L, Long.MAX_VALUE / 2, zigzag(0), 0L, zigzag(0))}) {
            assertTrue(assertThrows(CryptoException.class, () -> apply(old, bad, 200)).getMessage()
                    .contains("outside the old file or past its declared length"));
        }
        // a huge declared result, a huge insert or copy claim: refused at once, nothing allocated for them
        assertTrue(assertThrows(CryptoException.class, () -> apply(old,
                crafted(old.length, Long.MAX_VALUE / 4, 0L, 0L, zigzag(0)), 1 << 20)).getMessage()
                .contains("more than 1048576"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old,
                crafted(old.length, 1000, 1L << 40, new byte[10]), 1000)).getMessage()
                .contains("inserts past its declared length"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old,
                crafted(old.length, 1000, 0L, 1L << 40, zigzag(0)), 1000)).getMessage()
                .contains("past its declared length"));
        // an insert whose bytes are missing, a result shorter than declared, a malformed number, trailing data
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted(old.length, 1000, 500L,
                new byte[10]), 1000)).getMessage().contains("truncated"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted(old.length, 1000, 10L,
                new byte[10], 0L, zigzag(0)), 1000)).getMessage().contains("not its declared 1000"));
        byte[] endless = new byte[12];
        Arrays.fill(endless, (byte) 0xff);
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted(old.length, 1000, endless), 1000))
                .getMessage().contains("malformed number"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted(old.length, 2, 2L, new byte[2],
                0L, zigzag(0), new byte[] {1}), 2)).getMessage().contains("data follows"));
    }
}
