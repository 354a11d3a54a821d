package dev.patchbay.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the persisted writes of a device's app process (preference commits, file closes, moves and deletes) and
 * kills the process at the write the test chose: the write does not happen, a {@link ProcessKilled} is thrown, and
 * the process stays dead (every later use of its ports throws too) until the device is cold-started again, which
 * starts a new process with a new runtime over the same folders.
 *
 * <p>Arming is per device and may change at run time; counting restarts with each arm.
 */
public final class KillSwitch {
    private final AtomicLong writes = new AtomicLong();
    private final List<String> trace = new ArrayList<>();
    private volatile long killAt;
    private volatile boolean tracing;

    /** Kills the process at the {@code n}-th persisted write from now (1 = the next one); 0 disarms. */
    public synchronized void armAt(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        writes.set(0);
        trace.clear();
        killAt = n;
    }

    public void disarm() {
        armAt(0);
    }

    /** Records the description of each persisted write from now on (see {@link #trace}). */
    public synchronized void startTrace() {
        writes.set(0);
        trace.clear();
        tracing = true;
    }

    /** Persisted writes counted since the last arm or trace start. */
    public long writes() {
        return writes.get();
    }

    /** The persisted writes seen since {@link #startTrace}, in order. */
    public synchronized List<String> trace() {
        return List.copyOf(trace);
    }

    /** Counts one write; true if the process must die at it (before it happens). */
    synchronized boolean count(String what) {
        long n = writes.incrementAndGet();
        if (tracing) {
            trace.add(what);
        }
        if (killAt > 0 && n == killAt) {
            killAt = 0;
            return true;
        }
        return false;
    }
}
