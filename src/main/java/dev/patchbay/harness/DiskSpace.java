package dev.patchbay.harness;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The free space of an emulated device's data partition, as far as the fault injection is concerned: unlimited
 * unless a test sets it. Every byte written (files and preference files) takes from it, deleted files give back;
 * a write that does not fit fails with {@code IOException("No space left on device")} (ENOSPC), wherever it is.
 */
public final class DiskSpace {
    public static final String ENOSPC = "No space left on device";
    private static final long UNLIMITED = Long.MAX_VALUE;
    private final AtomicLong free = new AtomicLong(UNLIMITED);

    /** Leaves {@code bytes} free from now on (0 = the disk is full). */
    public void setFree(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes < 0");
        }
        free.set(bytes);
    }

    /** The disk behaves as the host's again. */
    public void unlimited() {
        free.set(UNLIMITED);
    }

    public boolean limited() {
        return free.get() != UNLIMITED;
    }

    /** Bytes still free, or {@link Long#MAX_VALUE} when not limited. */
    public long free() {
        return free.get();
    }

    /** Takes {@code n} bytes or fails with ENOSPC (nothing taken). */
    void take(long n) throws IOException {
        while (true) {
            long f = free.get();
            if (f == UNLIMITED) {
                return;
            }
            if (n > f) {
                throw new IOException(ENOSPC);
            }
            if (free.compareAndSet(f, f - n)) {
                return;
            }
        }
    }

    void giveBack(long n) {
        free.updateAndGet(f -> f == UNLIMITED ? f : Math.max(0, Math.min(UNLIMITED - 1, f + n)));
    }
}
