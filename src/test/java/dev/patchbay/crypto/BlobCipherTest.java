package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlobCipherTest {
    static final int C = BlobCipher.CHUNK_SIZE;
    final byte[] key = new byte[32];

    BlobCipherTest() {
        new Random(1).nextBytes(key);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    byte[] open(byte[] blob) {
        return BlobCipher.decrypt(key, blob, null, "blob x");
    }

    CryptoException refused(byte[] blob) {
        return assertThrows(CryptoException.class, () -> open(blob));
    }

    @Test
    void roundTripAtChunkBoundaries() throws IOException {
        for (int n : new int[] {0, 1, 15, 16, 17, C - 1, C, C + 1, 2 * C, 3 * C + 7}) {
            byte[] plain = random(n, n);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BlobRef ref = BlobCipher.encrypt(key, new ByteArrayInputStream(plain), out);
            byte[] blob = out.toByteArray();
            assertEquals(BlobCipher.blobLength(n), blob.length, "length for " + n);
            assertEquals(blob.length, ref.length());
            assertEquals(Codec.hex(KeyIds.sha256(blob)), ref.sha256());
            assertArrayEquals(plain, BlobCipher.decrypt(key, blob, ref, "blob"), "plaintext for " + n);
            assertEquals(Codec.hex(KeyIds.sha256(blob)), ref.sha256());
        }
        assertEquals(36, BlobCipher.blobLength(0));
    }

    @Test
    void sameFileTwiceGivesDifferentBlobs() {
        assertTrue(!Arrays.equals(BlobCipher.encrypt(key, new byte[10]), BlobCipher.encrypt(key, new byte[10])));
    }

    @Test
    void anyFlippedByteIsRejected() {
        byte[] blob = BlobCipher.encrypt(key, random(2 * C + 100, 3));
        for (int at : new int[] {0, 4, 19, 20, 21, C, C + 16 + 5, blob.length - 1}) {
            byte[] bad = blob.clone();
            bad[at] ^= 0x01;
            refused(bad);
        }
        byte[] bad = blob.clone();
        bad[0] = 'X';
        assertTrue(refused(bad).getMessage().contains("not a Patchbay blob"));
    }

    @Test
    void truncationAppendingAndReorderingAreRejected() {
        byte[] blob = BlobCipher.encrypt(key, random(2 * C + 100, 4));
        int chunk = C + 16;
        // cut off the last chunk exactly at a chunk boundary: chunk 1 is now read as the last one
        CryptoException e = refused(Arrays.copyOf(blob, 20 + 2 * chunk));
        assertTrue(e.getMessage().contains("failed authentication at chunk 1"), e.getMessage());
        refused(Arrays.copyOf(blob, blob.length - 1));
        assertTrue(refused(Arrays.copyOf(blob, 30)).getMessage().contains("truncated"));
        refused(Arrays.copyOf(blob, 10));
        // trailing data
        refused(Arrays.copyOf(blob, blob.length + 1));
        refused(Arrays.copyOf(blob, blob.length + 16));
        byte[] longer = Arrays.copyOf(blob, blob.length + 200);
        refused(longer);
        // two full chunks swapped
        byte[] swapped = blob.clone();
        System.arraycopy(blob, 20, swapped, 20 + chunk, chunk);
        System.arraycopy(blob, 20 + chunk, swapped, 20, chunk);
        assertTrue(refused(swapped).getMessage().contains("chunk 0"));
        // a one-chunk file: drop its last flag by appending an empty chunk is impossible without the key
        byte[] small = BlobCipher.encrypt(key, new byte[5]);
        refused(Arrays.copyOf(small, small.length + 16));
    }

    @Test
    void wrongKeyIsRejected() {
        byte[] blob = BlobCipher.encrypt(key, new byte[100]);
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThrows(CryptoException.class, () -> BlobCipher.decrypt(other, blob, null, "b"));
    }

    @Test
    void theSignedDigestAndLengthAreEnforced() {
        byte[] blob = BlobCipher.encrypt(key, new byte[100]);
        BlobRef right = new BlobRef(Codec.hex(KeyIds.sha256(blob)), blob.length);
        CryptoException e = assertThrows(CryptoException.class,
                () -> BlobCipher.decrypt(key, blob, new BlobRef("0".repeat(64), blob.length), "blob y"));
        assertTrue(e.getMessage().contains("does not match its signed SHA-256"), e.getMessage());
        e = assertThrows(CryptoException.class,
                () -> BlobCipher.decrypt(key, blob, new BlobRef(right.sha256(), blob.length - 1), "blob y"));
        assertTrue(e.getMessage().startsWith("blob y"), e.getMessage());
        e = assertThrows(CryptoException.class,
                () -> BlobCipher.decrypt(key, Arrays.copyOf(blob, blob.length + 5), right, "blob y"));
        assertTrue(e.getMessage().contains("longer than its signed length"), e.getMessage());
    }

    /** 64 MiB through encrypt and decrypt as streams: nothing is held but a chunk. */
    @Test
    void streamsLargeDataWithoutHoldingIt() throws IOException {
        long size = 64L * 1024 * 1024 + 3;
        PipedBlob pipe = new PipedBlob();
        BlobRef ref = BlobCipher.encrypt(key, new Zeros(size), pipe);
        assertEquals(BlobCipher.blobLength(size), ref.length());
        assertEquals(ref.length(), pipe.count);
    }

    static final class Zeros extends InputStream {
        long left;

        Zeros(long n) {
            left = n;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    static final class PipedBlob extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
