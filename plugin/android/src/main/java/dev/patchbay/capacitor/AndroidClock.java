package dev.patchbay.capacitor;

import android.os.SystemClock;
import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Wall clock, {@link SystemClock#elapsedRealtime()} and one daemon timer thread for the runtime's timers. */
final class AndroidClock implements Clock {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-updater-timer");
        t.setDaemon(true);
        return t;
    });

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public long elapsedRealtime() {
        return SystemClock.elapsedRealtime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
