package dev.patchbay.console.common;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * As {@link CurrentThreadTaskRunner} (each task at once on the calling thread), but what other threads
 * {@link #post} waits in a queue until the test {@link #drain}s it on its own thread, as the FX thread would run it:
 * for view models fed by background threads (emulated devices).
 */
public final class QueuedPostTaskRunner extends TaskRunner {
    private final Queue<Runnable> posted = new ConcurrentLinkedQueue<>();

    @Override
    protected <T> void execute(String name, Callable<T> work, Consumer<Outcome<T>> done) {
        Outcome<T> outcome;
        try {
            outcome = new Outcome<>(work.call(), null);
        } catch (Exception e) {
            outcome = new Outcome<>(null, e);
        }
        done.accept(outcome);
    }

    @Override
    public void post(Runnable update) {
        posted.add(update);
    }

    /** Runs what was posted so far (and what that posts), on the calling thread. */
    public void drain() {
        for (Runnable r; (r = posted.poll()) != null; ) {
            r.run();
        }
    }
}
