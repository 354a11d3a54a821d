package dev.patchbay.cache;

import java.time.Instant;

/**
 * Where the device sync of one (connection, app) stands.
 *
 * @param cursor   the server's change cursor to continue from, null before the first page
 * @param syncedAt when a sync last reached the end of the changes ({@code more} false), or null
 * @param devices  devices in the cache for the app
 */
public record DeviceSyncState(String cursor, Instant syncedAt, long devices) {
}
