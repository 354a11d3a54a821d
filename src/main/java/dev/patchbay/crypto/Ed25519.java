package dev.patchbay.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519 over raw keys (32-byte seed, 32-byte public key, 64-byte signature), with BouncyCastle's lightweight API. */
public final class Ed25519 {
    public static final int KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;
    public static final String ALG = "Ed25519";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ed25519() {
    }

    /** A new private key (the 32-byte seed). */
    public static byte[] generatePrivateKey() {
        return new Ed25519PrivateKeyParameters(RANDOM).getEncoded();
    }

    public static byte[] publicKey(byte[] privateKey) {
        return privateParams(privateKey).generatePublicKey().getEncoded();
    }

    /**
     * A private key ready to sign many messages: its public key is derived once, so each signature costs one scalar
     * multiplication instead of three (the update server signs every answer with its freshness key). Thread-safe.
     */
    public static final class Signer {
        private final Ed25519PrivateKeyParameters params;
        private final byte[] publicKey;
        private final String keyId;

        private Signer(byte[] privateKey) {
            this.params = privateParams(privateKey);
            this.publicKey = params.generatePublicKey().getEncoded();
            this.keyId = KeyIds.ofPublicKey(publicKey);
        }

        public byte[] sign(byte[] message) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, params);
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        }

        public byte[] publicKey() {
            return publicKey.clone();
        }

        /** The key id of the public key ({@link KeyIds#ofPublicKey}). */
        public String keyId() {
            return keyId;
        }
    }

    public static Signer signer(byte[] privateKey) {
        return new Signer(privateKey);
    }

    public static byte[] sign(byte[] privateKey, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateParams(privateKey));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** True if {@code signature} is a valid signature of {@code message} by {@code publicKey}; never throws on junk. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != KEY_LENGTH || signature == null
                || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Ed25519PrivateKeyParameters privateParams(byte[] privateKey) {
        if (privateKey == null || privateKey.length != KEY_LENGTH) {
            throw new CryptoException("an Ed25519 private key is 32 bytes");
        }
        return new Ed25519PrivateKeyParameters(privateKey, 0);
    }
}
