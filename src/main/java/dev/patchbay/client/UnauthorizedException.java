package dev.patchbay.client;

/** The API key was missing, wrong, or lacks permission. */
public final class UnauthorizedException extends ApiException {
    public UnauthorizedException(int status, String code, String message) {
        super(status, code, message, null);
    }
}
