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
    private final boolean fsync;

    private DeviceEnvironment(int threads, TimeSource time, boolean fsync) {
        this.pool = Executors.newFixedThreadPool(threads, daemon("patchbay-device-"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("patchbay-device-timer-"));
        this.time = time == null ? TimeSource.real(scheduler) : time;
        this.fsync = fsync;
    }

    /** Real time, {@code threads} background threads. */
    public static DeviceEnvironment create(int threads) {
        return new DeviceEnvironment(threads, null, true);
    }

    /** Devices on {@code time} (e.g. a {@link VirtualTime}). */
    public static DeviceEnvironment create(int threads, TimeSource time) {
        return new DeviceEnvironment(threads, time, true);
    }

    /** Devices on {@code time} (null: real time), with or without fsync ({@link #fsync()}). */
    public static DeviceEnvironment create(int threads, TimeSource time, boolean fsync) {
        return new DeviceEnvironment(threads, time, fsync);
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

    /**
     * Whether the devices' persisted writes are fsynced (the default, as on a device). Without: the same writes,
     * temp files and atomic renames, in the same order, only not forced to the host's disk. Nothing a device can
     * observe changes — a kill or reboot of an emulated device never loses the host's page cache — only a crash
     * of the host could lose writes. For large fleets, whose run time is otherwise the host disk's fsync rate.
     */
    public boolean fsync() {
        return fsync;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }
}
