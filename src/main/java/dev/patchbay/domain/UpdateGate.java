package dev.patchbay.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How far a channel's bundle may move away from the device's native version (device-protocol §3): {@code none} lets
 * any bundle through; {@code major} blocks a bundle whose major version differs from the native one; {@code minor}
 * also a different minor; {@code patch} anything but the native major.minor.patch.
 */
public enum UpdateGate {
    NONE, MAJOR, MINOR, PATCH;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static UpdateGate parse(String text) {
        if (text != null) {
            for (UpdateGate g : values()) {
                if (g.wireName().equalsIgnoreCase(text.trim())) {
                    return g;
                }
            }
        }
        throw new ValidationException("updateGate",
                "Unknown update gate '" + text + "' (expected none, major, minor or patch)");
    }
}
