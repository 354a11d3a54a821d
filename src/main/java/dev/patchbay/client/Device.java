package dev.patchbay.client;

import dev.patchbay.domain.rollout.RolloutDecision;
import java.time.Instant;
import java.util.List;

/**
 * A device as the server knows it (device-protocol §4). {@code bundles} is filled by {@link PatchbayClient#device}
 * only (empty in lists).
 *
 * @param channelAsked    the channel the device asks for (its own choice)
 * @param channelOverride the console's override, or null
 * @param channel         the channel resolved at the last check
 * @param channelSource   {@code override}, {@code self}, {@code default} or null
 * @param channelReason   why a channel the device asked for (or an override) was not used, or null
 * @param rollout         how the rollout of the device's channel treats it ({@link PatchbayClient#device} only;
 *                        null without a rollout)
 * @param rolledBack      the bundle the device last rolled back from (not confirmed since), or null
 */
public record Device(String appId, String deviceId, String customId, String platform, String osVersion,
                     String nativeVersion, Long nativeBuild, String runtimeVersion, Boolean isEmulator,
                     Boolean isProduction, KeyIds keyIds, String channelAsked, String channelOverride, String channel,
                     String channelSource, String channelReason, String currentBundle, Long currentSequence,
                     String nextBundle, String lastOutcome, String lastError, String lastMessage, Instant firstSeen,
                     Instant lastSeen, List<DeviceBundle> bundles, RolloutDecision rollout, String rolledBack) {
    public Device {
        bundles = bundles == null ? List.of() : List.copyOf(bundles);
    }

    /** Not rolled back. */
    public Device(String appId, String deviceId, String customId, String platform, String osVersion,
                  String nativeVersion, Long nativeBuild, String runtimeVersion, Boolean isEmulator,
                  Boolean isProduction, KeyIds keyIds, String channelAsked, String channelOverride, String channel,
                  String channelSource, String channelReason, String currentBundle, Long currentSequence,
                  String nextBundle, String lastOutcome, String lastError, String lastMessage, Instant firstSeen,
                  Instant lastSeen, List<DeviceBundle> bundles, RolloutDecision rollout) {
        this(appId, deviceId, customId, platform, osVersion, nativeVersion, nativeBuild, runtimeVersion, isEmulator,
                isProduction, keyIds, channelAsked, channelOverride, channel, channelSource, channelReason,
                currentBundle, currentSequence, nextBundle, lastOutcome, lastError, lastMessage, firstSeen, lastSeen,
                bundles, rollout, null);
    }

    /** Without a rollout decision (lists; a channel without rollout). */
    public Device(String appId, String deviceId, String customId, String platform, String osVersion,
                  String nativeVersion, Long nativeBuild, String runtimeVersion, Boolean isEmulator,
                  Boolean isProduction, KeyIds keyIds, String channelAsked, String channelOverride, String channel,
                  String channelSource, String channelReason, String currentBundle, Long currentSequence,
                  String nextBundle, String lastOutcome, String lastError, String lastMessage, Instant firstSeen,
                  Instant lastSeen, List<DeviceBundle> bundles) {
        this(appId, deviceId, customId, platform, osVersion, nativeVersion, nativeBuild, runtimeVersion, isEmulator,
                isProduction, keyIds, channelAsked, channelOverride, channel, channelSource, channelReason,
                currentBundle, currentSequence, nextBundle, lastOutcome, lastError, lastMessage, firstSeen, lastSeen,
                bundles, null);
    }

    /** The key ids the device reported. */
    public record KeyIds(String root, String content) {
    }

    /** A bundle the device holds: {@code downloading} (with percent), {@code pending}, {@code success}, {@code error}. */
    public record DeviceBundle(String bundle, String state, Integer percent, String reason, Instant updatedAt) {
    }

    /** One page of devices; {@code next} is the cursor for the following page, null at the end. */
    public record Page(List<Device> items, String next) {
        public Page {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }
}
