package dev.patchbay.harness;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a {@link Fleet} run: per device where it ended and how long each step took, and for the run its
 * wall time and the JVM's peak heap while it ran.
 */
public record FleetSummary(List<DeviceResult> devices, Duration wall, long peakHeapBytes) {

    /**
     * One device's run. Times are from its cold start; null when the step did not happen.
     *
     * @param outcome  {@code updated} (a new bundle confirmed itself), {@code up_to_date}, {@code rolled_back},
     *                 {@code failed} (check, download or verification failed), {@code timeout}
     * @param version  the bundle version it ended on
     * @param status   that bundle's status ({@code success}, {@code pending}, ...)
     * @param detail   the reason for anything but {@code updated}/{@code up_to_date}, else null
     */
    public record DeviceResult(String serial, String outcome, String version, String status, Duration checked,
            Duration downloaded, Duration installed, Duration ready, String detail) {
    }

    /** How many devices ended on each version. */
    public Map<String, Integer> byVersion() {
        Map<String, Integer> out = new TreeMap<>();
        devices.forEach(d -> out.merge(d.version() + " " + d.status(), 1, Integer::sum));
        return out;
    }

    /** How many devices had each outcome. */
    public Map<String, Integer> byOutcome() {
        Map<String, Integer> out = new TreeMap<>();
        devices.forEach(d -> out.merge(d.outcome(), 1, Integer::sum));
        return out;
    }

    /** A time's percentile over the devices that have it (null if none). */
    public Duration percentile(java.util.function.Function<DeviceResult, Duration> step, double p) {
        List<Duration> ds = devices.stream().map(step).filter(java.util.Objects::nonNull).sorted().toList();
        if (ds.isEmpty()) {
            return null;
        }
        return ds.get((int) Math.min(ds.size() - 1, Math.ceil(p / 100.0 * ds.size()) - 1 < 0 ? 0
                : Math.ceil(p / 100.0 * ds.size()) - 1));
    }
}
