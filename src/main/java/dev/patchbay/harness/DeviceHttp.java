package dev.patchbay.harness;

import dev.patchbay.updater.port.HttpTransport;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP as an Android app has it: {@link HttpURLConnection} (the JVM keeps one keep-alive pool, shared by every
 * emulated device in the JVM), with the device's {@link NetworkFaults} applied to each request.
 */
public final class DeviceHttp implements HttpTransport {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private final NetworkFaults faults;
    private final AppProcess process;
    private final Consumer<String> log;
    private final Traffic traffic;

    DeviceHttp(NetworkFaults faults, AppProcess process, Consumer<String> log, Traffic traffic) {
        this.faults = faults;
        this.process = process;
        this.log = log;
        this.traffic = traffic;
    }

    @Override
    public Response send(Request request) throws IOException {
        process.checkAlive();
        Duration timeout = request.timeout() == null ? DEFAULT_TIMEOUT : request.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (faults.offline()) {
            log.accept("FAULT offline: " + request.method() + " " + request.url());
            throw new ConnectException("Network is unreachable (offline)");
        }
        Duration latency = faults.latency();
        if (!latency.isZero()) {
            sleepUntil(Math.min(deadline, System.nanoTime() + latency.toNanos()));
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException("timeout (latency " + latency.toMillis() + " ms)");
            }
        }
        List<NetworkFaults.Rule> rules = faults.take(request.url());
        long dropAfter = -1;
        long bandwidth = 0;
        boolean ignoreRange = false;
        java.util.function.UnaryOperator<byte[]> rewrite = null;
        for (NetworkFaults.Rule r : rules) {
            switch (r.kind) {
                case STATUS -> {
                    log.accept("FAULT " + r.status + ": " + request.method() + " " + request.url());
                    return new Synthetic(r.status, r.retryAfter == null ? null
                            : Long.toString(Math.max(0, r.retryAfter.toSeconds())));
                }
                case HANG -> {
                    log.accept("FAULT hang: " + request.method() + " " + request.url());
                    sleepUntil(deadline);
                    throw new SocketTimeoutException("Read timed out (server hangs)");
                }
                case DROP_AFTER -> dropAfter = dropAfter < 0 ? r.bytes : Math.min(dropAfter, r.bytes);
                case BANDWIDTH -> bandwidth = bandwidth == 0 ? r.bytes : Math.min(bandwidth, r.bytes);
                case IGNORE_RANGE -> ignoreRange = true;
                case TAMPER -> rewrite = r.rewrite;
                default -> throw new IllegalStateException(r.kind.toString());
            }
        }
        HttpURLConnection c = (HttpURLConnection) new URL(request.url()).openConnection();
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
        c.setConnectTimeout(ms);
        c.setReadTimeout(ms);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestMethod(request.method());
        String range = null;
        if (request.headers() != null) {
            for (Map.Entry<String, String> h : request.headers().entrySet()) {
                if (h.getKey().equalsIgnoreCase("Range")) {
                    if (ignoreRange) {
                        log.accept("FAULT Range header dropped: " + request.url());
                        continue;
                    }
                    range = h.getValue();
                }
                c.setRequestProperty(h.getKey(), h.getValue());
            }
        }
        Traffic.Exchange exchange = traffic.start(request.method(), request.url(), range);
        if (request.body() != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(request.body().length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(request.body());
            }
        }
        int status;
        try {
            status = c.getResponseCode();
        } catch (IOException e) {
            c.disconnect();
            throw e;
        }
        exchange.status(status);
        if (rewrite != null && (status == 200 || status == 206)) {
            log.accept("FAULT body tampered with: " + request.method() + " " + request.url());
        } else {
            rewrite = null;
        }
        if (dropAfter >= 0 || bandwidth > 0) {
            log.accept("FAULT " + (dropAfter >= 0 ? "drop after " + dropAfter + " bytes " : "")
                    + (bandwidth > 0 ? "bandwidth " + bandwidth + " B/s " : "") + request.method() + " "
                    + request.url());
        }
        return new Real(c, status, dropAfter, bandwidth, rewrite, exchange);
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedIOException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, left / 1_000_000), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    /** A response made up by a fault; it never reached the server. */
    private record Synthetic(int status, String retryAfter) implements Response {
        @Override
        public String header(String name) {
            if (name.equalsIgnoreCase("Retry-After")) {
                return retryAfter;
            }
            if (name.equalsIgnoreCase("Content-Type")) {
                return "application/json";
            }
            return null;
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }
    }

    private final class Real implements Response {
        private final HttpURLConnection c;
        private final int status;
        private final long dropAfter;
        private final long bandwidth;
        private final java.util.function.UnaryOperator<byte[]> rewrite;
        private final Traffic.Exchange exchange;
        private InputStream body;

        Real(HttpURLConnection c, int status, long dropAfter, long bandwidth,
                java.util.function.UnaryOperator<byte[]> rewrite, Traffic.Exchange exchange) {
            this.c = c;
            this.status = status;
            this.dropAfter = dropAfter;
            this.bandwidth = bandwidth;
            this.rewrite = rewrite;
            this.exchange = exchange;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : c.getHeaderFields().entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        @Override
        public synchronized InputStream body() throws IOException {
            if (body == null) {
                InputStream raw = status >= 400 ? c.getErrorStream() : c.getInputStream();
                if (raw == null) {
                    raw = new ByteArrayInputStream(new byte[0]);
                }
                if (rewrite != null) {
                    try (InputStream in = raw) {
                        raw = new ByteArrayInputStream(rewrite.apply(in.readAllBytes()));
                    }
                }
                body = new FaultyBody(raw, dropAfter, bandwidth, exchange);
            }
            return body;
        }

        @Override
        public void close() {
            try {
                if (body != null) {
                    body.close();
                } else if (status < 400) {
                    c.getInputStream().close();
                }
            } catch (IOException ignored) {
                c.disconnect();
            }
            if (dropAfter >= 0) {
                c.disconnect();
            }
        }
    }

    /** The body with the process check, the drop and the bandwidth limit applied. */
    private final class FaultyBody extends FilterInputStream {
        private final long dropAfter;
        private final long bandwidth;
        private final long start = System.nanoTime();
        private final Traffic.Exchange exchange;
        private long read;

        FaultyBody(InputStream in, long dropAfter, long bandwidth, Traffic.Exchange exchange) {
            super(in);
            this.dropAfter = dropAfter;
            this.bandwidth = bandwidth;
            this.exchange = exchange;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            process.checkAlive();
            if (len == 0) {
                return 0;
            }
            if (dropAfter >= 0) {
                if (read >= dropAfter) {
                    throw new IOException("Connection reset (fault: dropped after " + dropAfter + " bytes)");
                }
                len = (int) Math.min(len, dropAfter - read);
            }
            if (bandwidth > 0) {
                len = (int) Math.min(len, Math.max(1, bandwidth / 10));
                long due = start + (read + len) * 1_000_000_000L / bandwidth;
                sleepUntil(due);
                process.checkAlive();
            }
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                exchange.read(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            int r = read(buf, 0, (int) Math.min(buf.length, n));
            return Math.max(0, r);
        }
    }
}
