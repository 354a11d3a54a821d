package dev.patchbay.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Key ids of bundle-format §1: 16 lowercase hex characters (the first 8 bytes of a SHA-256). */
public final class KeyIds {
    private static final byte[] CONTENT_PREFIX = "patchbay-content-key-id".getBytes(StandardCharsets.US_ASCII);

    private KeyIds() {
    }

    /** Id of an Ed25519 key (root or release): first 8 bytes of SHA-256(raw 32-byte public key). */
    public static String ofPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != Ed25519.KEY_LENGTH) {
            throw new CryptoException("an Ed25519 public key is 32 bytes");
        }
        return Codec.hex(Arrays.copyOf(sha256(publicKey), 8));
    }

    /** Id of a content key: first 8 bytes of SHA-256("patchbay-content-key-id" ‖ key). */
    public static String ofContentKey(byte[] contentKey) {
        if (contentKey == null || contentKey.length != 32) {
            throw new CryptoException("a content key is 32 bytes");
        }
        MessageDigest md = sha256();
        md.update(CONTENT_PREFIX);
        md.update(contentKey);
        return Codec.hex(Arrays.copyOf(md.digest(), 8));
    }

    public static boolean isKeyId(String id) {
        return Codec.isHex(id, 16);
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
