package dev.patchbay.console.common;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Runs each task at once on the calling thread: deterministic view model tests without an FX toolkit. */
public final class CurrentThreadTaskRunner extends TaskRunner {
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
}
