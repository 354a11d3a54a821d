package dev.patchbay.client;

import java.time.Instant;

/** TEMP stub (i5-rollui) until i5-health lands. */
public record FailedDevice(String deviceId, String customId, String action, String reason, Instant at) {
}
