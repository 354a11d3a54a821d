package dev.patchbay.console.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's one way to run work off the FX thread:
 * {@code tasks.create("Loading apps", () -> client.listApps()).onSuccess(apps::setAll).onError(this::show).run()}.
 * Callbacks run on the FX thread (or, in {@link CurrentThreadTaskRunner}, on the caller's thread, for tests).
 * {@link #activityProperty()} names the task running now, for the status bar.
 */
public abstract class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final List<String> running = new ArrayList<>();
    private final ReadOnlyStringWrapper activity = new ReadOnlyStringWrapper(this, "activity", "");

    public <T> Builder<T> create(String name, Callable<T> work) {
        return new Builder<>(name, work);
    }

    /** The name of the most recently started task still running, or "" when idle. */
    public ReadOnlyStringProperty activityProperty() {
        return activity.getReadOnlyProperty();
    }

    /** Runs {@code work} in the background; {@code done} runs exactly once, on the callback thread. */
    protected abstract <T> void execute(String name, Callable<T> work, Consumer<Outcome<T>> done);

    /**
     * Runs {@code update} on the callback thread (the FX thread; at once in {@link CurrentThreadTaskRunner}): for
     * progress reported by a running task.
     */
    public void post(Runnable update) {
        update.run();
    }

    /** Stops accepting work; running tasks are abandoned (their threads are daemons). */
    public void shutdown() {
    }

    protected record Outcome<T>(T value, Throwable error) {
    }

    private void started(String name) {
        running.add(name);
        activity.set(name);
    }

    private void finished(String name) {
        running.remove(name);
        activity.set(running.isEmpty() ? "" : running.get(running.size() - 1));
    }

    public final class Builder<T> {
        private final String name;
        private final Callable<T> work;
        private Consumer<? super T> onSuccess = v -> { };
        private Consumer<Throwable> onError;
        private Runnable andFinally = () -> { };

        private Builder(String name, Callable<T> work) {
            this.name = Objects.requireNonNull(name);
            this.work = Objects.requireNonNull(work);
        }

        public Builder<T> onSuccess(Consumer<? super T> handler) {
            this.onSuccess = handler;
            return this;
        }

        public Builder<T> onError(Consumer<Throwable> handler) {
            this.onError = handler;
            return this;
        }

        public Builder<T> andFinally(Runnable handler) {
            this.andFinally = handler;
            return this;
        }

        /** Must be called on the FX thread (or the test thread of a {@link CurrentThreadTaskRunner}). */
        public void run() {
            started(name);
            execute(name, work, outcome -> {
                finished(name);
                try {
                    if (outcome.error() == null) {
                        onSuccess.accept(outcome.value());
                    } else if (onError != null) {
                        onError.accept(outcome.error());
                    } else {
                        LOG.warn("Task '{}' failed", name, outcome.error());
                    }
                } finally {
                    andFinally.run();
                }
            });
        }
    }
}
