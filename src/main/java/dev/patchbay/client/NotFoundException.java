package dev.patchbay.client;

/** The app, channel or other resource does not exist on the server. */
public final class NotFoundException extends ApiException {
    public NotFoundException(int status, String code, String message) {
        super(status, code, message, null);
    }
}
