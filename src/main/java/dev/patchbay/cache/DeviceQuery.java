package dev.patchbay.cache;

import java.time.Instant;

/**
 * What the Devices page asks of the cache. Null or blank filters are off.
 *
 * @param search        a prefix of the device id or (case-insensitive) of the custom id
 * @param state         the device's last check outcome ({@code update}, {@code builtin}, {@code up_to_date},
 *                      {@code blocked}, {@code failed})
 * @param seenSince     only devices seen at or after this time
 * @param offset        rows to skip (paging)
 * @param deviceIds     only these devices (a rollout's failed devices, say); null: off, empty: none
 * @param limit         rows to answer, 1–1000
 */
public record DeviceQuery(String search, String channel, String bundle, String state, String platform,
                          String nativeVersion, Instant seenSince, DeviceColumn sort, boolean descending, int offset,
                          int limit, java.util.List<String> deviceIds) {
    /** Most device ids one query may name. */
    public static final int MAX_IDS = 1000;

    public DeviceQuery {
        deviceIds = deviceIds == null ? null : java.util.List.copyOf(deviceIds);
        if (deviceIds != null && deviceIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("at most " + MAX_IDS + " device ids, not " + deviceIds.size());
        }
        sort = sort == null ? DeviceColumn.LAST_SEEN : sort;
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("offset must be >= 0 and limit 1..1000");
        }
    }

    public DeviceQuery(String search, String channel, String bundle, String state, String platform,
                       String nativeVersion, Instant seenSince, DeviceColumn sort, boolean descending, int offset,
                       int limit) {
        this(search, channel, bundle, state, platform, nativeVersion, seenSince, sort, descending, offset, limit, null);
    }

    /** All devices, most recently seen first, the first {@code limit}. */
    public static DeviceQuery all(int limit) {
        return new DeviceQuery(null, null, null, null, null, null, null, DeviceColumn.LAST_SEEN, true, 0, limit);
    }

    public DeviceQuery withOffset(int newOffset) {
        return new DeviceQuery(search, channel, bundle, state, platform, nativeVersion, seenSince, sort, descending,
                newOffset, limit, deviceIds);
    }
}
