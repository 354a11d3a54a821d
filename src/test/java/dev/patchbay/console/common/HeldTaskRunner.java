package dev.patchbay.console.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Holds each task until the test runs it ({@link #run(int)}), in any order, on the test thread: for answers that
 * arrive late or out of order.
 */
public final class HeldTaskRunner extends TaskRunner {
    private final List<Runnable> held = new ArrayList<>();

    @Override
    protected <T> void execute(String name, Callable<T> work, Consumer<Outcome<T>> done) {
        held.add(() -> {
            Outcome<T> outcome;
            try {
                outcome = new Outcome<>(work.call(), null);
            } catch (Exception e) {
                outcome = new Outcome<>(null, e);
            }
            done.accept(outcome);
        });
    }

    /** Tasks started and not run yet. */
    public int size() {
        return held.size();
    }

    /** Runs the task at {@code index} of those held (0 = the oldest) and its callbacks. */
    public void run(int index) {
        held.remove(index).run();
    }
}
