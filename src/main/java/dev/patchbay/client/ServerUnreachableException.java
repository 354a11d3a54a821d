package dev.patchbay.client;

/** No answer: connection refused, DNS failure, TLS failure or a timeout. Nothing is known about the request's effect. */
public final class ServerUnreachableException extends ApiException {
    public ServerUnreachableException(String message, Throwable cause) {
        super(0, "unreachable", message, cause);
    }
}
