package dev.patchbay.cache;

import java.time.Instant;

/** One cached device as the Devices page shows it; {@code state} is the last check outcome. */
public record DeviceRow(String deviceId, String customId, String platform, String osVersion, String nativeVersion,
                        Long nativeBuild, String channel, String channelSource, String currentBundle,
                        String nextBundle, String state, String lastError, Instant firstSeen, Instant lastSeen) {
}
