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

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
