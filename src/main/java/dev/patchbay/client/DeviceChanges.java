package dev.patchbay.client;

import java.util.List;

/**
 * A page of devices whose row changed after a cursor (rollouts §6), oldest change first.
 *
 * @param cursor pass as {@code since} to the next call (opaque text)
 * @param more   true when more changes are waiting: ask again at once
 */
public record DeviceChanges(List<Device> items, String cursor, boolean more) {
    public DeviceChanges {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
