package dev.patchbay.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Per-bundle data keys wrapped under the app's content key (bundle-format §4.4). */
public final class DataKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DataKeys() {
    }

    public static byte[] generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    /** b64(nonce ‖ ciphertext ‖ tag), AES-256-GCM under the content key, AAD = appId ‖ 0x00 ‖ version. */
    public static String wrap(byte[] contentKey, byte[] dataKey, String appId, String version) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = BlobCipher.gcm();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(appId, version));
            byte[] sealed = c.doFinal(dataKey);
            byte[] out = new byte[12 + sealed.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return Codec.b64(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    public static byte[] unwrap(byte[] contentKey, String wrapped, String appId, String version) {
        byte[] raw = Codec.unb64(wrapped, ReleaseVerifier.WRAPPED_KEY_LENGTH, "release.wrappedDataKey");
        try {
            Cipher c = BlobCipher.gcm();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey, "AES"),
                    new GCMParameterSpec(128, Arrays.copyOf(raw, 12)));
            c.updateAAD(aad(appId, version));
            return c.doFinal(raw, 12, raw.length - 12);
        } catch (AEADBadTagException e) {
            throw new CryptoException("The bundle's data key cannot be unwrapped: it was encrypted with another "
                    + "content key, for another app or version, or it was modified");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private static byte[] aad(String appId, String version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] app = appId.getBytes(StandardCharsets.UTF_8);
        out.write(app, 0, app.length);
        out.write(0);
        byte[] ver = version.getBytes(StandardCharsets.UTF_8);
        out.write(ver, 0, ver.length);
        return out.toByteArray();
    }
}
