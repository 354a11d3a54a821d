package dev.patchbay.console.devices;

import java.util.List;

/**
 * Devices picked on another page for the Devices page to show: "Failed 14:05–14:10 on 1.1.0 (production)" and their
 * ids (at most {@link dev.patchbay.cache.DeviceQuery#MAX_IDS}).
 *
 * @param label     what the page says it shows
 * @param deviceIds the devices
 * @param note      more to say ("the first 1,000 devices"), or ""
 */
public record DevicePick(String label, List<String> deviceIds, String note) {
    public DevicePick {
        deviceIds = List.copyOf(deviceIds);
        note = note == null ? "" : note;
    }
}
