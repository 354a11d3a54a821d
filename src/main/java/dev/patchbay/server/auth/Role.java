package dev.patchbay.server.auth;

import dev.patchbay.server.http.ApiError;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** An API key's role and the {@link Permission}s it grants (ADR 0095). Wire names: admin, publisher, viewer, device-admin. */
public enum Role {
    ADMIN("admin", EnumSet.allOf(Permission.class)),
    PUBLISHER("publisher", EnumSet.of(Permission.READ, Permission.PUBLISH)),
    VIEWER("viewer", EnumSet.of(Permission.READ)),
    DEVICE_ADMIN("device-admin", EnumSet.of(Permission.READ, Permission.DEVICE_ADMIN));

    private final String wire;
    private final Set<Permission> grants;

    Role(String wire, Set<Permission> grants) {
        this.wire = wire;
        this.grants = grants;
    }

    public String wire() {
        return wire;
    }

    public boolean grants(Permission p) {
        return grants.contains(p);
    }

    /** The role named {@code text}; a 400 on field {@code role} listing the valid names otherwise. */
    public static Role parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.wire.equals(t)) {
                return r;
            }
        }
        throw ApiError.validation("role", "Unknown role '" + text + "': use one of "
                + String.join(", ", Arrays.stream(values()).map(Role::wire).toList()));
    }

    /** The role of a stored key; an unknown stored value grants nothing more than read. */
    static Role ofStored(String text) {
        for (Role r : values()) {
            if (r.wire.equals(text)) {
                return r;
            }
        }
        return VIEWER;
    }
}
