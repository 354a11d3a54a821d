package dev.patchbay.harness;

import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * A device's clock: true time from a {@link TimeSource} plus the device's clock skew (a fault, changeable at run
 * time); {@code elapsedRealtime} counts from the device's last boot and ignores the skew, as on Android. Timers run
 * their task on the app process's background executor, and not at all once the process died.
 */
final class DeviceClock implements Clock {
    private final TimeSource time;
    private final Faults faults;
    private final long bootMillis;
    private final AppProcess process;
    private final Executor executor;

    DeviceClock(TimeSource time, Faults faults, long bootMillis, AppProcess process, Executor executor) {
        this.time = time;
        this.faults = faults;
        this.bootMillis = bootMillis;
        this.process = process;
        this.executor = executor;
    }

    @Override
    public Instant now() {
        return time.now().plus(faults.clockSkew());
    }

    @Override
    public long elapsedRealtime() {
        return time.monotonicMillis() - bootMillis;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        process.checkAlive();
        return time.schedule(delay, () -> {
            if (process.alive()) {
                executor.execute(task);
            }
        });
    }
}
