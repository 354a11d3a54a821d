package dev.patchbay.console.settings;

/** A remote server the user saved; its API key lives in {@link SecretStore}, never here. */
public record SavedConnection(String id, String name, String url) {
}
