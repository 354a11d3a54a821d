package dev.patchbay.crypto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON bytes of a Jackson tree (what is signed or used as AAD): UTF-8, object keys sorted by code point, no
 * insignificant whitespace, integers only (floats are refused), strings escaped minimally as RFC 8785 (JCS) does.
 */
public final class CanonicalJson {
    /** Largest integer JSON numbers can carry exactly in every implementation (2^53 - 1). */
    static final long MAX_SAFE_INTEGER = 9007199254740991L;

    private CanonicalJson() {
    }

    /** The canonical bytes of {@code node}; {@link CryptoException} on floats, huge integers or lone surrogates. */
    public static byte[] bytes(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out, "$");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Canonical text, for tests and debugging. */
    public static String string(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    /**
     * Parses JSON strictly for verification: duplicate keys are refused (they would let two readers see different
     * values), and so is anything after the value.
     */
    public static JsonNode parse(byte[] json, String what) {
        try (JsonParser parser = Json.mapper().getFactory().createParser(json)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode node = Json.mapper().readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw new CryptoException(what + " is empty");
            }
            if (parser.nextToken() != null) {
                throw new CryptoException(what + " has data after the JSON value");
            }
            return node;
        } catch (IOException e) {
            throw new CryptoException(what + " is not valid JSON: " + firstLine(e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void write(JsonNode node, StringBuilder out, String where) {
        switch (node.getNodeType()) {
            case NULL -> out.append("null");
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NUMBER -> {
                if (!node.isIntegralNumber() || !node.canConvertToLong()
                        || Math.abs(node.longValue()) > MAX_SAFE_INTEGER) {
                    throw new CryptoException("JSON at " + where + " is not an integer (" + node
                            + "); only integers up to 2^53 are allowed in signed data");
                }
                out.append(node.longValue());
            }
            case STRING -> string(node.textValue(), out, where);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out, where + "[" + i + "]");
                }
                out.append(']');
            }
            case OBJECT -> {
                List<String> names = new ArrayList<>();
                Iterator<String> it = node.fieldNames();
                it.forEachRemaining(names::add);
                names.sort(CanonicalJson::compareCodePoints);
                out.append('{');
                boolean first = true;
                for (String name : names) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(name, out, where);
                    out.append(':');
                    write(node.get(name), out, where + "." + name);
                }
                out.append('}');
            }
            default -> throw new CryptoException("JSON at " + where + " has an unsupported value type");
        }
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static void string(String s, StringBuilder out, String where) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                            throw new CryptoException("JSON string at " + where + " has a lone surrogate");
                        }
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isLowSurrogate(c)) {
                        throw new CryptoException("JSON string at " + where + " has a lone surrogate");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A new empty object node of the shared mapper. */
    public static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }
}
