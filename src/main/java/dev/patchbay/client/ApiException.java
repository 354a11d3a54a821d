package dev.patchbay.client;

/**
 * A failed call to a Patchbay server, typed so callers can react (re-enter a key, fix a field, go offline).
 * {@link #getMessage()} is a sentence a user can act on.
 */
public abstract sealed class ApiException extends RuntimeException
        permits UnauthorizedException, NotFoundException, ValidationFailedException, ConflictException,
        ServerUnreachableException, ServerErrorException {

    private final int status;
    private final String code;

    protected ApiException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    /** HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The server's machine-readable error code ({@code not_found}, {@code validation_failed}, ...). */
    public String code() {
        return code;
    }
}
