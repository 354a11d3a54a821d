package dev.patchbay.harness;

import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * Time that moves only when {@link #advance} is called: due timers run in order on the advancing thread. For fleets
 * and tests that must not wait for real timeouts (an app-ready timeout of 10 s passes in no time).
 */
public final class VirtualTime implements TimeSource {
    private record Timer(long due, long seq, Runnable task, boolean[] cancelled) {
    }

    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private final Instant epoch;
    private long millis;
    private long seq;

    public VirtualTime(Instant start) {
        this.epoch = start;
    }

    @Override
    public synchronized Instant now() {
        return epoch.plusMillis(millis);
    }

    @Override
    public synchronized long monotonicMillis() {
        return millis;
    }

    @Override
    public synchronized Clock.Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timer(millis + Math.max(0, delay.toMillis()), seq++, task, cancelled));
        return () -> {
            synchronized (VirtualTime.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Moves time forward by {@code d}, running every timer that falls due, at its due time, in order. */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = millis + d.toMillis();
        }
        while (true) {
            Timer t;
            synchronized (this) {
                t = timers.peek();
                if (t == null || t.due > target) {
                    millis = target;
                    return;
                }
                timers.poll();
                millis = Math.max(millis, t.due);
                if (t.cancelled[0]) {
                    continue;
                }
            }
            t.task.run();
        }
    }

    public synchronized int pendingTimers() {
        return (int) timers.stream().filter(t -> !t.cancelled[0]).count();
    }
}
