package dev.patchbay.server.devices;

import java.time.Instant;

/**
 * What one update check tells about a device, and what the server answered (device-protocol §4); {@code rollout} is
 * the channel's rollout evaluation, or null.
 */
record CheckRecord(String appId, String deviceId, String customId, String platform, String osVersion,
                   String nativeVersion, Long nativeBuild, String runtimeVersion, boolean isEmulator,
                   boolean isProduction, String rootKeyId, String contentKeyId, String channelAsked, String channel,
                   String channelSource, String channelReason, String currentBundle, Long currentSequence,
                   String outcome, String error, String message, String offered, Instant at,
                   RolloutPick rollout, String address) {
}
