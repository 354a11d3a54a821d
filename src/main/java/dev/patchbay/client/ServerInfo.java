package dev.patchbay.client;

/** What {@code GET /api/v1/health} tells about a server. */
public record ServerInfo(String status, String version) {
}
