package dev.patchbay.harness;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What emulated devices in one JVM share: a background thread pool (each device's app process gets an executor over
 * it), a timer thread, and true time ({@link TimeSource#real} or {@link VirtualTime}). HTTP connections are pooled
 * JVM-wide by {@link java.net.HttpURLConnection}'s keep-alive cache. A fleet of thousands of devices runs on one
 * environment with a few dozen threads.
 */
public final class DeviceEnvironment implements AutoCloseable {
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final TimeSource time;

    private DeviceEnvironment(int threads, TimeSource time) {
        this.pool = Executors.newFixedThreadPool(threads, daemon("patchbay-device-"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("patchbay-device-timer-"));
        this.time = time == null ? TimeSource.real(scheduler) : time;
    }

    /** Real time, {@code threads} background threads. */
    public static DeviceEnvironment create(int threads) {
        return new DeviceEnvironment(threads, null);
    }

    /** Devices on {@code time} (e.g. a {@link VirtualTime}). */
    public static DeviceEnvironment create(int threads, TimeSource time) {
        return new DeviceEnvironment(threads, time);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            // A device's failures are in its log; a stray one must not reach the JVM's default handler.
            t.setUncaughtExceptionHandler((thread, e) -> System.err.println("patchbay harness: " + thread.getName()
                    + " failed: " + e));
            return t;
        };
    }

    public ExecutorService pool() {
        return pool;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public TimeSource time() {
        return time;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }
}
