package dev.patchbay.crypto;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Applies {@link BinaryDelta}'s format 2 (ADR 0082, bundle-format §5.4):
 *
 * <pre>
 * patch = "PBD2" ‖ varint(old length) ‖ varint(new length) ‖ varint(|O|) ‖ varint(|D|) ‖ O ‖ D ‖ deflate(inserted bytes)
 * O     = deflate(op*)        op = varint(insert length) ‖ varint(copy length) ‖ zigzag-varint(copy start - last copy end)
 * D     = deflate(byte differences of the copies, in order: new byte - old byte, mod 256)
 * </pre>
 *
 * The compressed O and D are held in memory (at most {@link BinaryDelta#MAX_BUFFERED} bytes together, else refused);
 * the inserted bytes and the result stream, the old file is read at random positions.
 */
final class DeltaDecoder {
    private DeltaDecoder() {
    }

    /** The compressed operation and difference bytes of a format 2 patch made here. */
    static long buffered(byte[] patch) {
        try {
            InputStream in = new ByteArrayInputStream(patch, 4, patch.length - 4);
            BinaryDelta.readVarint(in);
            BinaryDelta.readVarint(in);
            return BinaryDelta.readVarint(in) + BinaryDelta.readVarint(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies the rest of a format 2 patch whose header (magic and lengths) has been read and checked. */
    static long apply(BinaryDelta.Old old, InputStream patch, OutputStream out, long newLength) throws IOException {
        Inflater forOps = new Inflater(true);
        Inflater forDiffs = new Inflater(true);
        Inflater forInserts = new Inflater(true);
        byte[] buf = new byte[1 << 16];
        byte[] diff = new byte[1 << 16];
        long written = 0;
        long lastCopyEnd = 0;
        try {
            long opsLength = BinaryDelta.readVarint(patch);
            long diffsLength = BinaryDelta.readVarint(patch);
            if (opsLength > BinaryDelta.MAX_BUFFERED || diffsLength > BinaryDelta.MAX_BUFFERED - opsLength) {
                throw new CryptoException("the delta's operations and differences take more than "
                        + BinaryDelta.MAX_BUFFERED + " bytes");
            }
            byte[] o = new byte[(int) opsLength];
            byte[] d = new byte[(int) diffsLength];
            if (BlobCipher.readFully(patch, o, o.length) < o.length
                    || BlobCipher.readFully(patch, d, d.length) < d.length) {
                throw new CryptoException("the delta is truncated");
            }
            try (InputStream ops = new BufferedInputStream(new InflaterInputStream(new ByteArrayInputStream(o),
                    forOps, 1 << 12));
                    InputStream diffs = new InflaterInputStream(new ByteArrayInputStream(d), forDiffs, 1 << 12);
                    InputStream inserts = new InflaterInputStream(patch, forInserts, 1 << 16)) {
                while (true) {
                    ops.mark(1);
                    if (ops.read() < 0) {
                        break;
                    }
                    ops.reset();
                    long insert = BinaryDelta.readVarint(ops);
                    long copy = BinaryDelta.readVarint(ops);
                    long start = lastCopyEnd + BinaryDelta.readZigzag(ops);
                    if (insert > newLength - written) {
                        throw new CryptoException("the delta inserts past its declared length");
                    }
                    if (insert == 0 && copy == 0) {
                        throw new CryptoException("the delta has an empty operation");
                    }
                    for (long left = insert; left > 0; ) {
                        int n = BlobCipher.readFully(inserts, buf, (int) Math.min(buf.length, left));
                        if (n == 0) {
                            throw new CryptoException("the delta is truncated");
                        }
                        out.write(buf, 0, n);
                        left -= n;
                    }
                    written += insert;
                    if (start < 0 || copy > old.length() - start || copy > newLength - written) {
                        throw new CryptoException("the delta copies outside the old file or past its declared length");
                    }
                    for (long left = copy, pos = start; left > 0; ) {
                        int n = (int) Math.min(buf.length, left);
                        old.read(pos, buf, 0, n);
                        if (BlobCipher.readFully(diffs, diff, n) < n) {
                            throw new CryptoException("the delta is truncated (differences)");
                        }
                        for (int k = 0; k < n; k++) {
                            buf[k] += diff[k];
                        }
                        out.write(buf, 0, n);
                        pos += n;
                        left -= n;
                    }
                    written += copy;
                    lastCopyEnd = start + copy;
                }
                if (inserts.read() >= 0 || diffs.read() >= 0) {
                    throw new CryptoException("data follows the end of the delta");
                }
            }
        } catch (EOFException e) {
            throw new CryptoException("the delta is truncated");
        } catch (ZipException e) {
            throw new CryptoException("the delta is damaged (" + e.getMessage() + ")");
        } finally {
            forOps.end();
            forDiffs.end();
            forInserts.end();
        }
        if (written != newLength) {
            throw new CryptoException("the delta made " + written + " bytes, not its declared " + newLength);
        }
        return written;
    }
}
