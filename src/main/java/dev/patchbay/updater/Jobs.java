package dev.patchbay.updater;

import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Background work of one runtime instance: jobs on the platform executor, timers on the platform clock, a count of
 * what is queued or running (for {@link Updater#awaitIdle}). An {@link Error} thrown by a job (the process being
 * killed at a port write, out of memory) stops the instance: nothing runs after it.
 */
final class Jobs {
    private final Executor executor;
    private final Clock clock;
    private final Object idle = new Object();
    private final Set<Clock.Cancellable> timers = new HashSet<>();
    private int active;
    private volatile boolean stopped;
    private volatile Throwable fatal;
    private volatile RuntimeException lastFailure;

    Jobs(Executor executor, Clock clock) {
        this.executor = executor;
        this.clock = clock;
    }

    boolean stopped() {
        return stopped;
    }

    /** Marks the instance dead after a fatal error. */
    void die(Throwable t) {
        fatal = t;
        stopped = true;
        cancelTimers();
    }

    void run(Runnable job) {
        if (stopped) {
            return;
        }
        synchronized (idle) {
            active++;
        }
        try {
            executor.execute(() -> {
                try {
                    if (!stopped) {
                        job.run();
                    }
                } catch (Error e) {
                    die(e);
                    throw e;
                } catch (RuntimeException e) {
                    // A failed job changes nothing it did not commit; the next check or start tries again.
                    lastFailure = e;
                } finally {
                    done();
                }
            });
        } catch (RejectedExecutionException e) {
            done();
        }
    }

    /** Runs {@code job} as a background job after {@code delay} (platform clock). */
    Clock.Cancellable schedule(Duration delay, Runnable job) {
        if (stopped) {
            return () -> { };
        }
        Clock.Cancellable[] self = new Clock.Cancellable[1];
        Clock.Cancellable handle = clock.schedule(delay, () -> {
            synchronized (timers) {
                timers.remove(self[0]);
            }
            run(job);
        });
        self[0] = handle;
        synchronized (timers) {
            timers.add(handle);
        }
        return () -> {
            synchronized (timers) {
                timers.remove(handle);
            }
            handle.cancel();
        };
    }

    private void done() {
        synchronized (idle) {
            active--;
            idle.notifyAll();
        }
    }

    boolean awaitIdle(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (active > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    void shutdown() {
        stopped = true;
        cancelTimers();
    }

    private void cancelTimers() {
        Set<Clock.Cancellable> copy;
        synchronized (timers) {
            copy = new HashSet<>(timers);
            timers.clear();
        }
        copy.forEach(Clock.Cancellable::cancel);
    }

    Throwable fatal() {
        return fatal;
    }

    /** The last unexpected exception a job ended with (for diagnostics), or null. */
    RuntimeException lastFailure() {
        return lastFailure;
    }
}
