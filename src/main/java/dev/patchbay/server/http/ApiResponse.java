package dev.patchbay.server.http;

import java.util.List;
import java.util.Map;

/**
 * What a handler answers: a status and a body serialised as JSON ({@code null} body means no content), or a
 * {@link Bytes} body streamed as is.
 */
public record ApiResponse(int status, Object body) {
    /**
     * A binary body: {@code length} bytes copied from {@code in} (closed after), sent with {@code contentType} and
     * {@code cacheControl}. The handler opens the stream, so a missing source is still a JSON error answer.
     */
    public record Bytes(java.io.InputStream in, long length, String contentType, String cacheControl) {
    }

    /** A 200 streaming {@code bytes}. */
    public static ApiResponse stream(Bytes bytes) {
        return new ApiResponse(200, bytes);
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }

    /** The list envelope every collection endpoint uses, so fields such as a cursor can be added later. */
    public static ApiResponse items(List<?> items) {
        return ok(Map.of("items", items));
    }
}
