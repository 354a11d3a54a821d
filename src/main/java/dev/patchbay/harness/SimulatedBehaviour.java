package dev.patchbay.harness;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * SIMULATED: what a bundle's JavaScript would do in a headless device, which has no WebView and runs no JS. Given
 * per version to the device, or read from the bundle's own {@code index.html}:
 * {@code <meta name="patchbay-simulated" content="ready-after=200">} ({@code never-ready}, {@code crash}).
 * Used for fleets; scenarios that depend on real JS use the real WebView.
 */
public record SimulatedBehaviour(Kind kind, Duration readyAfter) {
    public enum Kind {
        /** Calls notifyAppReady after {@code readyAfter}. */
        READY,
        /** Never calls notifyAppReady. */
        NEVER_READY,
        /** The page crashes the app as it loads. */
        CRASH_ON_LOAD
    }

    public static final String META = "patchbay-simulated";

    public SimulatedBehaviour {
        Objects.requireNonNull(kind);
        readyAfter = readyAfter == null ? Duration.ZERO : readyAfter;
    }

    public static SimulatedBehaviour readyAfter(Duration d) {
        return new SimulatedBehaviour(Kind.READY, d);
    }

    public static SimulatedBehaviour neverReady() {
        return new SimulatedBehaviour(Kind.NEVER_READY, null);
    }

    public static SimulatedBehaviour crashOnLoad() {
        return new SimulatedBehaviour(Kind.CRASH_ON_LOAD, null);
    }

    /** {@code ready-after=200} (ms), {@code ready}, {@code never-ready}, {@code crash}. */
    public static SimulatedBehaviour parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("ready")) {
            return readyAfter(Duration.ZERO);
        }
        if (t.startsWith("ready-after=")) {
            return readyAfter(Duration.ofMillis(Long.parseLong(t.substring("ready-after=".length()).trim())));
        }
        if (t.equals("never-ready")) {
            return neverReady();
        }
        if (t.equals("crash") || t.equals("crash-on-load")) {
            return crashOnLoad();
        }
        throw new IllegalArgumentException("Unknown simulated behaviour " + s);
    }

    /** The behaviour a bundle's index.html declares in its meta tag, or null. */
    static SimulatedBehaviour fromHtml(String html) {
        var m = java.util.regex.Pattern.compile(
                "<meta\\s+name=\"" + META + "\"\\s+content=\"([^\"]*)\"", java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(html);
        return m.find() ? parse(m.group(1)) : null;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case READY -> "ready-after=" + readyAfter.toMillis();
            case NEVER_READY -> "never-ready";
            case CRASH_ON_LOAD -> "crash";
        };
    }
}
