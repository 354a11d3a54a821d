package dev.patchbay.console.common;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks on named daemon threads ("patchbay-task-N") and delivers their outcome on the FX thread. */
public final class FxTaskRunner extends TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FxTaskRunner.class);

    private final ExecutorService executor;

    public FxTaskRunner() {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "patchbay-task-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("Uncaught in {}", th.getName(), e));
            return t;
        });
    }

    @Override
    protected <T> void execute(String name, Callable<T> work, Consumer<Outcome<T>> done) {
        if (executor.isShutdown()) {
            // The console is closing: a timer's last tick (a page's poll) is dropped, not an error.
            LOG.debug("Task '{}' dropped: the console is closing", name);
            return;
        }
        executor.execute(() -> {
            Outcome<T> outcome;
            try {
                outcome = new Outcome<>(work.call(), null);
            } catch (Throwable e) {
                LOG.debug("Task '{}' failed: {}", name, e.toString());
                outcome = new Outcome<>(null, e);
            }
            Outcome<T> result = outcome;
            Platform.runLater(() -> done.accept(result));
        });
    }

    @Override
    public void post(Runnable update) {
        if (Platform.isFxApplicationThread()) {
            update.run();
        } else {
            Platform.runLater(update);
        }
    }

    @Override
    public void shutdown() {
        executor.shutdownNow();
    }
}
