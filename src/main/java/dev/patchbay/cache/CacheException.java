package dev.patchbay.cache;

/** The local cache could not be read or written; the message names what failed. */
public final class CacheException extends RuntimeException {
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
