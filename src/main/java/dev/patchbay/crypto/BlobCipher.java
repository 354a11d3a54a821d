package dev.patchbay.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The blob format of bundle-format §5: {@code "PBB1" ‖ salt(16) ‖ chunk_0 ‖ … ‖ chunk_n}, each chunk AES-256-GCM of up
 * to 64 KiB under a per-blob file key = HKDF-SHA256(data key, salt, "patchbay-file/1"), nonce = 11-byte big-endian
 * counter ‖ last-chunk flag (age's STREAM). Streaming both ways; memory is one chunk whatever the size.
 */
public final class BlobCipher {
    public static final int CHUNK_SIZE = 64 * 1024;
    public static final int TAG_LENGTH = 16;
    public static final int SALT_LENGTH = 16;
    static final byte[] MAGIC = "PBB1".getBytes(StandardCharsets.US_ASCII);
    /** Format 2 file blobs: same layout, file key derived from the app's convergent key (see {@link FileBlobs}). */
    static final byte[] MAGIC_2 = "PBB2".getBytes(StandardCharsets.US_ASCII);
    public static final int HEADER_LENGTH = 4 + SALT_LENGTH;
    private static final byte[] INFO = "patchbay-file/1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO_2 = "patchbay-file/2".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private BlobCipher() {
    }

    /** The blob length of a plaintext of {@code plainLength} bytes. */
    public static long blobLength(long plainLength) {
        long chunks = Math.max(1, (plainLength + CHUNK_SIZE - 1) / CHUNK_SIZE);
        return HEADER_LENGTH + plainLength + chunks * TAG_LENGTH;
    }

    /**
     * Encrypts {@code in} (read to its end, not closed) into {@code out} (not closed) and returns the blob's digest
     * and length.
     */
    public static BlobRef encrypt(byte[] dataKey, InputStream in, OutputStream out) throws IOException {
        return new Encryptor().encrypt(dataKey, in, out);
    }

    /** Reusable buffers and cipher for encrypting many blobs on one thread (the sealer): no per-blob garbage. */
    static final class Encryptor {
        final byte[] plain = new byte[CHUNK_SIZE];
        final byte[] sealed = new byte[CHUNK_SIZE + TAG_LENGTH];
        final Cipher cipher = gcm();

        BlobRef encrypt(byte[] dataKey, InputStream in, OutputStream out) throws IOException {
            byte[] salt = new byte[SALT_LENGTH];
            RANDOM.nextBytes(salt);
            return BlobCipher.encrypt(MAGIC, salt, fileKey(dataKey, salt, INFO), in, out, plain, sealed, cipher);
        }

        /**
         * A format 2 file blob: magic "PBB2", the given (convergent) salt, file key = HKDF(convergent key, salt,
         * "patchbay-file/2"). Same plaintext, salt and key give the same blob.
         */
        BlobRef encryptConvergent(byte[] convergentKey, byte[] salt, InputStream in, OutputStream out)
                throws IOException {
            // A fresh Cipher: the JDK refuses to encrypt twice in a row with the same key and nonce on one instance,
            // which is exactly what sealing the same file twice (two identical files of a bundle) does.
            return BlobCipher.encrypt(MAGIC_2, salt, fileKey(convergentKey, salt, INFO_2), in, out, plain, sealed,
                    gcm());
        }
    }

    private static BlobRef encrypt(byte[] magic, byte[] salt, SecretKeySpec key, InputStream in, OutputStream out,
            byte[] plain, byte[] sealed, Cipher cipher) throws IOException {
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("a blob salt is " + SALT_LENGTH + " bytes");
        }
        MessageDigest sha = KeyIds.sha256();
        byte[] header = new byte[HEADER_LENGTH];
        System.arraycopy(magic, 0, header, 0, 4);
        System.arraycopy(salt, 0, header, 4, SALT_LENGTH);
        out.write(header);
        sha.update(header);
        long length = HEADER_LENGTH;
        PushbackInputStream src = new PushbackInputStream(in, 1);
        long index = 0;
        while (true) {
            int n = readFully(src, plain, CHUNK_SIZE);
            boolean last = n < CHUNK_SIZE || atEnd(src);
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce(index, last)));
                int m = cipher.doFinal(plain, 0, n, sealed, 0);
                out.write(sealed, 0, m);
                sha.update(sealed, 0, m);
                length += m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
            index++;
            if (last) {
                break;
            }
        }
        Arrays.fill(plain, (byte) 0);
        return new BlobRef(Codec.hex(sha.digest()), length);
    }

    /** Encrypts a byte array into a byte array (small blobs: the manifest). */
    public static byte[] encrypt(byte[] dataKey, byte[] plaintext) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) blobLength(plaintext.length));
        try {
            encrypt(dataKey, new java.io.ByteArrayInputStream(plaintext), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decrypts a blob from {@code in} into {@code out} and returns the plaintext length. If {@code expected} is not
     * null, at most {@code expected.length()} bytes are read and the blob's SHA-256 and length must match it. Every
     * chunk's tag and the last-chunk flag are checked, and nothing may follow the last chunk. Plaintext is written
     * chunk by chunk as each is authenticated, but the blob is only complete when this method returns: on an
     * exception the caller must discard what was written. {@code what} names the blob in messages.
     */
    public static long decrypt(byte[] dataKey, InputStream in, OutputStream out, BlobRef expected, String what)
            throws IOException {
        return decrypt(MAGIC, INFO, dataKey, in, out, expected, what);
    }

    /** As {@link #decrypt(byte[], InputStream, OutputStream, BlobRef, String)} for a format 2 ("PBB2") file blob. */
    public static long decryptConvergent(byte[] convergentKey, InputStream in, OutputStream out, BlobRef expected,
            String what) throws IOException {
        return decrypt(MAGIC_2, INFO_2, convergentKey, in, out, expected, what);
    }

    private static long decrypt(byte[] magic, byte[] info, byte[] ikm, InputStream in, OutputStream out,
            BlobRef expected, String what) throws IOException {
        CheckedInput checked = new CheckedInput(in, expected, what);
        PushbackInputStream src = new PushbackInputStream(checked, 1);
        byte[] header = new byte[HEADER_LENGTH];
        if (readFully(src, header, HEADER_LENGTH) < HEADER_LENGTH || !Arrays.equals(magic, Arrays.copyOf(header, 4))) {
            throw new CryptoException(what + " is not a Patchbay blob of this format (bad header)");
        }
        SecretKeySpec key = fileKey(ikm, Arrays.copyOfRange(header, 4, HEADER_LENGTH), info);
        byte[] sealed = new byte[CHUNK_SIZE + TAG_LENGTH];
        byte[] plain = new byte[CHUNK_SIZE];
        Cipher cipher = gcm();
        long index = 0;
        long total = 0;
        while (true) {
            int n = readFully(src, sealed, sealed.length);
            boolean last = n < sealed.length || atEnd(src);
            if (n < TAG_LENGTH) {
                throw new CryptoException(what + " is truncated (chunk " + index + " is incomplete)");
            }
            if (n == TAG_LENGTH && index > 0) {
                throw new CryptoException(what + " is damaged (an empty chunk after chunk " + (index - 1) + ")");
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce(index, last)));
                int m = cipher.doFinal(sealed, 0, n, plain, 0);
                out.write(plain, 0, m);
                total += m;
            } catch (AEADBadTagException e) {
                throw new CryptoException(what + " failed authentication at chunk " + index
                        + " (damaged, truncated, reordered or encrypted with another key)");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
            index++;
            if (last) {
                break;
            }
        }
        Arrays.fill(plain, (byte) 0);
        checked.finish();
        return total;
    }

    /** Decrypts a whole blob held in memory (the manifest). */
    public static byte[] decrypt(byte[] dataKey, byte[] blob, BlobRef expected, String what) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(0, blob.length - 36));
        try {
            decrypt(dataKey, new java.io.ByteArrayInputStream(blob), out, expected, what);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Reads up to {@code len} bytes (fewer only at the end); InputStream.readNBytes is missing on older Android. */
    static int readFully(InputStream in, byte[] buf, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(buf, n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static boolean atEnd(PushbackInputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            return true;
        }
        in.unread(b);
        return false;
    }

    static byte[] nonce(long index, boolean last) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[10 - i] = (byte) (index >>> (8 * i));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }

    static SecretKeySpec fileKey(byte[] dataKey, byte[] salt) {
        return fileKey(dataKey, salt, INFO);
    }

    private static SecretKeySpec fileKey(byte[] dataKey, byte[] salt, byte[] info) {
        byte[] key = hkdf(dataKey, salt, info, "a data key");
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        Arrays.fill(key, (byte) 0);
        return spec;
    }

    /** 32 bytes of HKDF-SHA256 from a 32-byte key ({@code what} names it in the error); {@code salt} may be null. */
    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, String what) {
        if (ikm == null || ikm.length != 32) {
            throw new CryptoException(what + " is 32 bytes");
        }
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, 32);
        return key;
    }

    static Cipher gcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is missing from this JVM", e);
        }
    }

    /** Hashes and counts what is read, and refuses to read past the signed length. */
    private static final class CheckedInput extends InputStream {
        private final InputStream in;
        private final BlobRef expected;
        private final String what;
        private final MessageDigest sha = KeyIds.sha256();
        private long count;

        CheckedInput(InputStream in, BlobRef expected, String what) {
            this.in = in;
            this.expected = expected;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (expected != null) {
                long left = expected.length() - count;
                if (left <= 0) {
                    // one more byte would already be more than was signed
                    if (len > 0 && in.read() >= 0) {
                        throw new CryptoException(what + " is longer than its signed length " + expected.length());
                    }
                    return -1;
                }
                len = (int) Math.min(len, left);
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                sha.update(b, off, n);
                count += n;
            }
            return n;
        }

        void finish() {
            if (expected == null) {
                return;
            }
            if (count != expected.length()) {
                throw new CryptoException(what + " is " + count + " bytes, not its signed length "
                        + expected.length());
            }
            if (!Codec.hex(sha.digest()).equals(expected.sha256())) {
                throw new CryptoException(what + " does not match its signed SHA-256 " + expected.sha256());
            }
        }
    }
}
