package dev.patchbay.domain.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.patchbay.domain.ValidationException;
import java.util.Locale;

/** Where a rollout stands (docs/rollouts.md §1). Running and paused are active; the other two have ended. */
public enum RolloutState {
    RUNNING, PAUSED, COMPLETED, ROLLED_BACK;

    public boolean active() {
        return this == RUNNING || this == PAUSED;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RolloutState parse(String text) {
        if (text != null) {
            for (RolloutState s : values()) {
                if (s.wireName().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new ValidationException("state",
                "Unknown rollout state '" + text + "' (expected running, paused, completed or rolled_back)");
    }
}
