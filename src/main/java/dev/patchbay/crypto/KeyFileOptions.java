package dev.patchbay.crypto;

/** How key files are written: the scrypt cost (N = 2^logN, r = 8, p = 1). Tests use {@link #FAST}. */
public record KeyFileOptions(int logN) {
    public static final int MIN_LOG_N = 15;
    public static final int MAX_LOG_N = 20;
    /** The default of bundle-format §2: logN 17 (128 MiB, ~0.3–0.5 s). */
    public static final KeyFileOptions DEFAULT = new KeyFileOptions(17);
    /** The lowest cost a key file may have; for tests. */
    public static final KeyFileOptions FAST = new KeyFileOptions(MIN_LOG_N);

    public KeyFileOptions {
        if (logN < MIN_LOG_N || logN > MAX_LOG_N) {
            throw new IllegalArgumentException("logN must be " + MIN_LOG_N + ".." + MAX_LOG_N);
        }
    }
}
