package dev.patchbay.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A device's log: the newest {@value #LIMIT} lines, its listeners, and waiting for a line. Thread-safe. */
final class DeviceLog {
    static final int LIMIT = 5000;

    private final String serial;
    private final Deque<LogEntry> lines = new ArrayDeque<>();
    private final List<Consumer<LogEntry>> listeners = new CopyOnWriteArrayList<>();

    DeviceLog(String serial) {
        this.serial = serial;
    }

    /** The log so far (the newest {@value #LIMIT} lines). */
    List<LogEntry> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Calls {@code l} with each new line (on the thread that logs); the returned handle unsubscribes. */
    Runnable onLog(Consumer<LogEntry> l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    void add(String source, int pid, String message) {
        LogEntry e = new LogEntry(Instant.now(), source, pid, message);
        synchronized (lines) {
            lines.addLast(e);
            if (lines.size() > LIMIT) {
                lines.removeFirst();
            }
        }
        for (Consumer<LogEntry> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ignored) {
                // a listener's problem is not the device's
            }
        }
    }

    /** Waits for a line containing {@code text}; the timeout names {@code state} and the last lines. */
    LogEntry await(String text, Duration timeout, Supplier<Object> state) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (LogEntry e : lines()) {
                if (e.message().contains(text)) {
                    return e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("No log line with \"" + text + "\" on " + serial + " in " + timeout
                        + "; state: " + state.get() + "\nlog:\n" + tail(60));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted");
            }
        }
    }

    /** The last {@code n} lines, one per line. */
    String tail(int n) {
        List<LogEntry> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()).stream()
                .map(LogEntry::toString).toList());
    }
}
