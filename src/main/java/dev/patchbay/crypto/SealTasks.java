package dev.patchbay.crypto;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the sealing of a bundle's files on a few threads (one per core, at most 8); the first failure wins. With
 * weights (bytes), the heaviest tasks start first, so no large file is left to run alone at the end while the other
 * threads idle (longest-processing-time-first scheduling).
 */
final class SealTasks {
    interface Task {
        void run(int index) throws IOException;
    }

    private SealTasks() {
    }

    static void run(int count, Task task) throws IOException {
        run(count, task, null);
    }

    /** As {@link #run(int, Task)}, starting the tasks in order of decreasing {@code weight} (null: index order). */
    static void run(int count, Task task, java.util.function.IntToLongFunction weight) throws IOException {
        int[] order = java.util.stream.IntStream.range(0, count).boxed()
                .sorted(weight == null ? java.util.Comparator.<Integer>naturalOrder()
                        : java.util.Comparator.comparingLong((Integer i) -> weight.applyAsLong(i)).reversed()
                                .thenComparing(java.util.Comparator.naturalOrder()))
                .mapToInt(Integer::intValue).toArray();
        int threads = Math.max(1, Math.min(Math.min(8, Runtime.getRuntime().availableProcessors()), count));
        if (threads == 1) {
            for (int i = 0; i < count; i++) {
                task.run(order[i]);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "patchbay-seal-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>(threads);
            java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count && !failed.get(); i = next.getAndIncrement()) {
                        try {
                            task.run(order[i]);
                        } catch (IOException | RuntimeException e) {
                            failed.set(true);
                            throw e;
                        }
                    }
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<?> w : workers) { // wait for every worker, so no blob is written after a failure returns
                try {
                    w.get();
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.set(true);
                    first = first == null ? new IOException("sealing was interrupted", e) : first;
                }
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof Error err) {
                throw err;
            }
            if (first != null) {
                throw new IllegalStateException(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
