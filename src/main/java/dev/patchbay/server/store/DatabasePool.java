package dev.patchbay.server.store;

import java.time.Duration;

/**
 * The connection pool of one server instance on a database server (ADR 0110, ADR 0118).
 *
 * @param size    most connections this instance opens (the database must allow this many per instance, plus its other
 *                clients)
 * @param timeout how long a TCP connect, or a request waiting for a free pooled connection, may take before it fails
 *                (then the request is answered 503 and the storage episode of ADR 0091 starts)
 */
public record DatabasePool(int size, Duration timeout) {
    public static final int MIN_SIZE = 4;
    public static final int MAX_SIZE = 500;
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    /** After the bounds: the constructor checks against them. */
    public static final DatabasePool DEFAULT = new DatabasePool(20, Duration.ofSeconds(5));

    public DatabasePool {
        // At least 4: the cluster thread, a held blob lock and the writes they wait for each take one.
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("the pool size must be between " + MIN_SIZE + " and " + MAX_SIZE
                    + ", not " + size);
        }
        if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the timeout must be between 1 s and 5 min, not " + timeout);
        }
    }

    /** For the start-up line: {@code pool 20, timeout 5 s}. */
    public String describe() {
        return "pool " + size + ", timeout " + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s"
                : timeout.toMillis() + " ms");
    }

    /** The timeout in whole seconds, at least 1 (the drivers' unit). */
    int timeoutSeconds() {
        return (int) Math.max(1, timeout.toSeconds());
    }
}
