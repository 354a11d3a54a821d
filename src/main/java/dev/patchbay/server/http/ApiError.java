package dev.patchbay.server.http;

/**
 * An expected failure of a request, sent to the client as {@code {"error": code, "message": ..., "field": ...}}
 * with its HTTP status. Throw it from a handler; {@link JsonHandler} turns it into the answer.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();

    public ApiError(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiError badRequest(String code, String message, String field) {
        return new ApiError(400, code, message, field);
    }

    public static ApiError validation(String field, String message) {
        return new ApiError(400, "validation_failed", message, field);
    }

    public static ApiError unauthorized(String code, String message) {
        return new ApiError(401, code, message, null);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message, null);
    }

    public static ApiError conflict(String message, String field) {
        return new ApiError(409, "conflict", message, field);
    }

    /** Adds a machine-readable detail to the error body (e.g. {@code "received": 1024}). */
    public ApiError with(String key, Object value) {
        details.put(key, value);
        return this;
    }

    public java.util.Map<String, Object> details() {
        return details;
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, "payload_too_large", message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
