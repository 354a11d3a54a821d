package dev.patchbay.client;

/** The server rejected the request's content; {@link #field()} names the offending input when the server said which. */
public final class ValidationFailedException extends ApiException {
    private final String field;

    public ValidationFailedException(int status, String code, String message, String field) {
        super(status, code, message, null);
        this.field = field;
    }

    /** The request field at fault, or {@code null}. */
    public String field() {
        return field;
    }
}
