package dev.patchbay.server.store;

/**
 * The database or the blob store cannot write (disk full, I/O error, read-only file system): the request is answered
 * 503 with the cause, and the server stays in fail-stop until {@link StorageHealth} sees storage writable again.
 */
public final class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String cause, Throwable e) {
        super(cause, e, false, false);
    }
}
