package dev.patchbay.server;

import dev.patchbay.domain.Json;
import dev.patchbay.domain.Version;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Routes about the server and the caller: {@code /api/v1/health} and {@code /openapi.json} (open), and
 * {@code /api/v1/me} (which key is calling: a cheap way to check a key).
 */
final class HealthApi {
    static final String OPENAPI_RESOURCE = "dev/patchbay/server/openapi.json";
    private final Object openApi = loadOpenApi();

    void register(Router router) {
        router.open("GET", "/api/v1/health", r -> ApiResponse.ok(Map.of("status", "ok", "version", Version.current())));
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
