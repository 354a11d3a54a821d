package dev.patchbay.client;

/** A key just created or rotated: its description and its secret, which the server shows only this once. */
public record NewApiKey(ApiKey key, String secret, boolean adminKeyFileRewritten) {
}
