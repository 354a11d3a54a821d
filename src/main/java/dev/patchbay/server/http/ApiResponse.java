package dev.patchbay.server.http;

import java.util.List;
import java.util.Map;

/** What a handler answers: a status and a body serialised as JSON ({@code null} body means no content). */
public record ApiResponse(int status, Object body) {
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
