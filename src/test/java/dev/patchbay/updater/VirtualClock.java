package dev.patchbay.updater;

import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Virtual time: timers run when the test advances the clock, on the test's thread. */
final class VirtualClock implements Clock {
    Instant now;
    long elapsed = 1_000_000;
    private final List<Timer> timers = new ArrayList<>();
    private long seq;

    private final class Timer implements Cancellable {
        final long due;
        final long order = seq++;
        final Runnable task;
        boolean cancelled;

        Timer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            synchronized (VirtualClock.this) {
                cancelled = true;
                timers.remove(this);
            }
        }
    }

    VirtualClock(Instant now) {
        this.now = now;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized long elapsedRealtime() {
        return elapsed;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Timer t = new Timer(elapsed + Math.max(0, delay.toMillis()), task);
        timers.add(t);
        return t;
    }

    /** Moves time without running timers (a slow network read). */
    synchronized void tick(long ms) {
        elapsed += ms;
        now = now.plusMillis(ms);
    }

    /** Runs the earliest timer due by {@code until}, moving time to it; false if none. */
    boolean runNext(long until) {
        Timer t;
        synchronized (this) {
            t = timers.stream().filter(x -> x.due <= until)
                    .min(Comparator.<Timer>comparingLong(x -> x.due).thenComparingLong(x -> x.order)).orElse(null);
            if (t == null) {
                return false;
            }
            timers.remove(t);
            if (t.due > elapsed) {
                now = now.plusMillis(t.due - elapsed);
                elapsed = t.due;
            }
        }
        t.task.run();
        return true;
    }

    synchronized void clearTimers() {
        timers.clear();
    }

    synchronized int pendingTimers() {
        return timers.size();
    }
}
