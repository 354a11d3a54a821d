package dev.patchbay.client;

import java.time.Instant;
import java.util.List;

/** An API key as the server lists it (never its secret). {@code apps} null = every app; status active/expired/revoked. */
public record ApiKey(String id, String name, String role, List<String> apps, String status, Instant createdAt,
                     String createdBy, Instant expiresAt, Instant revokedAt, boolean bootstrap) {
    public ApiKey {
        apps = apps == null ? null : List.copyOf(apps);
    }

    public boolean active() {
        return "active".equals(status);
    }
}
