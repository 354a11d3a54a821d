package dev.patchbay.harness;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * The app process's background executor over a (possibly fleet-wide) thread pool. Tasks of a dead process are
 * dropped; a task that dies of {@link ProcessKilled} ends quietly; any other uncaught throwable is an app crash
 * ("FATAL EXCEPTION" on Android): it is reported and the process dies, as Android's default handler does.
 */
final class ProcessExecutor implements Executor {
    private final Executor pool;
    private final AppProcess process;
    private final BiConsumer<String, Throwable> onCrash;

    ProcessExecutor(Executor pool, AppProcess process, BiConsumer<String, Throwable> onCrash) {
        this.pool = pool;
        this.process = process;
        this.onCrash = onCrash;
    }

    @Override
    public void execute(Runnable task) {
        if (!process.alive()) {
            return;
        }
        try {
            pool.execute(() -> run(task));
        } catch (RejectedExecutionException e) {
            // the pool shut down: the device (or its fleet) is closed
        }
    }

    void run(Runnable task) {
        if (!process.alive()) {
            return;
        }
        try {
            task.run();
        } catch (ProcessKilled e) {
            // the process died at a kill point; nothing after it runs
        } catch (Throwable t) {
            if (process.alive()) {
                onCrash.accept("FATAL EXCEPTION in background: " + t, t);
            }
        }
    }
}
