package dev.patchbay.domain.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.patchbay.domain.ValidationException;
import java.util.Locale;

/** What a failing health policy does (docs/rollouts.md §4). */
public enum HealthAction {
    PAUSE, ROLLBACK, NOTIFY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static HealthAction parse(String text) {
        if (text != null) {
            for (HealthAction a : values()) {
                if (a.wireName().equalsIgnoreCase(text.trim())) {
                    return a;
                }
            }
        }
        throw new ValidationException("health.action",
                "Unknown health action '" + text + "' (expected pause, rollback or notify)");
    }
}
