package dev.patchbay.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Device platforms a channel can serve. */
public enum Platform {
    ANDROID, IOS;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Platform parse(String text) {
        if (text != null) {
            for (Platform p : values()) {
                if (p.wireName().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
        }
        throw new ValidationException("platform", "Unknown platform '" + text + "' (expected android or ios)");
    }
}
