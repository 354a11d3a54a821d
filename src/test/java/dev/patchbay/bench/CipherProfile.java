package dev.patchbay.bench;

import dev.patchbay.crypto.BlobCipher;
import dev.patchbay.crypto.DataKeys;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where the blob cipher's time goes, on 50 MB in memory, one thread: the JDK's AES-256-GCM alone on 64 KiB chunks
 * (init per chunk as BlobCipher does, and on one 50 MB doFinal), SHA-256 alone (the blob digest over the ciphertext),
 * and {@link BlobCipher#encrypt} (both). Prints MB/s, best of {@code rounds} after warm-up. bench/seal-vs-openssl.sh
 * runs it next to {@code openssl speed}. Usage: CipherProfile [rounds=5]
 */
public final class CipherProfile {
    private CipherProfile() {
    }

    interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        byte[] data = new byte[50_000_000];
        new Random(1).nextBytes(data);
        byte[] out = new byte[data.length + 16];
        byte[] key = DataKeys.generate();
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] sealed = new byte[BlobCipher.CHUNK_SIZE + 16];
        long[] counter = {0};
        Op chunks = () -> {
            for (int off = 0; off < data.length; off += BlobCipher.CHUNK_SIZE) {
                byte[] nonce = new byte[12];
                long n = ++counter[0];
                for (int i = 0; i < 8; i++) {
                    nonce[4 + i] = (byte) (n >>> (8 * i));
                }
                c.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, nonce));
                c.doFinal(data, off, Math.min(BlobCipher.CHUNK_SIZE, data.length - off), sealed, 0);
            }
        };
        Op whole = () -> {
            byte[] nonce = new byte[12];
            long n = ++counter[0];
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (n >>> (8 * i));
            }
            c.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, nonce));
            c.doFinal(data, 0, data.length, out, 0);
        };
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Op digest = () -> sha.digest(data);
        Op blob = () -> BlobCipher.encrypt(key, new ByteArrayInputStream(data), OutputStream.nullOutputStream());
        report("aes-256-gcm, 64 KiB chunks (JDK)", chunks, rounds);
        report("aes-256-gcm, one 50 MB doFinal (JDK)", whole, rounds);
        report("sha-256 (JDK)", digest, rounds);
        report("BlobCipher.encrypt (gcm + sha-256)", blob, rounds);
    }

    private static void report(String what, Op op, int rounds) throws Exception {
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            op.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        System.out.printf(Locale.ROOT, "%-40s %6.0f MB/s%n", what, 50_000_000 / (best / 1e9) / 1e6);
    }
}
