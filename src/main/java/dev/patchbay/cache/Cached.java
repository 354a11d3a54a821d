package dev.patchbay.cache;

import java.time.Instant;

/**
 * What the cache last saw from a server, and when.
 *
 * @param fetchedAt when the value was fetched from the server; {@code null} if it never was (the value is then empty)
 */
public record Cached<T>(T value, Instant fetchedAt) {
    public boolean isKnown() {
        return fetchedAt != null;
    }
}
