package dev.patchbay.domain;

import java.time.Instant;

/** An app registered with a Patchbay server, identified by its Capacitor {@code appId}. */
public record App(String id, String name, Instant createdAt, Instant updatedAt) {
}
