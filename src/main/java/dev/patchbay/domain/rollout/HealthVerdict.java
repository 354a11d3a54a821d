package dev.patchbay.domain.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.patchbay.domain.ValidationException;
import java.util.Locale;

/** The health policy's reading of a window: too few attempts to say, healthy, or failing. */
public enum HealthVerdict {
    INSUFFICIENT, HEALTHY, FAILING;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static HealthVerdict parse(String text) {
        if (text != null) {
            for (HealthVerdict v : values()) {
                if (v.wireName().equalsIgnoreCase(text.trim())) {
                    return v;
                }
            }
        }
        throw new ValidationException("verdict",
                "Unknown health verdict '" + text + "' (expected insufficient, healthy or failing)");
    }
}
