package dev.patchbay.client;

/** What {@code GET /api/v1/server/freshness-key} tells: the server's freshness key id and public key (base64url). */
public record FreshnessKeyInfo(String keyId, String publicKey) {
}
