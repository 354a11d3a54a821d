package dev.patchbay.client;

import java.util.List;

/** What {@code GET /api/v1/me} tells about the calling API key: its role and, for an app-scoped key, its apps. */
public record KeyInfo(String keyId, String name, String role, List<String> apps) {
}
