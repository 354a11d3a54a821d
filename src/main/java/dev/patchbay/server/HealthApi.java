package dev.patchbay.server;

import dev.patchbay.domain.Json;
import dev.patchbay.domain.Version;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.store.StorageHealth;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes about the server and the caller: {@code /api/v1/health}, {@code /api/v1/ready} and {@code /openapi.json}
 * (open), and {@code /api/v1/me} (which key is calling: a cheap way to check a key). Health and readiness answer 503
 * while storage cannot write (ADR 0091), so a load balancer takes the instance out and monitoring sees why.
 */
final class HealthApi {
    static final String OPENAPI_RESOURCE = "dev/patchbay/server/openapi.json";
    private final Object openApi = loadOpenApi();
    private final StorageHealth storage;

    /** @param storage the server's storage state ({@code null} only when listing the routes) */
    HealthApi(StorageHealth storage) {
        this.storage = storage;
    }

    private StorageHealth.Status status() {
        return storage == null ? new StorageHealth.Status(true, null, null) : storage.status();
    }

    private ApiResponse health() {
        StorageHealth.Status s = status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", s.writable() ? "ok" : "unhealthy");
        body.put("version", Version.current());
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("writable", s.writable());
        if (!s.writable()) {
            st.put("cause", s.cause());
            st.put("since", s.since().toString());
        }
        body.put("storage", st);
        if (!s.writable()) {
            // The error contract's fields, so a client shows why (e.g. the console's connection check).
            body.put("error", "storage_unavailable");
            body.put("message", "The server cannot store data: " + s.cause());
        }
        return new ApiResponse(s.writable() ? 200 : 503, body);
    }

    void register(Router router) {
        router.open("GET", "/api/v1/health", r -> health());
        router.open("GET", "/api/v1/ready", r -> {
            StorageHealth.Status s = status();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", s.writable());
            if (!s.writable()) {
                body.put("cause", s.cause());
                body.put("error", "storage_unavailable");
                body.put("message", "The server cannot store data: " + s.cause());
            }
            return new ApiResponse(s.writable() ? 200 : 503, body);
        });
        router.get("/api/v1/me", r -> {
            Map<String, Object> me = new java.util.LinkedHashMap<>();
            me.put("keyId", r.principal().keyId());
            me.put("name", r.principal().name());
            me.put("role", r.principal().role());
            me.put("apps", r.principal().apps() == null ? null : new java.util.TreeSet<>(r.principal().apps()));
            return ApiResponse.ok(me);
        });
        router.open("GET", "/openapi.json", r -> {
            if (openApi == null) {
                throw ApiError.notFound("This build carries no OpenAPI description");
            }
            return ApiResponse.ok(openApi);
        });
    }

    private static Object loadOpenApi() {
        try (InputStream in = HealthApi.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
            return in == null ? null : Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("The bundled OpenAPI description is not valid JSON", e);
        }
    }
}
