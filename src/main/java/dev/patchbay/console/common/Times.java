package dev.patchbay.console.common;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the console writes times (ADR 0106): in the local time zone everywhere — "14:05:09" today, "2026-11-21 14:05"
 * otherwise — with the UTC instant where it can be copied or hovered ({@link #utc}, {@link #withUtc}). Instants inside
 * server text (audit details, reasons) are rewritten to local time by {@link #local(String)}.
 */
public final class Times {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** An ISO-8601 instant in UTC as the server writes it: 2026-12-07T16:05:09Z, 2026-12-07T16:05:09.123456Z. */
    private static final Pattern ISO_UTC = Pattern.compile(
            "\\b\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?Z\\b");

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

    /** The UTC instant, ISO-8601 to the second: the form for tooltips and copied text. */
    public static String utc(Instant instant) {
        return instant == null ? "" : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** Local date and time to the second, then the UTC instant: "2026-12-07 17:05:09 (2026-12-07T16:05:09Z)". */
    public static String withUtc(Instant instant) {
        return withUtc(instant, ZoneId.systemDefault());
    }

    static String withUtc(Instant instant, ZoneId zone) {
        return instant == null ? "never" : FULL.format(instant.atZone(zone)) + " (" + utc(instant) + ")";
    }

    /** {@code text} with each ISO-8601 UTC instant in it written as local date and time ("2026-12-07 17:05:09"). */
    public static String local(String text) {
        return local(text, ZoneId.systemDefault(), false);
    }

    /** As {@link #local(String)}, each followed by its UTC form in parentheses (for text that is read and copied). */
    public static String localWithUtc(String text) {
        return local(text, ZoneId.systemDefault(), true);
    }

    static String local(String text, ZoneId zone, boolean keepUtc) {
        if (text == null || text.indexOf('T') < 0) {
            return text;
        }
        Matcher m = ISO_UTC.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            try {
                Instant i = Instant.parse(m.group().length() == 17 ? m.group().replace("Z", ":00Z") : m.group());
                replacement = FULL.format(i.atZone(zone)) + (keepUtc ? " (" + m.group() + ")" : "");
            } catch (DateTimeParseException e) {
                replacement = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
