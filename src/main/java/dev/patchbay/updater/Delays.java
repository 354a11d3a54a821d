package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.SemVer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Delay conditions as stored ({@code delays} → {@code [{"kind", "value"}]}) and when each clears by itself. */
final class Delays {
    private Delays() {
    }

    /** The stored conditions; unreadable ones hold nothing back. */
    static List<DelayCondition> parse(String stored) {
        List<DelayCondition> out = new ArrayList<>();
        if (stored == null) {
            return out;
        }
        try {
            for (JsonNode n : Json.mapper().readTree(stored)) {
                out.add(new DelayCondition(DelayCondition.Kind.of(n.path("kind").asText()),
                        n.hasNonNull("value") ? n.get("value").asText() : null));
            }
        } catch (IOException | RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    static String json(List<DelayCondition> list) {
        ArrayNode a = Json.mapper().createArrayNode();
        for (DelayCondition d : list) {
            ObjectNode n = a.addObject().put("kind", d.kind().wire());
            if (d.value() == null) {
                n.putNull("value");
            } else {
                n.put("value", d.value());
            }
        }
        return a.toString();
    }

    /** Refuses a condition that could never be evaluated, naming it. */
    static void validate(DelayCondition d) {
        try {
            switch (d.kind()) {
                case BACKGROUND -> backgroundMillis(d);
                case DATE -> Instant.parse(d.value());
                case NATIVE_VERSION -> {
                    if (SemVer.parseStrict(d.value()) == null) {
                        throw new IllegalArgumentException("not a semver version");
                    }
                }
                default -> {
                }
            }
        } catch (RuntimeException e) {
            throw new UpdaterException("invalid_delay", "Delay condition " + d.kind().wire() + " \"" + d.value()
                    + "\" is invalid: " + e.getMessage());
        }
    }

    static long backgroundMillis(DelayCondition d) {
        return d.value() == null || d.value().isEmpty() ? 0 : Long.parseLong(d.value());
    }

    /** Date (device clock, as the reference) and native version conditions clear by themselves. */
    static boolean satisfied(DelayCondition d, Instant now, String nativeVersion) {
        try {
            return switch (d.kind()) {
                case DATE -> now.isAfter(Instant.parse(d.value()));
                case NATIVE_VERSION -> SemVer.compareStrict(nativeVersion, d.value()) >= 0;
                default -> false;
            };
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return true; // unparsable conditions are dropped (capgo-protocol §5.7)
        }
    }
}
