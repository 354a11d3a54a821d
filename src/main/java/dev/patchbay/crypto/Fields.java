package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** Strict field readers for the signed formats; every error names the field ("release.createdAt"). */
final class Fields {
    static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");
    static final int MAX_VERSION_LENGTH = 128;

    private Fields() {
    }

    static JsonNode object(JsonNode parent, String name, String where) {
        JsonNode n = parent == null ? null : parent.get(name);
        if (n == null || !n.isObject()) {
            throw new CryptoException(where + "." + name + " is missing or not an object");
        }
        return n;
    }

    static JsonNode array(JsonNode parent, String name, String where) {
        JsonNode n = parent.get(name);
        if (n == null || !n.isArray()) {
            throw new CryptoException(where + "." + name + " is missing or not an array");
        }
        return n;
    }

    static String text(JsonNode parent, String name, String where) {
        JsonNode n = parent.get(name);
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new CryptoException(where + "." + name + " is missing or not a string");
        }
        return n.textValue();
    }

    /** A string or JSON null (returned as null); a missing field is an error. */
    static String nullableText(JsonNode parent, String name, String where) {
        JsonNode n = parent.get(name);
        if (n != null && n.isNull()) {
            return null;
        }
        return text(parent, name, where);
    }

    /**
     * The version of a format field that may be one of {@code known} (version i + 1 is {@code known[i]}); anything
     * else is refused, naming what this Patchbay reads.
     */
    static int formatVersion(JsonNode parent, String where, String... known) {
        String value = text(parent, "format", where);
        for (int i = 0; i < known.length; i++) {
            if (known[i].equals(value)) {
                return i + 1;
            }
        }
        throw new CryptoException(where + ".format is \"" + value + "\"; this Patchbay reads "
                + String.join(" and ", known) + " (a newer Patchbay made it?)");
    }

    static String expect(JsonNode parent, String name, String expected, String where) {
        String value = text(parent, name, where);
        if (!value.equals(expected)) {
            throw new CryptoException(where + "." + name + " is \"" + value + "\"; only \"" + expected
                    + "\" is supported");
        }
        return value;
    }

    static long integer(JsonNode parent, String name, long min, String where) {
        JsonNode n = parent.get(name);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new CryptoException(where + "." + name + " is missing or not an integer");
        }
        long v = n.longValue();
        if (v < min || v > CanonicalJson.MAX_SAFE_INTEGER) {
            throw new CryptoException(where + "." + name + " is out of range (" + v + ")");
        }
        return v;
    }

    static Instant instant(JsonNode parent, String name, String where) {
        String s = text(parent, name, where);
        try {
            if (!s.endsWith("Z")) {
                throw new DateTimeParseException("not UTC", s, 0);
            }
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new CryptoException(where + "." + name + " is not an ISO-8601 UTC instant (\"" + s + "\")");
        }
    }

    static String hex(JsonNode parent, String name, int chars, String where) {
        String s = text(parent, name, where);
        if (!Codec.isHex(s, chars)) {
            throw new CryptoException(where + "." + name + " must be " + chars + " lowercase hex characters");
        }
        return s;
    }

    static String semver(String value, String where) {
        if (value != null && (value.length() > MAX_VERSION_LENGTH || !SEMVER.matcher(value).matches())) {
            throw new CryptoException(where + " is not a semantic version (\"" + value + "\")");
        }
        return value;
    }

    /** Instants as written into the formats: UTC, whole seconds. */
    static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
