package dev.patchbay.console.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.patchbay.client.DeviceEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A device's timeline in plain words: one sentence per event (device-protocol §5) or check answer, the kind of
 * event (the view picks an icon for it), and how the console writes the times of the device detail.
 */
public final class DeviceEventText {
    /** What an event is about; the view shows an icon per kind. */
    public enum Kind { CHECK, DOWNLOAD, INSTALLED, FAILURE, ROLLBACK, LIFECYCLE, CHANNEL, OTHER }

    private static final DateTimeFormatter ABSOLUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private DeviceEventText() {
    }

    public static Kind kind(String action) {
        return switch (action == null ? "" : action) {
            case "update_check", "check", "update_available", "rate_limited" -> Kind.CHECK;
            case "download_start", "download_progress", "download_complete", "set_next", "set" -> Kind.DOWNLOAD;
            case "app_ready" -> Kind.INSTALLED;
            case "download_fail", "verify_fail", "freshness_fail", "disk_full" -> Kind.FAILURE;
            case "rollback", "reset" -> Kind.ROLLBACK;
            case "app_launch", "foreground", "background", "native_changed" -> Kind.LIFECYCLE;
            case "channel_set" -> Kind.CHANNEL;
            default -> Kind.OTHER;
        };
    }

    /** One sentence for the event: "Downloaded 40 % of 1.5.0", "Rolled back from 1.5.0 to 1.4.0 because …". */
    public static String sentence(DeviceEvent e) {
        JsonNode d = e.details() == null ? NullNode.getInstance() : e.details();
        String b = bundle(e.bundle());
        String reason = text(d, "reason");
        return switch (e.action() == null ? "" : e.action()) {
            case "update_check" -> checkSentence(e, d);
            case "check" -> "Checked for updates: " + orElse(text(d, "outcome"), "no answer")
                    + (text(d, "error") == null ? "" : " (" + text(d, "error") + ")");
            case "update_available" -> "Update available: " + b;
            case "download_start" -> "Started downloading " + b;
            case "download_progress" -> text(d, "percent") == null ? "Downloading " + b
                    : "Downloaded " + text(d, "percent") + " % of " + b;
            case "download_complete" -> "Downloaded " + b + " completely";
            case "download_fail" -> "Download of " + b + " failed" + because(reason);
            case "verify_fail" -> "Verification failed for " + b + because(reason);
            case "freshness_fail" -> "The server's answer was refused as not fresh" + because(reason);
            case "disk_full" -> "Disk full while storing " + b + because(reason);
            case "set_next" -> b + " will be used at the next start";
            case "set" -> "Switched to " + b + (e.oldBundle() == null ? "" : " from " + bundle(e.oldBundle()));
            case "app_ready" -> "Installed " + b + ": the app called notifyAppReady";
            case "rollback" -> "Rolled back from " + b + " to " + bundle(orElse(text(d, "to"), e.oldBundle()))
                    + (reason == null ? "" : " because " + reason);
            case "reset" -> "Reset to " + b + (reason == null ? "" : " because of " + reason.replace('_', ' '));
            case "delete" -> "Deleted " + b + " from the device";
            case "native_changed" -> "Native app changed (build " + orElse(text(d, "from"), "?") + " → "
                    + orElse(text(d, "to"), "?") + ")";
            case "app_launch" -> "App started on " + b;
            case "foreground" -> "App came to the foreground";
            case "background" -> "App went to the background";
            case "delay_set" -> "Update delayed until " + orElse(text(d, "conditions"), "conditions are met");
            case "delay_cancel" -> "Update delay cancelled";
            case "channel_set" -> "Asked for channel " + orElse(text(d, "channel"), "(none: the default)");
            case "rate_limited" -> "The server asked the device to slow down";
            case "stats_dropped" -> "Dropped " + orElse(text(d, "count"), "some") + " events (the device's queue was full)";
            default -> e.action() + (e.bundle() == null ? "" : " " + b);
        };
    }

    /** "Update check: offered 1.5.0 (channel production, default); rollout 10.00 %, bucket 4211: not selected". */
    private static String checkSentence(DeviceEvent e, JsonNode d) {
        String outcome = orElse(text(d, "outcome"), "");
        String error = text(d, "error");
        String what = switch (outcome) {
            case "update" -> "offered " + bundle(e.bundle());
            case "builtin" -> "told to go back to the builtin assets";
            case "up_to_date" -> "up to date" + paren(error);
            case "blocked" -> "blocked" + paren(error);
            case "failed" -> "failed" + paren(error);
            default -> outcome.isEmpty() ? "answered" : outcome + paren(error);
        };
        StringBuilder s = new StringBuilder("Update check: ").append(what);
        String channel = text(d, "channel");
        if (channel != null) {
            s.append(" (channel ").append(channel);
            String source = text(d, "channelSource");
            if (source != null) {
                s.append(", ").append(source);
            }
            s.append(')');
        } else {
            s.append(" (no channel)");
        }
        String channelReason = text(d, "channelReason");
        if (channelReason != null) {
            s.append("; ").append(channelReason);
        }
        JsonNode r = d.path("rollout");
        if (r.isObject()) {
            s.append("; rollout ").append(percent(r.path("bps").asInt())).append(", bucket ")
                    .append(r.path("bucket").asInt()).append(r.path("selected").asBoolean() ? ": selected" : ": not selected");
            String state = text(r, "state");
            if (state != null && !state.equals("running")) {
                s.append(" (").append(state.replace('_', ' ')).append(')');
            }
        }
        return s.toString();
    }

    /** A percentage in basis points as the console writes it: 1000 → "10.00 %". */
    public static String percent(int bps) {
        return String.format(Locale.ROOT, "%.2f %%", bps / 100.0);
    }

    /** "builtin" reads as "the builtin assets". */
    public static String bundle(String b) {
        return b == null ? "an unknown bundle" : b.equals("builtin") ? "the builtin assets" : b;
    }

    /** "3 min ago", "just now", "in 2 min" (a clock ahead of ours). */
    public static String relative(Instant t, Instant now) {
        if (t == null) {
            return "never";
        }
        long s = Duration.between(t, now).getSeconds();
        boolean future = s < 0;
        long a = Math.abs(s);
        if (a < 10) {
            return "just now";
        }
        String amount = a < 60 ? a + " s" : a < 3600 ? a / 60 + " min" : a < 86_400 ? a / 3600 + " h" : a / 86_400 + " d";
        return future ? "in " + amount : amount + " ago";
    }

    /** "2026-11-22 21:40:12" in the console's time zone. */
    public static String absolute(Instant t, ZoneId zone) {
        return t == null ? "–" : ABSOLUTE.format(t.atZone(zone));
    }

    /** A device clock time (ISO-8601 with offset) in the console's zone; as sent if it cannot be read. */
    public static String deviceTime(String at, ZoneId zone) {
        if (at == null || at.isBlank()) {
            return "–";
        }
        try {
            return ABSOLUTE.format(OffsetDateTime.parse(at).atZoneSameInstant(zone));
        } catch (DateTimeParseException e) {
            return at;
        }
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isEmpty() ? null : v.asText();
    }

    private static String because(String reason) {
        return reason == null ? "" : ": " + reason;
    }

    private static String paren(String s) {
        return s == null ? "" : " (" + s.replace('_', ' ') + ")";
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }
}
