package dev.patchbay.cache;

import java.util.List;

/**
 * A page of cached devices.
 *
 * @param total  devices matching the query, counted up to {@link DeviceCache#COUNT_CAP}; when the count ran out of
 *               time, the devices up to the end of this page
 * @param capped there may be more than {@code total} ("100,000+", or "400+" when the count ran out of time)
 */
public record DeviceResult(DeviceQuery query, List<DeviceRow> rows, long total, boolean capped) {
    public DeviceResult {
        rows = List.copyOf(rows);
    }
}
