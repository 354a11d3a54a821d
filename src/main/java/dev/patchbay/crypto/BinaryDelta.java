package dev.patchbay.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * A binary delta from an old file to a new one (bundle patches, ADR 0082). Format 2 ("PBD2", {@link DeltaEncoder},
 * {@link DeltaDecoder}) is made by {@link #diff}; format 1 below is still applied (patches published before) and
 * made when format 2 would not fit a device's buffer. Format 1: a stream of operations
 * "copy N bytes from the old file at a position relative to the last copy" and "insert these N bytes", raw-deflated
 * (level 9). Encoding first tries the old file right after the last copy (an edit in place), else looks the next 12
 * bytes up in an index of the old file sampled every 2 bytes, and extends matches (of 16 bytes or more) both ways; decoding needs only sequential reads of the patch and random reads of the old file. Pure Java, java.util.zip
 * only (so it runs on Android).
 *
 * <pre>
 * patch  = "PBD1" ‖ varint(old length) ‖ varint(new length) ‖ deflate(op*)
 * op     = varint(insert length) ‖ inserted bytes ‖ varint(copy length) ‖ zigzag-varint(copy start - last copy end)
 * </pre>
 */
public final class BinaryDelta {
    private static final byte[] MAGIC = {'P', 'B', 'D', '1'};
    /** The most compressed operation and difference bytes of a format 2 patch a device buffers (then refuses). */
    public static final int MAX_BUFFERED = 4 << 20;
    private static final int WINDOW = 12;
    private static final int STEP = 2;
    private static final int MIN_COPY = 16;

    private BinaryDelta() {
    }

    /**
     * The patch that turns {@code old} into {@code target}: format 2 ({@link DeltaEncoder}), or format 1 when format
     * 2's operation and difference streams would exceed what a device buffers ({@link #MAX_BUFFERED}).
     */
    public static byte[] diff(byte[] old, byte[] target) {
        return diff(old, target, MAX_BUFFERED);
    }

    static byte[] diff(byte[] old, byte[] target, int maxBuffered) {
        byte[] patch = DeltaEncoder.encode(old, target);
        return DeltaDecoder.buffered(patch) <= maxBuffered ? patch : diffV1(old, target);
    }

    /** The format 1 patch ("PBD1": exact copies and inserts in one deflate stream). */
    static byte[] diffV1(byte[] old, byte[] target) {
        int bits = Math.max(10, Math.min(24, 32 - Integer.numberOfLeadingZeros(Math.max(1, old.length / STEP)) + 1));
        int[] table = new int[1 << bits];
        Arrays.fill(table, -1);
        int mask = (1 << bits) - 1;
        for (int p = 0; p + WINDOW <= old.length; p += STEP) {
            table[hash(old, p) & mask] = p;
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC, 0, 4);
        varint(head, old.length);
        varint(head, target.length);
        ByteArrayOutputStream ops = new ByteArrayOutputStream(target.length / 8 + 64);
        int literalStart = 0;
        long lastCopyEnd = 0;
        int i = 0;
        while (i + WINDOW <= target.length) {
            // first the place right after the last copy (skipping what was inserted since): edits in place
            long expected = lastCopyEnd + (i - literalStart);
            int p = expected + WINDOW <= old.length
                    && equal(old, (int) expected, target, i, WINDOW) ? (int) expected : table[hash(target, i) & mask];
            if (p >= 0 && equal(old, p, target, i, WINDOW)) {
                int start = i;
                int from = p;
                while (start > literalStart && from > 0 && old[from - 1] == target[start - 1]) {
                    start--;
                    from--;
                }
                int end = i + WINDOW;
                int oldEnd = p + WINDOW;
                while (end < target.length && oldEnd < old.length && old[oldEnd] == target[end]) {
                    end++;
                    oldEnd++;
                }
                if (end - start >= MIN_COPY) {
                    varint(ops, start - literalStart);
                    ops.write(target, literalStart, start - literalStart);
                    varint(ops, end - start);
                    zigzag(ops, from - lastCopyEnd);
                    lastCopyEnd = oldEnd;
                    literalStart = end;
                    i = end;
                    continue;
                }
            }
            i++;
        }
        varint(ops, target.length - literalStart);
        ops.write(target, literalStart, target.length - literalStart);
        varint(ops, 0);
        zigzag(ops, 0);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try (DeflaterOutputStream z = new DeflaterOutputStream(head, deflater, 1 << 16)) {
            ops.writeTo(z);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            deflater.end();
        }
        return head.toByteArray();
    }

    /** Random access to the old file (a device reads it from its bundle folder). */
    public interface Old {
        long length();

        /** Reads exactly {@code len} bytes at {@code pos} into {@code buf}. */
        void read(long pos, byte[] buf, int off, int len) throws IOException;
    }

    /** An old file held in memory. */
    public static Old of(byte[] old) {
        return new Old() {
            @Override
            public long length() {
                return old.length;
            }

            @Override
            public void read(long pos, byte[] buf, int off, int len) {
                System.arraycopy(old, (int) pos, buf, off, len);
            }
        };
    }

    /**
     * Applies {@code patch} to {@code old}, streaming the result into {@code out}; returns its length. A patch that
     * names another old length, copies outside the old file or produces other than its declared length is refused
     * (the caller still checks the result's SHA-256 against the manifest).
     */
    public static long apply(Old old, InputStream patch, OutputStream out, long maxLength) throws IOException {
        byte[] magic = new byte[4];
        boolean v2 = BlobCipher.readFully(patch, magic, 4) == 4 && Arrays.equals(DeltaEncoder.MAGIC, magic);
        if (!v2 && !Arrays.equals(MAGIC, magic)) {
            throw new CryptoException("not a Patchbay delta (bad header)");
        }
        long oldLength = readVarint(patch);
        long newLength = readVarint(patch);
        if (oldLength != old.length()) {
            throw new CryptoException("the delta is for an old file of " + oldLength + " bytes, not " + old.length());
        }
        if (newLength > maxLength) {
            throw new CryptoException("the delta makes " + newLength + " bytes, more than " + maxLength);
        }
        if (v2) {
            return DeltaDecoder.apply(old, patch, out, newLength);
        }
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        byte[] buf = new byte[1 << 16];
        long written = 0;
        long lastCopyEnd = 0;
        try (InputStream ops = new java.io.BufferedInputStream(new InflaterInputStream(patch, inflater, 1 << 16))) {
            while (true) {
                long insert = readVarint(ops);
                if (insert > newLength - written) {
                    throw new CryptoException("the delta inserts past its declared length");
                }
                for (long left = insert; left > 0; ) {
                    int n = BlobCipher.readFully(ops, buf, (int) Math.min(buf.length, left));
                    if (n == 0) {
                        throw new CryptoException("the delta is truncated");
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
                written += insert;
                long copy = readVarint(ops);
                long start = lastCopyEnd + readZigzag(ops);
                if (copy == 0) {
                    break;
                }
                if (start < 0 || copy > old.length() - start || copy > newLength - written) {
                    throw new CryptoException("the delta copies outside the old file or past its declared length");
                }
                for (long left = copy, pos = start; left > 0; ) {
                    int n = (int) Math.min(buf.length, left);
                    old.read(pos, buf, 0, n);
                    out.write(buf, 0, n);
                    pos += n;
                    left -= n;
                }
                written += copy;
                lastCopyEnd = start + copy;
            }
            if (ops.read() >= 0) {
                throw new CryptoException("data follows the end of the delta");
            }
        } catch (java.io.EOFException e) {
            throw new CryptoException("the delta is truncated");
        } catch (java.util.zip.ZipException e) {
            throw new CryptoException("the delta is damaged (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        if (written != newLength) {
            throw new CryptoException("the delta made " + written + " bytes, not its declared " + newLength);
        }
        return written;
    }

    private static int hash(byte[] b, int p) {
        int h = 0;
        for (int k = 0; k < WINDOW; k++) {
            h = h * 0x01000193 ^ (b[p + k] & 0xff);
        }
        return h ^ (h >>> 15);
    }

    private static boolean equal(byte[] a, int ai, byte[] b, int bi, int n) {
        for (int k = 0; k < n; k++) {
            if (a[ai + k] != b[bi + k]) {
                return false;
            }
        }
        return true;
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void zigzag(ByteArrayOutputStream out, long v) {
        varint(out, (v << 1) ^ (v >> 63));
    }

    static long readVarint(InputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException();
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new CryptoException("the delta has a malformed number");
    }

    static long readZigzag(InputStream in) throws IOException {
        long v = readVarint(in);
        return (v >>> 1) ^ -(v & 1);
    }
}
