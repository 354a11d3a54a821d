package dev.patchbay.server.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.io.IOException;

/** {@code /api/v1/apps/{appId}/trust}: register or update, and read, the app's public trust material. */
public final class TrustApi {
    private final TrustStore store;
    private final Signatures signatures;

    public TrustApi(TrustStore store, Signatures signatures) {
        this.store = store;
        this.signatures = signatures;
    }

    public void register(Router router) {
        router.put("/api/v1/apps/{appId}/trust", this::put);
        router.get("/api/v1/apps/{appId}/trust", r -> ApiResponse.ok(tree(store.get(AppsApi.appId(r)))));
    }

    private ApiResponse put(ApiRequest r) {
        String appId = AppsApi.appId(r);
        byte[] json = r.rawJsonBody("invalid_trust");
        Signatures.TrustInfo info = signatures.readTrust(json);
        if (!appId.equals(info.appId())) {
            throw ApiError.validation("appId", "This trust.json belongs to app '" + info.appId() + "', not '" + appId + "'");
        }
        boolean created = store.put(r.principal(), appId, info, json);
        JsonNode body = tree(json);
        return created ? ApiResponse.created(body) : ApiResponse.ok(body);
    }

    private static JsonNode tree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw ApiError.badRequest("malformed_json", "The body is not valid JSON", null);
        }
    }
}
