package dev.patchbay.domain;

import java.util.regex.Pattern;

/** The naming rules for apps and channels, in one place for the server, the client, the CLI and the console. */
public final class Names {
    public static final int APP_ID_MAX = 128;
    public static final int APP_NAME_MAX = 100;
    public static final int CHANNEL_NAME_MAX = 64;
    public static final int DESCRIPTION_MAX = 500;

    private static final Pattern APP_ID =
            Pattern.compile("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*)+");
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Names() {
    }

    /** A reverse-domain id such as {@code com.example.shop}, as Capacitor's {@code appId}. */
    public static String appId(String value) {
        return appId("id", value);
    }

    public static String appId(String field, String value) {
        String v = required(field, value, "App id");
        if (v.length() > APP_ID_MAX) {
            throw new ValidationException(field, "App id is longer than " + APP_ID_MAX + " characters");
        }
        if (!APP_ID.matcher(v).matches()) {
            throw new ValidationException(field, "App id '" + v
                    + "' is not a reverse-domain id such as com.example.shop (letters, digits, '_' or '-', dot-separated, each part starting with a letter)");
        }
        return v;
    }

    public static String appName(String value) {
        return text("name", value, "App name", APP_NAME_MAX, true);
    }

    public static String channelName(String value) {
        return channelName("name", value);
    }

    public static String channelName(String field, String value) {
        String v = required(field, value, "Channel name");
        if (v.length() > CHANNEL_NAME_MAX) {
            throw new ValidationException(field, "Channel name is longer than " + CHANNEL_NAME_MAX + " characters");
        }
        if (!CHANNEL.matcher(v).matches()) {
            throw new ValidationException(field, "Channel name '" + v
                    + "' may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit");
        }
        return v;
    }

    public static String description(String value) {
        return value == null ? "" : text("description", value, "Description", DESCRIPTION_MAX, false);
    }

    private static String required(String field, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, what + " is required");
        }
        return value.trim();
    }

    private static String text(String field, String value, String what, int max, boolean required) {
        String v = required ? required(field, value, what) : value.trim();
        if (v.length() > max) {
            throw new ValidationException(field, what + " is longer than " + max + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new ValidationException(field, what + " contains a control character");
            }
        }
        return v;
    }
}
