package dev.patchbay.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one way request bodies become JSON trees (ADR 0092): one document and nothing after it, no byte-order mark, no
 * duplicate field, and no NUL or unpaired surrogate in any string or field name (they would be stored and shown).
 * Failures are 400s whose message names the problem and never an internal class.
 */
public final class StrictJson {
    /** Depth past which a body is refused rather than walked (a deep array is an attack, not a request). */
    static final int MAX_DEPTH = 64;
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*");

    private StrictJson() {
    }

    /** Parses {@code body} strictly; {@code null} never (an empty body is a 400 {@code missing_body}). */
    public static JsonNode tree(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("missing_body", "This request needs a JSON body", null);
        }
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
            throw ApiError.badRequest("malformed_json", "The body starts with a byte-order mark; send plain UTF-8 JSON",
                    null);
        }
        JsonNode node;
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            node = Json.mapper().readTree(p);
            if (node != null && p.nextToken() != null) {
                throw ApiError.badRequest("malformed_json", "The body holds data after its JSON document", null);
            }
        } catch (JsonParseException e) {
            throw ApiError.badRequest("malformed_json", "The body is not valid JSON: " + clean(e.getOriginalMessage()),
                    null);
        } catch (IOException e) {
            throw ApiError.badRequest("malformed_json", "The body is not valid JSON", null);
        }
        if (node == null || node.isMissingNode()) {
            throw ApiError.badRequest("malformed_json", "The body is not valid JSON", null);
        }
        check(node, "", 0);
        return node;
    }

    private static void check(JsonNode node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw ApiError.badRequest("malformed_json", "The body nests deeper than " + MAX_DEPTH + " levels", null);
        }
        if (node.isTextual()) {
            text(node.textValue(), path.isEmpty() ? null : path);
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                text(f.getKey(), path.isEmpty() ? "(a field name)" : path + " (a field name)");
                check(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]", depth + 1);
            }
        }
    }

    private static void text(String s, String field) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String problem = null;
            if (c == 0) {
                problem = "a NUL character";
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    problem = "an unpaired surrogate";
                }
            } else if (Character.isLowSurrogate(c)) {
                problem = "an unpaired surrogate";
            }
            if (problem != null) {
                String where = field == null ? "A string" : "Field '" + field + "'";
                throw ApiError.badRequest("invalid_text", where + " contains " + problem + "; text must be valid"
                        + " Unicode without NUL", field);
            }
        }
    }

    /** A parser or binder message without the Java class names it may carry. */
    public static String clean(String message) {
        if (message == null) {
            return "";
        }
        String m = CLASS_NAME.matcher(message).replaceAll("the request");
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
