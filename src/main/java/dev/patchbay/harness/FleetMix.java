package dev.patchbay.harness;

import dev.patchbay.domain.RolloutBucket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a {@link Fleet}'s devices are like: shares of platforms, native app versions, channels asked for, emulators
 * and development builds, and the bundles that fail on a share of the devices. Every choice is a pure function of
 * the fleet's {@code seed} and the device's serial (through its device id), so a rerun makes the same devices with
 * the same traits, and a bundle fails on the same devices every time.
 *
 * @param seed            makes the device ids ({@link #deviceId}); the same seed and serial give the same id
 * @param platforms       weights per platform ({@code android}, {@code ios}); empty: every device is Android
 * @param natives         weights per native version (the app's {@code versionName}); empty: the app package's
 * @param channels        percent of devices asking for each channel (the rest ask for none: the server's default);
 *                        shares add up to at most 100
 * @param emulatorPercent percent of devices that say they are emulators ({@code isEmulator})
 * @param devBuildPercent percent of devices running a development build ({@code isProduction} false)
 * @param failureRates    per bundle version, the fraction (0..1) of devices on which it fails
 * @param failure         how such a bundle fails ({@link SimulatedBehaviour#neverReady()} or
 *                        {@link SimulatedBehaviour#crashOnLoad()})
 * @param coldStartPercent percent of devices whose app is killed at the end of a round (swiped away, reclaimed), so
 *                        the next round is a cold start; the others go to the background and come back
 */
public record FleetMix(String seed, Map<String, Integer> platforms, Map<String, Integer> natives,
        Map<String, Integer> channels, int emulatorPercent, int devBuildPercent, Map<String, Double> failureRates,
        SimulatedBehaviour failure, int coldStartPercent) {

    public FleetMix {
        seed = seed == null || seed.isEmpty() ? "patchbay-fleet" : seed;
        platforms = ordered(platforms);
        natives = ordered(natives);
        channels = ordered(channels);
        failureRates = failureRates == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(failureRates));
        failure = failure == null ? SimulatedBehaviour.neverReady() : failure;
        for (String p : platforms.keySet()) {
            if (!p.equals("android") && !p.equals("ios")) {
                throw new IllegalArgumentException("platforms: a platform is android or ios, not " + p);
            }
        }
        checkWeights("platforms", platforms);
        checkWeights("native", natives);
        checkWeights("channel", channels);
        if (channels.values().stream().mapToInt(Integer::intValue).sum() > 100) {
            throw new IllegalArgumentException("channel: the shares add up to more than 100 %");
        }
        percent("emulators", emulatorPercent);
        percent("dev-builds", devBuildPercent);
        percent("cold-starts", coldStartPercent);
        for (Map.Entry<String, Double> e : failureRates.entrySet()) {
            if (e.getValue() == null || !(e.getValue() >= 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("failure-rate: the rate of " + e.getKey()
                        + " must be between 0 and 1 (or 0 % and 100 %), not " + e.getValue());
            }
        }
        if (failure.kind() == SimulatedBehaviour.Kind.READY) {
            throw new IllegalArgumentException("failure: a failing bundle never becomes ready or crashes");
        }
    }

    /** All devices alike: Android, the app's native version, no channel, no failures, a quarter cold-started. */
    public static FleetMix uniform() {
        return new FleetMix(null, Map.of(), Map.of(), Map.of(), 0, 0, Map.of(), null, 25);
    }

    public FleetMix withFailureRates(Map<String, Double> rates) {
        return new FleetMix(seed, platforms, natives, channels, emulatorPercent, devBuildPercent, rates, failure,
                coldStartPercent);
    }

    public FleetMix withSeed(String s) {
        return new FleetMix(s, platforms, natives, channels, emulatorPercent, devBuildPercent, failureRates, failure,
                coldStartPercent);
    }

    /**
     * One device's traits.
     *
     * @param channel the channel it asks for in every check (null: none, the server's default for its platform)
     * @param failing the bundle versions that fail on it
     */
    public record Profile(String serial, String deviceId, String platform, String osVersion, String nativeVersion,
            String channel, boolean emulator, boolean devBuild, Set<String> failing) {
    }

    /** The traits of the device {@code serial}; {@code appVersion} is the package's native version. */
    public Profile profile(String serial, String appVersion) {
        String id = deviceId(seed, serial);
        String platform = pick("platform", id, platforms, "android");
        String os = platform.equals("ios") ? "17.5" : "14";
        String nativeVersion = pick("native", id, natives, appVersion);
        String channel = null;
        int u = bucket("channel", id);
        int at = 0;
        for (Map.Entry<String, Integer> e : channels.entrySet()) {
            at += e.getValue() * 100;
            if (u < at) {
                channel = e.getKey();
                break;
            }
        }
        Set<String> failing = new TreeSet<>();
        failureRates.forEach((bundle, rate) -> {
            if (fails(id, bundle, rate)) {
                failing.add(bundle);
            }
        });
        return new Profile(serial, id, platform, os, nativeVersion, channel,
                bucket("emulator", id) < emulatorPercent * 100, bucket("dev-build", id) < devBuildPercent * 100,
                Collections.unmodifiableSet(failing));
    }

    /** Whether bundle {@code version} fails on the device {@code deviceId} at {@code rate} (0..1). */
    public static boolean fails(String deviceId, String version, double rate) {
        return RolloutBucket.of("failure:" + version, deviceId) < Math.round(rate * RolloutBucket.FULL);
    }

    /** Whether the device's app is killed at the end of {@code round} (the next round is a cold start). */
    boolean killedAfter(String deviceId, int round) {
        return bucket("cold-start:" + round, deviceId) < coldStartPercent * 100;
    }

    /** A lower-case UUID (version 4 layout) made from the seed and the serial. */
    public static String deviceId(String seed, String serial) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest((seed + ":" + serial).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        d[6] = (byte) ((d[6] & 0x0f) | 0x40);
        d[8] = (byte) ((d[8] & 0x3f) | 0x80);
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            h.append(String.format(Locale.ROOT, "%02x", d[i]));
        }
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20, 32);
    }

    /**
     * Parses {@code a=70,b=25,c=5} into weights (non-negative integers) in the given order; {@code field} names the
     * option in errors.
     */
    public static Map<String, Integer> weights(String field, String spec) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.lastIndexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException(field + ": expected NAME=WEIGHT, not '" + p + "'");
            }
            String name = p.substring(0, eq).trim();
            String w = p.substring(eq + 1).trim();
            if (w.endsWith("%")) {
                w = w.substring(0, w.length() - 1).trim();
            }
            int v;
            try {
                v = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + ": the weight of " + name + " must be a whole number, not '"
                        + w + "'");
            }
            if (v < 0) {
                throw new IllegalArgumentException(field + ": the weight of " + name + " cannot be negative");
            }
            if (out.put(name, v) != null) {
                throw new IllegalArgumentException(field + ": " + name + " is given twice");
            }
        }
        return out;
    }

    /** Parses {@code 1.5.0=0.2} or {@code 1.5.0=20%} into (version, fraction); {@code field} names the option. */
    public static Map.Entry<String, Double> rate(String field, String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(field + ": expected BUNDLE=RATE (0.2 or 20%), not '" + spec + "'");
        }
        String version = spec.substring(0, eq).trim();
        String r = spec.substring(eq + 1).trim();
        double v;
        try {
            v = r.endsWith("%") ? Double.parseDouble(r.substring(0, r.length() - 1).trim()) / 100
                    : Double.parseDouble(r);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": the rate of " + version + " must be a number like 0.2 or "
                    + "20%, not '" + r + "'");
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(field + ": the rate of " + version + " must be between 0 and 1 "
                    + "(0 % and 100 %), not '" + r + "'");
        }
        return Map.entry(version, v);
    }

    private int bucket(String what, String deviceId) {
        return RolloutBucket.of(seed + ":" + what, deviceId);
    }

    private String pick(String what, String deviceId, Map<String, Integer> weights, String otherwise) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return otherwise;
        }
        long u = bucket(what, deviceId);
        long at = 0;
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            at += (long) e.getValue() * RolloutBucket.FULL;
            if (u * total < at) {
                return e.getKey();
            }
        }
        return otherwise;
    }

    private static Map<String, Integer> ordered(Map<String, Integer> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private static void checkWeights(String field, Map<String, Integer> weights) {
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            Objects.requireNonNull(e.getValue(), field);
            if (e.getValue() < 0) {
                throw new IllegalArgumentException(field + ": the weight of " + e.getKey() + " cannot be negative");
            }
        }
        if (!weights.isEmpty() && weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException(field + ": the weights add up to 0");
        }
    }

    private static void percent(String field, int v) {
        if (v < 0 || v > 100) {
            throw new IllegalArgumentException(field + ": a share is 0..100 %, not " + v);
        }
    }
}
