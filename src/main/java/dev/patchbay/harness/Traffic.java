package dev.patchbay.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an emulated device sent and received over HTTP (the newest {@value #LIMIT} exchanges): for tests that count
 * downloads or check that a resumed download asked for a range, and for the console.
 */
public final class Traffic {
    static final int LIMIT = 10_000;

    /**
     * One request: its range header (or null), the status, the body bytes the device read so far, and when it was
     * sent and answered ({@link System#nanoTime}).
     */
    public static final class Exchange {
        private final String method;
        private final String url;
        private final String range;
        private final long startedNanos = System.nanoTime();
        private volatile long answeredNanos;
        private volatile int status;
        private final AtomicLong bodyBytes = new AtomicLong();

        Exchange(String method, String url, String range) {
            this.method = method;
            this.url = url;
            this.range = range;
        }

        public String method() {
            return method;
        }

        public String url() {
            return url;
        }

        public String range() {
            return range;
        }

        public int status() {
            return status;
        }

        public long bodyBytes() {
            return bodyBytes.get();
        }

        /** {@link System#nanoTime} when the device began the request. */
        public long startedNanos() {
            return startedNanos;
        }

        /** From the start of the request to its status line and headers; null while unanswered. */
        public java.time.Duration latency() {
            long a = answeredNanos;
            return a == 0 ? null : java.time.Duration.ofNanos(a - startedNanos);
        }

        void status(int s) {
            answeredNanos = System.nanoTime();
            status = s;
        }

        void read(long n) {
            bodyBytes.addAndGet(n);
        }

        @Override
        public String toString() {
            return method + " " + url + (range == null ? "" : " [" + range + "]") + " -> " + status + ", "
                    + bodyBytes() + " bytes";
        }
    }

    private final List<Exchange> exchanges = new ArrayList<>();

    synchronized Exchange start(String method, String url, String range) {
        Exchange e = new Exchange(method, url, range);
        exchanges.add(e);
        if (exchanges.size() > LIMIT) {
            exchanges.remove(0);
        }
        return e;
    }

    /** Every exchange whose URL contains {@code urlContains} (null: all), oldest first. */
    public synchronized List<Exchange> exchanges(String urlContains) {
        List<Exchange> out = new ArrayList<>();
        for (Exchange e : exchanges) {
            if (urlContains == null || e.url.contains(urlContains)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Body bytes read from answers whose URL contains {@code urlContains}. */
    public long bodyBytes(String urlContains) {
        return exchanges(urlContains).stream().mapToLong(Exchange::bodyBytes).sum();
    }

    public synchronized void clear() {
        exchanges.clear();
    }
}
