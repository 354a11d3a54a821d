package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    static byte[] deflated(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(out, d)) {
            z.write(data);
        }
        d.end();
        return out.toByteArray();
    }

    static byte[] numbers(long... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long v : values) {
            varint(out, v);
        }
        return out.toByteArray();
    }

    /** A hand-made format 2 patch: header, then the compressed operations, differences and inserted bytes. */
    static byte[] crafted2(long oldLength, long newLength, byte[] ops, byte[] diffs, byte[] inserts)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {'P', 'B', 'D', '2'});
        out.write(numbers(oldLength, newLength, ops.length, diffs.length));
        out.write(ops);
        out.write(diffs);
        out.write(inserts);
        return out.toByteArray();
    }

    @Test
    void renamedIdentifiersAndShiftedNumbersBecomeNearCopiesInFormat2() throws IOException {
        byte[] old = code(6, 300_000);
        // digits changed here and there (renamed identifiers, shifted numbers): copies with byte differences
        byte[] target = old.clone();
        Random r = new Random(8);
        for (int i = 0; i < target.length; i += 20 + r.nextInt(40)) {
            if (Character.isDigit(target[i])) {
                target[i] = (byte) ('0' + r.nextInt(10));
            }
        }
        byte[] patch = BinaryDelta.diff(old, target);
        assertEquals("PBD2", new String(patch, 0, 4, StandardCharsets.US_ASCII));
        byte[] v1 = BinaryDelta.diffV1(old, target);
        assertTrue(patch.length * 3 < v1.length * 2, "format 2 " + patch.length + " bytes, format 1 " + v1.length);
        assertArrayEquals(target, apply(old, patch, target.length));
        assertArrayEquals(target, apply(old, v1, target.length)); // patches published before still apply
        // where format 2's buffered streams would not fit a device, format 1 is made instead
        byte[] fallback = BinaryDelta.diff(old, target, 100);
        assertEquals("PBD1", new String(fallback, 0, 4, StandardCharsets.US_ASCII));
        assertArrayEquals(target, apply(old, fallback, target.length));
        byte[] empty = new byte[0];
        assertArrayEquals(target, apply(empty, BinaryDelta.diff(empty, target), target.length));
        assertArrayEquals(empty, apply(old, BinaryDelta.diff(old, empty), 0));
    }

    @Test
    void hostileFormat2PatchesAreRefused() throws IOException {
        byte[] old = code(7, 10_000);
        byte[] none = deflated(new byte[0]);
        // well-formed: insert "ab", copy 4 bytes from 50 with differences 1,0,0,-1
        byte[] fine = crafted2(old.length, 6, deflated(numbers(2, 4, zigzag(50))), deflated(new byte[] {1, 0, 0,
            -1}), deflated("ab".getBytes(StandardCharsets.US_ASCII)));
        byte[] expected = {'a', 'b', (byte) (old[50] + 1), old[51], old[52], (byte) (old[53] - 1)};
        assertArrayEquals(expected, apply(old, fine, 6));
        // declared operation and difference streams beyond the device's buffer: refused before allocating
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.write(new byte[] {'P', 'B', 'D', '2'});
        huge.write(numbers(old.length, 6, BinaryDelta.MAX_BUFFERED, 1));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, huge.toByteArray(), 6)).getMessage()
                .contains("take more than"));
        ByteArrayOutputStream negative = new ByteArrayOutputStream();
        negative.write(new byte[] {'P', 'B', 'D', '2'});
        negative.write(numbers(old.length, 6, 10, Long.MAX_VALUE));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, negative.toByteArray(), 6)).getMessage()
                .contains("take more than"));
        // the buffered streams cut short, differences missing, inserts missing
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, Arrays.copyOf(fine, 12), 6)).getMessage()
                .contains("truncated"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(2, 4, zigzag(50))), deflated(new byte[] {1}), deflated(new byte[2])), 6))
                .getMessage().contains("truncated (differences)"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(2, 4, zigzag(50))), deflated(new byte[4]), deflated(new byte[1])), 6))
                .getMessage().contains("truncated"));
        // copies outside the old file or past the declared length, inserts past it, an empty operation
        for (long[] op : new long[][] {{0, 100, zigzag(9_950)}, {0, 4, zigzag(-1)}, {0, 7, zigzag(0)},
            {0, Long.MAX_VALUE / 2, zigzag(0)}}) {
            assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                    deflated(numbers(op)), deflated(new byte[6]), none), 6)).getMessage()
                    .contains("outside the old file or past its declared length"));
        }
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(1L << 40, 0, 0)), none, deflated(new byte[10])), 6)).getMessage()
                .contains("inserts past its declared length"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(0, 0, 0)), none, none), 6)).getMessage().contains("empty operation"));
        // unused differences or inserted bytes, a result shorter than declared, damaged streams
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(2, 4, zigzag(50))), deflated(new byte[5]), deflated(new byte[2])), 6))
                .getMessage().contains("data follows"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(2, 4, zigzag(50))), deflated(new byte[4]), deflated(new byte[3])), 6))
                .getMessage().contains("data follows"));
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6,
                deflated(numbers(2, 0, 0)), none, deflated(new byte[2])), 6)).getMessage()
                .contains("not its declared 6"));
        byte[] damaged = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertTrue(assertThrows(CryptoException.class, () -> apply(old, crafted2(old.length, 6, damaged, none,
                none), 6)).getMessage().contains("damaged"));
    }
}
