package dev.patchbay.updater.port;

import java.time.Duration;
import java.time.Instant;

/** Time and timers as the platform offers them. */
public interface Clock {
    /** Wall-clock time; may be wrong on a device (never trusted for security decisions). */
    Instant now();

    /** Monotonic milliseconds since boot (Android {@code SystemClock.elapsedRealtime()}). */
    long elapsedRealtime();

    /** Runs {@code task} once after {@code delay} on a background thread; the returned handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    interface Cancellable {
        void cancel();
    }
}
