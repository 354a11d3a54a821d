package dev.patchbay.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One entry of a device's timeline: an event the device sent, or the server's answer to a check
 * ({@code action = "update_check"}, {@code id = null}). {@code at} is the device's clock, {@code receivedAt} the
 * server's.
 */
public record DeviceEvent(long seq, String id, String action, String bundle, String oldBundle, String at,
                          Instant receivedAt, JsonNode details) {

    /** One page, newest first; {@code next} is the cursor for older entries, null at the end. */
    public record Page(List<DeviceEvent> items, String next) {
        public Page {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }
}
