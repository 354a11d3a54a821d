package dev.patchbay.harness;

import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * True time for emulated devices: {@link #real} (the host's clock and a shared scheduler) or {@link VirtualTime}
 * (moves only when a test advances it). Device clocks add their own skew on top.
 */
public interface TimeSource {
    Instant now();

    /** Monotonic milliseconds (any origin). */
    long monotonicMillis();

    /** Runs {@code task} once after {@code delay}; the task must not block (hand work to an executor). */
    Clock.Cancellable schedule(Duration delay, Runnable task);

    /** The host's clock; timers on {@code scheduler} (shared by a fleet). */
    static TimeSource real(ScheduledExecutorService scheduler) {
        return new TimeSource() {
            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public long monotonicMillis() {
                return System.nanoTime() / 1_000_000;
            }

            @Override
            public Clock.Cancellable schedule(Duration delay, Runnable task) {
                ScheduledFuture<?> f = scheduler.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }
        };
    }
}
