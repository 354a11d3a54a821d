package dev.patchbay.updater;

import dev.patchbay.updater.port.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Requests to the update server with the retry policy of device-protocol §8: a 429 (honouring
 * {@code Retry-After}), a 5xx, a timeout or a dropped connection is retried up to {@code maxRetries} times after
 * {@code retryBaseDelay × 2^n} with ±50 % jitter (capped at 10 minutes), waiting on the platform clock, never on the
 * caller's thread. Anything else fails at once. Nothing is retried after the runtime stopped.
 */
final class Http {
    static final Duration MAX_DELAY = Duration.ofMinutes(10);

    /** A failure worth trying again; {@code retryAfter} is the server's hint or null. */
    static class Retryable extends IOException {
        final Duration retryAfter;
        final int status;

        Retryable(String message, int status, Duration retryAfter) {
            super(message);
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    /** A failure that another attempt would not fix (4xx, deadline, length cap). */
    static class Final extends IOException {
        final int status;

        Final(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    interface Call<T> {
        T call() throws Exception;
    }

    private final HttpTransport transport;
    private final UpdaterConfig config;
    private final Jobs jobs;
    private final SecureRandom random = new SecureRandom();

    Http(HttpTransport transport, UpdaterConfig config, Jobs jobs) {
        this.transport = transport;
        this.config = config;
        this.jobs = jobs;
    }

    String url(String path) {
        return config.serverUrl() + path;
    }

    /** One POST of JSON; the body of a 200, else {@link Retryable} or {@link Final}. */
    byte[] postJson(String path, byte[] body, long maxBytes) throws IOException {
        HttpTransport.Request req = new HttpTransport.Request("POST", url(path),
                Map.of("Content-Type", "application/json", "Accept", "application/json"), body,
                config.responseTimeout());
        try (HttpTransport.Response resp = send(req)) {
            check(resp, path);
            try (InputStream in = resp.body()) {
                return BundleFiles.readAll(in, maxBytes);
            }
        }
    }

    HttpTransport.Response send(HttpTransport.Request req) throws IOException {
        try {
            return transport.send(req);
        } catch (Final | Retryable e) {
            throw e;
        } catch (IOException e) {
            throw new Retryable(req.method() + " " + req.url() + " failed: " + e.getMessage(), 0, null);
        }
    }

    /** Throws unless the status is 2xx. */
    static void check(HttpTransport.Response resp, String what) throws IOException {
        int s = resp.status();
        if (s >= 200 && s < 300) {
            return;
        }
        if (s == 429 || s == 408 || s >= 500) {
            throw new Retryable(what + " answered HTTP " + s, s, retryAfter(resp.header("Retry-After")));
        }
        throw new Final(what + " answered HTTP " + s, s);
    }

    private static Duration retryAfter(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Runs {@code call} as a background job, retried per the policy; completes with its result or last failure. */
    <T> CompletableFuture<T> retrying(Call<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        attempt(f, call, 0);
        return f;
    }

    private <T> void attempt(CompletableFuture<T> f, Call<T> call, int n) {
        if (jobs.stopped()) {
            f.completeExceptionally(new IOException("the updater stopped"));
            return;
        }
        jobs.run(() -> {
            try {
                f.complete(call.call());
            } catch (Retryable e) {
                if (n >= config.maxRetries() || jobs.stopped()) {
                    f.completeExceptionally(e);
                } else {
                    jobs.schedule(delay(n, e.retryAfter), () -> attempt(f, call, n + 1));
                }
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        if (jobs.stopped() && !f.isDone()) {
            f.completeExceptionally(new IOException("the updater stopped"));
        }
    }

    /** Delay before retry {@code n + 1}: base × 2^n with ±50 % jitter, at least the server's Retry-After. */
    Duration delay(int n, Duration retryAfter) {
        long base = config.retryBaseDelay().toMillis() << Math.min(n, 20);
        long jittered = (long) (base * (0.5 + random.nextDouble()));
        long ms = Math.max(jittered, retryAfter == null ? 0 : retryAfter.toMillis());
        return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
    }

    /** A random delay in [d/2, 3d/2) for rescheduled work. */
    Duration jitter(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * (0.5 + random.nextDouble())));
    }

    SecureRandom random() {
        return random;
    }
}
