package dev.patchbay.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every fault one emulated device can be given, all changeable while it runs: network ({@link NetworkFaults}), disk
 * ({@link DiskSpace}), clock skew, and the {@link KillSwitch}.
 */
public final class Faults {
    private final NetworkFaults network = new NetworkFaults();
    private final DiskSpace disk = new DiskSpace();
    private final KillSwitch killSwitch = new KillSwitch();
    private volatile Duration clockSkew = Duration.ZERO;

    public NetworkFaults network() {
        return network;
    }

    public DiskSpace disk() {
        return disk;
    }

    public KillSwitch killSwitch() {
        return killSwitch;
    }

    /** The device's wall clock runs {@code skew} ahead (negative: behind) of true time. */
    public Faults clockSkew(Duration skew) {
        clockSkew = Objects.requireNonNull(skew);
        return this;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    /** Clears network faults, disk limit, clock skew and the kill switch. */
    public void clear() {
        network.clear();
        disk.unlimited();
        killSwitch.disarm();
        clockSkew = Duration.ZERO;
    }

    /** One line per active fault, for logs and the console. */
    public List<String> describe() {
        List<String> out = new ArrayList<>(network.describe());
        if (disk.limited()) {
            out.add("disk: " + disk.free() + " bytes free");
        }
        if (!clockSkew.isZero()) {
            out.add("clock skew " + clockSkew);
        }
        return out;
    }
}
