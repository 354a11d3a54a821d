package dev.patchbay.console.common;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** How the console writes times: "14:05:09" today, "2026-11-21 14:05" otherwise. */
public final class Times {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Times() {
    }

    public static String format(Instant instant) {
        return format(instant, ZoneId.systemDefault(), Instant.now());
    }

    static String format(Instant instant, ZoneId zone, Instant now) {
        if (instant == null) {
            return "never";
        }
        ZonedDateTime t = instant.atZone(zone);
        return t.toLocalDate().equals(LocalDate.ofInstant(now, zone)) ? TIME.format(t) : DATE_TIME.format(t);
    }
}
