package dev.patchbay.crypto.capgo;

import dev.patchbay.crypto.CryptoException;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The reference plugin's "v2" encryption recipe with standard JCA primitives (docs/capgo-compat.md §6): a random
 * AES-128 key and IV per bundle; {@code session_key = b64(iv) ":" b64(RSA-PKCS#1-type-1(privateKey, aesKey))}; the
 * zip (and each manifest file) AES-128-CBC with PKCS#7 padding; {@code checksum = hex(RSA-PKCS#1-type-1(privateKey,
 * SHA-256(plaintext zip)))}, 512 hex characters. Also the inverse, as the plugin's {@code CryptoCipher} does it, so
 * tests and {@code bundle import-capgo} can open such bundles with the public key.
 */
public final class CapgoCrypto {
    private CapgoCrypto() {
    }

    /** RSA "private encrypt" (PKCS#1 v1.5 block type 1) of raw bytes: what the plugin's public key recovers. */
    public static byte[] privateEncrypt(CapgoKeyPair keys, byte[] data) {
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, keys.privateKey());
            return rsa.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA failed", e);
        }
    }

    /** The plugin's {@code decryptRSA}: recovers what {@link #privateEncrypt} wrapped. */
    public static byte[] publicDecrypt(RSAPublicKey key, byte[] block) {
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.DECRYPT_MODE, key);
            return rsa.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("The RSA block does not open with this public key (" + e.getMessage() + ")");
        }
    }

    public static byte[] aes(int mode, byte[] key, byte[] iv, byte[] data) {
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return aes.doFinal(data);
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            throw new CryptoException("The ciphertext does not decrypt with this session key (" + e.getMessage()
                    + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed", e);
        }
    }

    public static String sessionKey(CapgoKeyPair keys, byte[] aesKey, byte[] iv) {
        return Base64.getEncoder().encodeToString(iv) + ":"
                + Base64.getEncoder().encodeToString(privateEncrypt(keys, aesKey));
    }

    /** The signed checksum: 512 lowercase hex of the RSA-wrapped SHA-256. */
    public static String signedChecksum(CapgoKeyPair keys, byte[] sha256) {
        return HexFormat.of().formatHex(privateEncrypt(keys, sha256));
    }

    /** The session key's {aesKey, iv}, opened with the public key as the plugin does. */
    public static byte[][] openSessionKey(RSAPublicKey key, String sessionKey) {
        String[] parts = sessionKey.split(":");
        if (parts.length != 2) {
            throw new CryptoException("The session key is not base64(iv):base64(key)");
        }
        byte[] iv;
        byte[] wrapped;
        try {
            iv = Base64.getDecoder().decode(parts[0]);
            wrapped = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new CryptoException("The session key is not base64(iv):base64(key)");
        }
        return new byte[][] {publicDecrypt(key, wrapped), iv};
    }

    /**
     * The SHA-256 (hex) a checksum vouches for: a plain 64-hex checksum as is, a signed 512-hex one recovered with
     * the public key (the plugin's {@code decryptChecksum}).
     */
    public static String checksumDigest(RSAPublicKey key, String checksum) {
        if (checksum.matches("[0-9a-f]{64}")) {
            return checksum;
        }
        if (!checksum.matches("[0-9a-fA-F]{512}")) {
            throw new CryptoException("The checksum is neither a SHA-256 nor an RSA-signed one");
        }
        if (key == null) {
            throw new CryptoException("A signed checksum needs the public key to be read");
        }
        return HexFormat.of().formatHex(publicDecrypt(key, HexFormat.of().parseHex(checksum.toLowerCase())));
    }
}
