package dev.patchbay.cli;

import dev.patchbay.domain.Platform;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.stream.Collectors;

/** Formatting shared by the human-readable outputs. */
final class Text {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Text() {
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    static String platforms(Set<Platform> platforms) {
        return platforms.isEmpty() ? "-" : platforms.stream().map(Platform::wireName).sorted().collect(Collectors.joining(","));
    }

    /** Bytes for people: "812 B", "4.1 kB", "12.3 MB" (SI units, like the MB/s of progress). */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Seconds as m:ss, or h:mm:ss from an hour. */
    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(java.util.Locale.ROOT, "%d:%02d", m, s);
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
