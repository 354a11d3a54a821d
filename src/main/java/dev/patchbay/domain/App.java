package dev.patchbay.domain;

import java.time.Instant;

/**
 * An app registered with a Patchbay server, identified by its Capacitor {@code appId}; {@code capgoCompat} says
 * whether the server also serves it to the reference updater plugin (docs/capgo-compat.md).
 */
public record App(String id, String name, Instant createdAt, Instant updatedAt, boolean capgoCompat) {
    public App(String id, String name, Instant createdAt, Instant updatedAt) {
        this(id, name, createdAt, updatedAt, false);
    }
}
