package dev.patchbay.server.compat.capgo;

import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Overload and probing limits of the compat routes, in the plugin's terms: a {@code 429} with {@code Retry-After}
 * (which the plugin honours by pausing its checks, channel calls and stats flushes, capped at 24 h) when too many
 * requests run at once, and for a client address that keeps asking about app ids this server does not serve.
 */
final class CapgoGate {
    static final int RETRY_AFTER_SECONDS = 2;
    /** Unknown-app answers per client address and minute before that address gets 429s. */
    static final int UNKNOWN_PER_MINUTE = 30;
    static final long WINDOW_MILLIS = 60_000;

    private final Semaphore checks;
    private final Semaphore stats;
    private final LongSupplier clock;
    private final Map<String, long[]> unknown = new ConcurrentHashMap<>();

    CapgoGate(int checkConcurrency, int statsConcurrency, LongSupplier clock) {
        this.checks = new Semaphore(checkConcurrency);
        this.stats = new Semaphore(statsConcurrency);
        this.clock = clock;
    }

    Semaphore checks() {
        return checks;
    }

    Semaphore stats() {
        return stats;
    }

    /** The 429 of an overloaded server. */
    static ApiResponse busy() {
        return tooMany("too_many_requests", "The server is busy; retry after " + RETRY_AFTER_SECONDS + " s",
                RETRY_AFTER_SECONDS);
    }

    static ApiResponse tooMany(String error, String message, long seconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        body.put("kind", "failed");
        body.put("moreInfo", Map.of("retryAfterSeconds", seconds));
        return new ApiResponse(429, body, Map.of("Retry-After", String.valueOf(seconds)));
    }

    /**
     * Counts an unknown-app request of the client; the 429 to answer once the address asked too often this minute,
     * else {@code null}.
     */
    ApiResponse unknownApp(ApiRequest r) {
        String address = r.header(ApiRequest.CLIENT_ADDRESS);
        String key = address == null ? "?" : address;
        long now = clock.getAsLong();
        if (unknown.size() > 100_000) {
            unknown.clear();
        }
        long[] window = unknown.compute(key, (k, w) -> w == null || now - w[0] >= WINDOW_MILLIS
                ? new long[] {now, 1} : new long[] {w[0], w[1] + 1});
        if (window[1] <= UNKNOWN_PER_MINUTE) {
            return null;
        }
        long seconds = Math.max(1, (window[0] + WINDOW_MILLIS - now + 999) / 1000);
        return tooMany("too_many_unknown_app_requests", "Too many requests for apps this server does not serve"
                + " from this address; retry after " + seconds + " s", seconds);
    }
}
