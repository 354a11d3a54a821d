package dev.patchbay.console.emulator;

import dev.patchbay.harness.Faults;
import java.time.Duration;

/**
 * The faults the Emulator page's toggles give a device. Applying a set replaces the device's network faults, disk
 * limit and clock skew with exactly these (the page owns its devices' faults).
 *
 * @param offline      airplane mode: every request fails at once
 * @param slow         {@link #LATENCY} before each request and blobs at {@link #BANDWIDTH} bytes/s
 * @param serverErrors every request is answered 503 before it leaves the device
 * @param diskFull     no free space: writes fail with ENOSPC
 * @param clockSkew    the device's clock runs {@link #SKEW} ahead
 */
public record FaultSet(boolean offline, boolean slow, boolean serverErrors, boolean diskFull, boolean clockSkew) {
    public static final FaultSet NONE = new FaultSet(false, false, false, false, false);
    static final Duration LATENCY = Duration.ofMillis(1500);
    static final long BANDWIDTH = 32 * 1024;
    static final Duration SKEW = Duration.ofDays(365);

    /** The faults in words ("none" when none). */
    String describe() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (offline) {
            out.add("offline");
        }
        if (slow) {
            out.add("slow network (" + LATENCY.toMillis() + " ms per request, blobs at " + BANDWIDTH / 1024 + " KiB/s)");
        }
        if (serverErrors) {
            out.add("every request answered 503");
        }
        if (diskFull) {
            out.add("disk full");
        }
        if (clockSkew) {
            out.add("clock a year ahead");
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    void applyTo(Faults faults) {
        faults.network().clear();
        faults.network().offline(offline);
        if (slow) {
            faults.network().latency(LATENCY);
            faults.network().bandwidth(BANDWIDTH, "/blobs/", -1);
        }
        if (serverErrors) {
            faults.network().status(503, null, null, -1);
        }
        if (diskFull) {
            faults.disk().setFree(0);
        } else {
            faults.disk().unlimited();
        }
        faults.clockSkew(clockSkew ? SKEW : Duration.ZERO);
    }
}
