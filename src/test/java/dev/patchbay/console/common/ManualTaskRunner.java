package dev.patchbay.console.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Tasks wait until the test runs them, in the order it chooses ({@link #run(String)}), on the test thread as the
 * background thread and then the FX thread would: for "a slow task's late result" and "nothing ran on the caller".
 */
public final class ManualTaskRunner extends TaskRunner {
    private final List<String> names = new ArrayList<>();
    private final List<Runnable> pending = new ArrayList<>();

    @Override
    protected <T> void execute(String name, Callable<T> work, Consumer<Outcome<T>> done) {
        names.add(name);
        pending.add(() -> {
            Outcome<T> outcome;
            try {
                outcome = new Outcome<>(work.call(), null);
            } catch (Exception e) {
                outcome = new Outcome<>(null, e);
            }
            done.accept(outcome);
        });
    }

    /** Names of the tasks waiting, oldest first. */
    public List<String> pending() {
        return List.copyOf(names);
    }

    /** Runs the oldest waiting task whose name starts with {@code prefix}; false if there is none. */
    public boolean run(String prefix) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).startsWith(prefix)) {
                names.remove(i);
                pending.remove(i).run();
                return true;
            }
        }
        return false;
    }

    /** Runs waiting tasks (and the ones they start) until none is left. */
    public void runAll() {
        while (!pending.isEmpty()) {
            names.remove(0);
            pending.remove(0).run();
        }
    }
}
