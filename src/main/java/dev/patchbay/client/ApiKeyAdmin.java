package dev.patchbay.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API key calls of {@link PatchbayClient} ({@code /api/v1/api-keys}, docs/api.md): admin keys only. A key is
 * named by its id or, while unrevoked, by its name. Calls block; run them off the FX thread.
 */
public final class ApiKeyAdmin {
    /** The roles a server knows, most powerful first. */
    public static final List<String> ROLES = List.of("admin", "publisher", "device-admin", "viewer");

    private final PatchbayClient client;

    ApiKeyAdmin(PatchbayClient client) {
        this.client = client;
    }

    public List<ApiKey> list() {
        return client.exchangeItems(ApiKey.class, "api-keys");
    }

    public ApiKey get(String idOrName) {
        return client.exchange("GET", null, ApiKey.class, "api-keys", idOrName);
    }

    /** {@code apps} null or empty = every app; {@code expiresAt} null = never. */
    public NewApiKey create(String name, String role, List<String> apps, Instant expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        if (apps != null && !apps.isEmpty()) {
            body.put("apps", apps);
        }
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        return client.exchange("POST", body, NewApiKey.class, "api-keys");
    }

    /** Sets when the key stops working ({@code null}: never). */
    public ApiKey expire(String idOrName, Instant expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        return client.exchange("PATCH", body, ApiKey.class, "api-keys", idOrName);
    }

    public ApiKey revoke(String idOrName) {
        return client.exchange("POST", Map.of(), ApiKey.class, "api-keys", idOrName, "revoke");
    }

    /** A new secret for the key; the old one is refused at once. */
    public NewApiKey rotate(String idOrName) {
        return client.exchange("POST", Map.of(), NewApiKey.class, "api-keys", idOrName, "rotate");
    }
}
