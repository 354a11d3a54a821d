package dev.patchbay.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which devices a staged rollout reaches: a pure function of (rollout id, device id), so the answer is the same on
 * every server instance and after every restart. A device's bucket is the first 4 bytes of
 * SHA-256(rolloutId ":" deviceId), unsigned, mod 10,000; it is selected when its bucket is below the rollout's
 * percentage in basis points. Raising the percentage therefore only adds devices, and lowering it removes exactly
 * the ones the last raises added.
 */
public final class RolloutBucket {
    /** 100 % in basis points. */
    public static final int FULL = 10_000;

    private RolloutBucket() {
    }

    /** One digest per thread: the bucket is computed on every update check of a channel with a rollout. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    });

    /** The device's bucket in [0, 10000). */
    public static int of(String rolloutId, String deviceId) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(rolloutId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) ':');
        sha.update(deviceId.getBytes(StandardCharsets.UTF_8));
        byte[] d = sha.digest();
        long v = ((d[0] & 0xffL) << 24) | ((d[1] & 0xffL) << 16) | ((d[2] & 0xffL) << 8) | (d[3] & 0xffL);
        return (int) (v % FULL);
    }

    /** Whether the rollout at {@code basisPoints} (0..10000) reaches the device. */
    public static boolean selected(String rolloutId, String deviceId, int basisPoints) {
        if (basisPoints < 0 || basisPoints > FULL) {
            throw new IllegalArgumentException("A rollout percentage is 0..10000 basis points, not " + basisPoints);
        }
        return of(rolloutId, deviceId) < basisPoints;
    }
}
