package dev.patchbay.updater;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Background work run by the test, in order, on its own thread: deterministic write sequences. */
final class QueueExecutor implements Executor {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable command) {
        queue.add(command);
    }

    /** Runs one queued task; false if none. */
    boolean runOne() {
        Runnable r;
        synchronized (this) {
            r = queue.poll();
        }
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    synchronized void clear() {
        queue.clear();
    }

    synchronized boolean isEmpty() {
        return queue.isEmpty();
    }
}
