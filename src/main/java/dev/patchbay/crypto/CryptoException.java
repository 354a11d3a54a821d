package dev.patchbay.crypto;

/**
 * A cryptographic check failed or key material could not be used. The message names the file, field or key that
 * failed, so it can be shown to a user as is; it never contains key bytes.
 */
public class CryptoException extends RuntimeException {
    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
