package dev.patchbay.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Network faults of one emulated device, changeable at run time (the next request sees the change). Each fault but
 * {@link #offline} and {@link #latency} is a rule that matches URLs containing a text (null = every URL, e.g.
 * {@code "/blobs/"} or {@code "/updates"}) and applies a number of times (-1 = until cleared).
 */
public final class NetworkFaults {
    /** What a rule does to a matching request. */
    public enum Kind {
        /** The answer's body drops (connection reset) after {@code bytes} body bytes. */
        DROP_AFTER,
        /** The server answers {@code status} (5xx, 429) with {@code Retry-After} if set; the request never leaves. */
        STATUS,
        /** No answer: the request blocks until its timeout and fails with a read timeout. */
        HANG,
        /** The body arrives at {@code bytes} bytes per second (a drip-feed when small). */
        BANDWIDTH,
        /** The request's {@code Range} header is dropped on the way (a proxy without range support). */
        IGNORE_RANGE,
        /** The answer's body is rewritten on the way (a man in the middle, a bit flip). */
        TAMPER
    }

    /** One fault rule. {@code remaining} counts down on each use; -1 never runs out. */
    public static final class Rule {
        final Kind kind;
        final String urlContains;
        final long bytes;
        final int status;
        final Duration retryAfter;
        final java.util.function.UnaryOperator<byte[]> rewrite;
        int remaining;

        Rule(Kind kind, String urlContains, long bytes, int status, Duration retryAfter, int times) {
            this(kind, urlContains, bytes, status, retryAfter, null, times);
        }

        Rule(Kind kind, String urlContains, long bytes, int status, Duration retryAfter,
                java.util.function.UnaryOperator<byte[]> rewrite, int times) {
            this.rewrite = rewrite;
            this.kind = kind;
            this.urlContains = urlContains;
            this.bytes = bytes;
            this.status = status;
            this.retryAfter = retryAfter;
            this.remaining = times;
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case DROP_AFTER -> "drop after " + bytes + " body bytes";
                case STATUS -> "answer " + status
                        + (retryAfter == null ? "" : " Retry-After " + retryAfter.toSeconds());
                case HANG -> "hang";
                case BANDWIDTH -> "bandwidth " + bytes + " B/s";
                case IGNORE_RANGE -> "ignore Range";
                case TAMPER -> "tamper with the body";
            };
            return what + (urlContains == null ? "" : " on *" + urlContains + "*")
                    + (remaining < 0 ? "" : " (" + remaining + "x)");
        }
    }

    private volatile boolean offline;
    private volatile Duration latency = Duration.ZERO;
    private final List<Rule> rules = new ArrayList<>();

    /** Airplane mode: every request fails at once as an unreachable network. */
    public NetworkFaults offline(boolean on) {
        offline = on;
        return this;
    }

    public boolean offline() {
        return offline;
    }

    /** Added before each request (and counted against its timeout). */
    public NetworkFaults latency(Duration d) {
        latency = Objects.requireNonNull(d);
        return this;
    }

    public Duration latency() {
        return latency;
    }

    /** The connection of each matching answer drops after {@code bytes} body bytes. */
    public NetworkFaults dropAfter(long bytes, String urlContains, int times) {
        return add(new Rule(Kind.DROP_AFTER, urlContains, bytes, 0, null, times));
    }

    /** Matching requests are answered with {@code status} (and {@code Retry-After} if not null), body {@code {}}. */
    public NetworkFaults status(int status, Duration retryAfter, String urlContains, int times) {
        return add(new Rule(Kind.STATUS, urlContains, 0, status, retryAfter, times));
    }

    /** Matching requests get no answer until their timeout. */
    public NetworkFaults hang(String urlContains, int times) {
        return add(new Rule(Kind.HANG, urlContains, 0, 0, null, times));
    }

    /** Matching answers arrive at {@code bytesPerSecond}. */
    public NetworkFaults bandwidth(long bytesPerSecond, String urlContains, int times) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive");
        }
        return add(new Rule(Kind.BANDWIDTH, urlContains, bytesPerSecond, 0, null, times));
    }

    /** Matching requests lose their {@code Range} header: the server answers the whole body (200). */
    public NetworkFaults ignoreRange(String urlContains, int times) {
        return add(new Rule(Kind.IGNORE_RANGE, urlContains, 0, 0, null, times));
    }

    /** The body of matching answers (status 200/206) is replaced by {@code rewrite(body)}. */
    public NetworkFaults tamper(String urlContains, java.util.function.UnaryOperator<byte[]> rewrite, int times) {
        return add(new Rule(Kind.TAMPER, urlContains, 0, 0, null, java.util.Objects.requireNonNull(rewrite), times));
    }

    /** Removes every rule, latency and offline. */
    public synchronized NetworkFaults clear() {
        rules.clear();
        offline = false;
        latency = Duration.ZERO;
        return this;
    }

    public synchronized List<String> describe() {
        List<String> out = new ArrayList<>();
        if (offline) {
            out.add("offline");
        }
        if (!latency.isZero()) {
            out.add("latency " + latency.toMillis() + " ms");
        }
        rules.forEach(r -> out.add(r.toString()));
        return out;
    }

    private synchronized NetworkFaults add(Rule r) {
        rules.add(r);
        return this;
    }

    /** The rules that apply to a request for {@code url}, each used up once. */
    synchronized List<Rule> take(String url) {
        List<Rule> out = new ArrayList<>();
        for (var it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.urlContains != null && !url.contains(r.urlContains)) {
                continue;
            }
            out.add(r);
            if (r.remaining > 0 && --r.remaining == 0) {
                it.remove();
            }
        }
        return out;
    }
}
