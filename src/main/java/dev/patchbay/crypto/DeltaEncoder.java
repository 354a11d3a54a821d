package dev.patchbay.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The encoder of {@link BinaryDelta}'s format 2 ("PBD2", ADR 0082): bsdiff-style approximate copies found through a
 * chained hash index of the whole old file, written as three separately deflated streams (operations, byte
 * differences of the copies, inserted bytes).
 */
final class DeltaEncoder {
    static final byte[] MAGIC = {'P', 'B', 'D', '2'};
    private static final int WINDOW = 12;
    private static final int STEP = 2;
    private static final int MIN_COPY = 16;
    private static final int CHAIN = 16;
    private static final int PROBE = 4096;
    /** How far an approximate copy may run on past its best point before it is cut there. */
    private static final int SLACK = 16;

    private final byte[] old;
    private final byte[] target;
    private final int mask;
    private final int[] head;
    private final int[] prev;
    private final ByteArrayOutputStream ops = new ByteArrayOutputStream();
    private final ByteArrayOutputStream diffs = new ByteArrayOutputStream();
    private final ByteArrayOutputStream literals = new ByteArrayOutputStream();

    private DeltaEncoder(byte[] old, byte[] target) {
        this.old = old;
        this.target = target;
        int bits = Math.max(10, Math.min(24, 32 - Integer.numberOfLeadingZeros(Math.max(1, old.length / STEP)) + 1));
        head = new int[1 << bits];
        Arrays.fill(head, -1);
        mask = (1 << bits) - 1;
        prev = new int[old.length / STEP + 1];
        for (int p = 0; p + WINDOW <= old.length; p += STEP) {
            int h = hash(old, p) & mask;
            prev[p / STEP] = head[h];
            head[h] = p;
        }
    }

    static byte[] encode(byte[] old, byte[] target) {
        return new DeltaEncoder(old, target).run();
    }

    private byte[] run() {
        int literalStart = 0;
        long lastCopyEnd = 0;
        int i = 0;
        while (i + WINDOW <= target.length) {
            int from = -1;
            int exact = 0;
            // first the place right after the last copy (skipping what was inserted since): edits in place
            long expected = lastCopyEnd + (i - literalStart);
            if (expected + WINDOW <= old.length) {
                exact = common(old, (int) expected, i);
                if (exact >= WINDOW) {
                    from = (int) expected;
                }
            }
            if (from < 0) {
                long found = search(i);
                from = (int) (found >> 32);
                exact = (int) found;
                if (from >= 0 && exact < PROBE && i + 1 + WINDOW <= target.length) {
                    // lazy: a longer match one byte later is worth one more inserted byte
                    long next = search(i + 1);
                    if ((int) next > exact + 1) {
                        i++;
                        from = (int) (next >> 32);
                        exact = (int) next;
                    }
                }
            }
            if (from >= 0 && exact >= WINDOW) {
                int start = i;
                while (start > literalStart && from > 0 && old[from - 1] == target[start - 1]) {
                    start--;
                    from--;
                }
                if (i + exact - start >= MIN_COPY) {
                    int end = extend(from + (i - start), i, exact);
                    emit(literalStart, start, from, end - start, lastCopyEnd);
                    lastCopyEnd = from + (end - start);
                    literalStart = end;
                    i = end;
                    continue;
                }
            }
            i++;
        }
        if (literalStart < target.length) {
            emit(literalStart, target.length, lastCopyEnd, 0, lastCopyEnd);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(MAGIC, 0, 4);
        BinaryDelta.varint(out, old.length);
        BinaryDelta.varint(out, target.length);
        byte[] o = deflate(ops);
        byte[] d = deflate(diffs);
        BinaryDelta.varint(out, o.length);
        BinaryDelta.varint(out, d.length);
        out.write(o, 0, o.length);
        out.write(d, 0, d.length);
        byte[] l = deflate(literals);
        out.write(l, 0, l.length);
        return out.toByteArray();
    }

    /** The best of the candidates for {@code i}: (old position &lt;&lt; 32) | exact length, or -1 &lt;&lt; 32. */
    private long search(int i) {
        int from = -1;
        int exact = 0;
        int depth = 0;
        for (int p = head[hash(target, i) & mask]; p >= 0 && depth < CHAIN; p = prev[p / STEP], depth++) {
            int n = common(old, p, i);
            if (n > exact) {
                exact = n;
                from = p;
                if (n >= PROBE) {
                    break;
                }
            }
        }
        return ((long) from << 32) | exact;
    }

    /**
     * The end (in the target) of a copy from {@code from} at {@code at} whose first {@code exact} bytes match: runs on
     * through mismatching bytes (+1 per matching, -1 per mismatching byte, after bsdiff) and is cut at its best score
     * once it falls {@link #SLACK} below it or has not improved for {@link #PROBE} bytes (so a long half-matching
     * stretch costs no more than linear time).
     */
    private int extend(int from, int at, int exact) {
        int best = exact;
        int score = 0;
        int bestScore = 0;
        int n = exact;
        while (at + n < target.length && from + n < old.length) {
            score += old[from + n] == target[at + n] ? 1 : -1;
            n++;
            if (score > bestScore) {
                bestScore = score;
                best = n;
            } else if (score < bestScore - SLACK || n - best > PROBE) {
                break;
            }
        }
        return at + best;
    }

    private void emit(int literalStart, int start, long from, int copy, long lastCopyEnd) {
        BinaryDelta.varint(ops, start - literalStart);
        BinaryDelta.varint(ops, copy);
        BinaryDelta.varint(ops, zigzag(from - lastCopyEnd));
        literals.write(target, literalStart, start - literalStart);
        for (int k = 0; k < copy; k++) {
            diffs.write(target[start + k] - old[(int) from + k]);
        }
    }

    private int common(byte[] a, int ai, int bi) {
        int max = Math.min(PROBE, Math.min(a.length - ai, target.length - bi));
        int n = 0;
        while (n < max && a[ai + n] == target[bi + n]) {
            n++;
        }
        return n;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static int hash(byte[] b, int p) {
        int h = 0;
        for (int k = 0; k < WINDOW; k++) {
            h = h * 0x01000193 ^ (b[p + k] & 0xff);
        }
        return h ^ (h >>> 15);
    }

    private static byte[] deflate(ByteArrayOutputStream data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.size() / 4 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, deflater, 1 << 16)) {
            data.writeTo(z);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }
}
