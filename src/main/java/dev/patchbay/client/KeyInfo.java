package dev.patchbay.client;

/** What {@code GET /api/v1/me} tells about the calling API key. */
public record KeyInfo(String keyId, String name) {
}
