package dev.patchbay.client;

/** The server failed, or answered with something that is not a valid Patchbay response. */
public final class ServerErrorException extends ApiException {
    public ServerErrorException(int status, String code, String message) {
        super(status, code, message, null);
    }
}
