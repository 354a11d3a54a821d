package dev.patchbay.cache;

/** A column of the Devices page the cache can sort on (ties in the order the devices reached the cache). */
public enum DeviceColumn {
    DEVICE_ID("device_id"),
    CUSTOM_ID("custom_id_lower"),
    CHANNEL("channel"),
    BUNDLE("current_bundle"),
    STATE("last_outcome"),
    PLATFORM("platform"),
    NATIVE_VERSION("native_version"),
    LAST_SEEN("last_seen");

    final String sql;

    DeviceColumn(String sql) {
        this.sql = sql;
    }
}
