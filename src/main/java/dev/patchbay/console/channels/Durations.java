package dev.patchbay.console.channels;

import dev.patchbay.domain.ValidationException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Soak times, windows and cooldowns as the rollout forms show and read them: 3600 ⇄ "1h"; "90" is 90 s. */
final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)?");

    private Durations() {
    }

    static long parse(String text, String field) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new ValidationException(field, "'" + (text == null ? "" : text.trim())
                    + "' is not a duration (e.g. 90s, 30m, 1h, 2d; a bare number is seconds)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86_400;
            default -> n;
        };
    }

    /** For reading, not typing: 86307 → "23 h 58 min", 90 → "1 min 30 s", 45 → "45 s", 183600 → "2 d 3 h". */
    static String human(long seconds) {
        long s = Math.max(0, seconds);
        long d = s / 86_400;
        long h = s % 86_400 / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (d > 0) {
            return d + " d" + (h > 0 ? " " + h + " h" : "");
        }
        if (h > 0) {
            return h + " h" + (m > 0 ? " " + m + " min" : "");
        }
        if (m > 0) {
            return m + " min" + (sec > 0 ? " " + sec + " s" : "");
        }
        return sec + " s";
    }

    /** 86400 → "1d", 3600 → "1h", 900 → "15m", 0 → "0s", 61 → "61s". */
    static String text(long seconds) {
        if (seconds > 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds > 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
