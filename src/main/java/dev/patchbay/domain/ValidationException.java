package dev.patchbay.domain;

/** Input that breaks a rule of the domain; names the field so a form or an API error can point at it. */
public final class ValidationException extends IllegalArgumentException {
    private final String field;

    public ValidationException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
