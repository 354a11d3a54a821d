package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.server.http.ApiError;
import java.util.regex.Pattern;

/**
 * Strict reading of device request bodies: each problem is a 400 {@code invalid_field} naming the field. Unknown
 * fields are ignored (newer runtimes may send more).
 */
final class DeviceFields {
    static final Pattern DEVICE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");
    static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
    static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");
    static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+-]{1,128}");

    private DeviceFields() {
    }

    static JsonNode object(byte[] body) {
        JsonNode node = dev.patchbay.server.http.StrictJson.tree(body);
        if (!node.isObject()) {
            throw ApiError.badRequest("malformed_json", "The body must be a JSON object", null);
        }
        return node;
    }

    static ApiError invalid(String field, String message) {
        return ApiError.badRequest("invalid_field", message, field);
    }

    /** A string field; {@code null} if absent or null and not {@code required}. */
    static String text(JsonNode parent, String field, String path, boolean required, int maxLength, Pattern form) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(path, "Field '" + path + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(path, "Field '" + path + "' must be a string");
        }
        String s = v.textValue();
        if (s.length() > maxLength) {
            throw invalid(path, "Field '" + path + "' is longer than " + maxLength + " characters");
        }
        if (form != null && !form.matcher(s).matches()) {
            throw invalid(path, "Field '" + path + "' has the wrong format");
        }
        return s;
    }

    static Long integer(JsonNode parent, String field, boolean required) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(field, "Field '" + field + "' is required");
            }
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0
                || v.longValue() > 9_007_199_254_740_991L) {
            throw invalid(field, "Field '" + field + "' must be a whole number from 0 to 2^53-1");
        }
        return v.longValue();
    }

    static boolean bool(JsonNode parent, String field, boolean dflt) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw invalid(field, "Field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    static String appId(JsonNode body) {
        String appId = text(body, "appId", "appId", true, 128, null);
        try {
            return dev.patchbay.domain.Names.appId("appId", appId);
        } catch (dev.patchbay.domain.ValidationException e) {
            throw invalid("appId", e.getMessage());
        }
    }

    static String deviceId(JsonNode body) {
        String id = text(body, "deviceId", "deviceId", true, 36, null);
        if (!DEVICE_ID.matcher(id).matches()) {
            throw invalid("deviceId", "Field 'deviceId' must be a lower-case UUID");
        }
        return id;
    }

    static String platform(JsonNode body, boolean required) {
        String p = text(body, "platform", "platform", required, 16, null);
        if (p != null && !p.equals("android") && !p.equals("ios")) {
            throw invalid("platform", "Field 'platform' must be \"android\" or \"ios\"");
        }
        return p;
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
