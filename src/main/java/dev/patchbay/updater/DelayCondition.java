package dev.patchbay.updater;

import java.util.Locale;
import java.util.Objects;

/**
 * A condition that holds back the install of a queued bundle (capgo-protocol §5.7); all must be cleared first.
 * Values: {@link Kind#BACKGROUND} milliseconds the app must spend in background ("0" if null), {@link Kind#KILL}
 * none, {@link Kind#DATE} an ISO-8601 instant compared with the device clock, {@link Kind#NATIVE_VERSION} a semver
 * the native version must reach.
 */
public record DelayCondition(Kind kind, String value) {
    public enum Kind {
        BACKGROUND("background"), KILL("kill"), DATE("date"), NATIVE_VERSION("nativeVersion");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Kind of(String wire) {
            for (Kind k : values()) {
                if (k.wire.toLowerCase(Locale.ROOT).equals(String.valueOf(wire).toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("delay condition kind \"" + wire + "\" is not one of background, "
                    + "kill, date, nativeVersion");
        }
    }

    public DelayCondition {
        Objects.requireNonNull(kind, "kind");
    }

    public static DelayCondition background(long millis) {
        return new DelayCondition(Kind.BACKGROUND, Long.toString(millis));
    }

    public static DelayCondition kill() {
        return new DelayCondition(Kind.KILL, null);
    }

    public static DelayCondition date(java.time.Instant after) {
        return new DelayCondition(Kind.DATE, after.toString());
    }

    public static DelayCondition nativeVersion(String atLeast) {
        return new DelayCondition(Kind.NATIVE_VERSION, atLeast);
    }
}
