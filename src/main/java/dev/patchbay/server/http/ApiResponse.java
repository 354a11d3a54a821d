package dev.patchbay.server.http;

import java.util.List;
import java.util.Map;

/**
 * What a handler answers: a status and a body serialised as JSON ({@code null} body means no content), or a
 * {@link Bytes} body streamed as is, plus extra response headers (e.g. {@code Retry-After}, {@code ETag}).
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {
    public ApiResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiResponse(int status, Object body) {
        this(status, body, Map.of());
    }

    /**
     * A binary body: {@code length} bytes copied from {@code in} (closed after), sent with {@code contentType} and
     * {@code cacheControl}. The handler opens the stream, so a missing source is still a JSON error answer. With
     * {@code headOnly} only the headers are sent (a HEAD request) and {@code in} is just closed.
     */
    public record Bytes(java.io.InputStream in, long length, String contentType, String cacheControl, boolean headOnly) {
        public Bytes(java.io.InputStream in, long length, String contentType, String cacheControl) {
            this(in, length, contentType, cacheControl, false);
        }
    }

    /**
     * An answer another thread completes later (a batch-signed update check, ADR 0119): the request thread returns
     * at once and the answer is written when {@code answer} completes; a failure is answered as a 500.
     */
    public record Later(java.util.concurrent.CompletionStage<ApiResponse> answer) {
    }

    /** The answer {@code answer} completes with, written when it does. */
    public static ApiResponse later(java.util.concurrent.CompletionStage<ApiResponse> answer) {
        return new ApiResponse(200, new Later(answer));
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

    /** A copy with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, body, h);
    }
}
