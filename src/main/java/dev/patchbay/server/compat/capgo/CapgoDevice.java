package dev.patchbay.server.compat.capgo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.SemVer;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.server.devices.DeviceDecisions;
import dev.patchbay.server.http.ApiError;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The device info object the reference plugin sends with every call (Android {@code CapgoUpdater.createInfoObject},
 * iOS {@code InfoObject}): snake_case fields, {@code device_id} lower-cased, {@code version_name} {@code builtin} for
 * the native assets, {@code version_build} the native version (coerced: {@code 1.2} = {@code 1.2.0}). Bad input is a
 * 400 {@code {error, message}} that names the field, which the plugin reports as a failed check.
 */
record CapgoDevice(String appId, String deviceId, String platform, String versionName, String versionBuild,
                   SemVer nativeSemVer, String versionCode, String versionOs, String pluginVersion, boolean isEmulator,
                   boolean isProduction, String customId, String defaultChannel, String keyId) {
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+_-]{1,128}");
    static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");

    static JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            throw bad("invalid_json_body", "The body must be the plugin's JSON device info", null);
        }
        try {
            JsonNode n = Json.mapper().readTree(body);
            if (n == null) {
                throw bad("invalid_json_body", "The body is empty", null);
            }
            return n;
        } catch (IOException e) {
            throw bad("invalid_json_body", "The body is not valid JSON", null);
        }
    }

    /** The info object of an update check or channel call; {@code version_name} is required for checks only. */
    static CapgoDevice parse(JsonNode b, boolean needVersionName) {
        if (b == null || !b.isObject()) {
            throw bad("invalid_json_body", "The body must be a JSON object", null);
        }
        String appId = text(b, "app_id", true, 128, null);
        try {
            appId = Names.appId("app_id", appId);
        } catch (ValidationException e) {
            throw bad("invalid_app_id", "Field 'app_id' is not a reverse-domain app id: " + e.getMessage(), "app_id");
        }
        String deviceId = text(b, "device_id", true, 36, null).toLowerCase(Locale.ROOT);
        if (!UUID.matcher(deviceId).matches()) {
            throw bad("invalid_device_id", "Field 'device_id' must be a UUID", "device_id");
        }
        String platform = text(b, "platform", true, 16, null);
        if (!platform.equals("android") && !platform.equals("ios")) {
            throw bad("unsupported_platform", "Patchbay serves android and ios, not '" + cut(platform) + "'",
                    "platform");
        }
        String versionName = text(b, "version_name", needVersionName, 128, VERSION);
        String versionBuild = text(b, "version_build", true, 64, PRINTABLE);
        SemVer nativeV = SemVer.parse(versionBuild);
        if (nativeV == null) {
            throw bad("semver_error", "Field 'version_build' must be a version such as 1.4.0 (or 1.4), not \""
                    + cut(versionBuild) + "\"", "version_build");
        }
        String versionCode = text(b, "version_code", false, 32, PRINTABLE);
        String versionOs = text(b, "version_os", false, 64, PRINTABLE);
        String pluginVersion = text(b, "plugin_version", false, 40, PRINTABLE);
        boolean emulator = bool(b, "is_emulator", false);
        boolean prod = bool(b, "is_prod", true);
        String customId = blank(text(b, "custom_id", false, 128, PRINTABLE));
        String channel = blank(text(b, "defaultChannel", false, 64, null));
        if (channel != null && !CHANNEL.matcher(channel).matches()) {
            throw bad("invalid_channel", "Field 'defaultChannel' is not a channel name", "defaultChannel");
        }
        String keyId = blank(text(b, "key_id", false, 20, PRINTABLE));
        return new CapgoDevice(appId, deviceId, platform, versionName, versionBuild, nativeV, versionCode, versionOs,
                pluginVersion, emulator, prod, customId, channel, keyId);
    }

    /** The info object sent as query parameters ({@code GET|DELETE channel_self}): every value is a string. */
    static ObjectNode fromQuery(Map<String, String> query) {
        ObjectNode n = Json.mapper().createObjectNode();
        query.forEach((k, v) -> {
            if (k.equals("is_emulator") || k.equals("is_prod")) {
                n.put(k, Boolean.parseBoolean(v));
            } else {
                n.put(k, v);
            }
        });
        return n;
    }

    /** The bundle the device runs, in Patchbay's terms: a version, or {@code builtin} for the native assets. */
    String currentBundle() {
        return versionName == null || versionName.equals("builtin") ? "builtin" : versionName;
    }

    /** The plugin and its version, for the device page's runtime column. */
    String runtime() {
        return "capacitor-updater" + (pluginVersion == null || pluginVersion.isBlank() ? "" : " " + pluginVersion);
    }

    DeviceDecisions.Device asDevice(String currentBundle) {
        Long build = null;
        if (versionCode != null && versionCode.matches("[0-9]{1,15}")) {
            build = Long.parseLong(versionCode);
        }
        return new DeviceDecisions.Device(appId, deviceId, customId, platform, versionOs, versionBuild, nativeSemVer,
                build, runtime(), currentBundle, defaultChannel, isEmulator, isProduction);
    }

    static String text(JsonNode parent, String field, boolean required, int max, Pattern form) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty() && required)) {
            if (required) {
                throw bad("missing_" + field.toLowerCase(Locale.ROOT), "Field '" + field + "' is required", field);
            }
            return null;
        }
        String s = v.isValueNode() ? v.asText() : null;
        if (s == null) {
            throw bad("invalid_" + field.toLowerCase(Locale.ROOT), "Field '" + field + "' must be a string", field);
        }
        if (s.length() > max || (form != null && !form.matcher(s).matches())) {
            throw bad("invalid_" + field.toLowerCase(Locale.ROOT), "Field '" + field + "' is too long or has the"
                    + " wrong format", field);
        }
        return s;
    }

    static boolean bool(JsonNode parent, String field, boolean dflt) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
            return Boolean.parseBoolean(v.textValue());
        }
        throw bad("invalid_" + field, "Field '" + field + "' must be true or false", field);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64);
    }

    static ApiError bad(String code, String message, String field) {
        return ApiError.badRequest(code, message, field);
    }
}
