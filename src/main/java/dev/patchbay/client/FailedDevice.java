package dev.patchbay.client;

import java.time.Instant;

/** A device whose target bundle failed: its latest failure in the range asked ({@code reason} from the device). */
public record FailedDevice(String deviceId, String customId, String action, String reason, Instant at) {
}
