package dev.patchbay.client;

/** The resource already exists or the change conflicts with the server's state. */
public final class ConflictException extends ApiException {
    public ConflictException(int status, String code, String message) {
        super(status, code, message, null);
    }
}
