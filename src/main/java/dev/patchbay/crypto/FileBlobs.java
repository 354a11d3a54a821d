package dev.patchbay.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Format 2 file blobs (bundle-format §5.1, ADR 0081): compress, then encrypt under a convergent key, so the same
 * file of the same app gives the same blob in every release (the server stores and receives it once) while nobody
 * without the app's content key can tell what is inside or confirm a guess.
 *
 * <pre>
 * convergent key = HKDF-SHA256(ikm = content key, salt = none, info = "patchbay-convergent/2")
 * salt           = first 16 bytes of HMAC-SHA256(convergent key, "patchbay-blob/2" ‖ 0 ‖ codec ‖ 0 ‖ plain SHA-256)
 * file key       = HKDF-SHA256(ikm = convergent key, salt, info = "patchbay-file/2")
 * blob           = "PBB2" ‖ salt ‖ STREAM chunks of codec(plaintext), as format 1
 * </pre>
 */
public final class FileBlobs {
    private static final byte[] CONVERGENT_INFO = "patchbay-convergent/2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALT_LABEL = "patchbay-blob/2".getBytes(StandardCharsets.US_ASCII);

    private FileBlobs() {
    }

    /** The app's convergent key, derived from its content key (devices derive it the same way). */
    public static byte[] convergentKey(byte[] contentKey) {
        return BlobCipher.hkdf(contentKey, null, CONVERGENT_INFO, "a content key");
    }

    /** The blob salt of a plaintext (by its raw SHA-256) under a codec. */
    static byte[] salt(byte[] convergentKey, FileCodec codec, byte[] plainSha256) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(convergentKey, "HmacSHA256"));
            mac.update(SALT_LABEL);
            mac.update((byte) 0);
            mac.update(codec.id().getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(plainSha256);
            return Arrays.copyOf(mac.doFinal(), BlobCipher.SALT_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** A source of a file's bytes that can be read more than once (sealing hashes first, then encrypts). */
    public interface Source {
        InputStream open() throws IOException;
    }

    /** Where a blob goes: {@code write} runs the encryption into a stream and returns the blob. */
    public interface Sink {
        BlobRef write(BlobWriter writer) throws IOException;

        /** Drops a blob written by {@link #write} that is not used after all (a codec that did not help). */
        default void discard(BlobRef blob) throws IOException {
        }
    }

    /** Writes one blob into a stream. */
    public interface BlobWriter {
        BlobRef write(OutputStream out) throws IOException;
    }

    /** A sealed file: its manifest entry (path, size, SHA-256, codec, blob) and the blob. */
    public record Sealed(Manifest.File file, BlobRef blob) {
    }

    /**
     * Seals one file: reads it once to hash it, then compresses and encrypts it into {@code sink}. If the codec does
     * not make the blob smaller than the plain one, the file is sealed again without it.
     */
    static Sealed seal(byte[] convergentKey, String path, Source source, Sink sink,
            BlobCipher.Encryptor encryptor) throws IOException {
        MessageDigest sha = KeyIds.sha256();
        long size = 0;
        byte[] buf = encryptor.plain;
        try (InputStream in = source.open()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                size += n;
            }
        }
        byte[] digest = sha.digest();
        FileCodec codec = FileCodec.forFile(path, size);
        BlobRef ref = sealAs(convergentKey, codec, digest, source, sink, encryptor);
        if (codec != FileCodec.NONE && ref.length() >= BlobCipher.blobLength(size)) {
            sink.discard(ref);
            codec = FileCodec.NONE;
            ref = sealAs(convergentKey, codec, digest, source, sink, encryptor);
        }
        return new Sealed(new Manifest.File(path, size, Codec.hex(digest), ref.sha256(), codec, ref.length()), ref);
    }

    /**
     * Seals bytes as a format 2 blob with codec none (a binary patch: already deflated): convergent like a file,
     * so the same patch is the same blob in every release.
     */
    static BlobRef sealBytes(byte[] convergentKey, byte[] plain, Sink sink, BlobCipher.Encryptor encryptor)
            throws IOException {
        byte[] salt = salt(convergentKey, FileCodec.NONE, KeyIds.sha256(plain));
        return sink.write(out -> encryptor.encryptConvergent(convergentKey, salt, new java.io.ByteArrayInputStream(
                plain), out));
    }

    private static BlobRef sealAs(byte[] convergentKey, FileCodec codec, byte[] digest, Source source, Sink sink,
            BlobCipher.Encryptor encryptor) throws IOException {
        byte[] salt = salt(convergentKey, codec, digest);
        return sink.write(out -> {
            try (InputStream in = codec.encode(source.open())) {
                return encryptor.encryptConvergent(convergentKey, salt, in, out);
            }
        });
    }

    /**
     * Decrypts and decodes the blob of {@code file} from {@code in} into {@code out}: blob digest and length as
     * signed ({@code ref}), every chunk's tag, the codec's stream complete and no longer than the manifest's size.
     * Returns the plaintext length; the caller compares it and the SHA-256 of what was written with the manifest.
     * {@code dataKey} opens format 1 blobs, {@code convergentKey} format 2 ones.
     */
    public static long open(int manifestVersion, Manifest.File file, BlobRef ref, byte[] dataKey,
            byte[] convergentKey, InputStream in, OutputStream out, String what) throws IOException {
        if (manifestVersion == 1) {
            return BlobCipher.decrypt(dataKey, in, out, ref, what);
        }
        FileCodec.Decoder decoder = file.codec().decoder(out, file.size(), what);
        try {
            BlobCipher.decryptConvergent(convergentKey, in, decoder, ref, what);
            return decoder.finish();
        } finally {
            decoder.close();
        }
    }
}
