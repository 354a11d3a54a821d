package dev.patchbay.cache;

import java.util.List;

/**
 * A page of cached devices.
 *
 * @param total  devices matching the query, counted up to {@link DeviceCache#COUNT_CAP}
 * @param capped true when there are more than {@code total} ("100,000+")
 */
public record DeviceResult(DeviceQuery query, List<DeviceRow> rows, long total, boolean capped) {
    public DeviceResult {
        rows = List.copyOf(rows);
    }
}
