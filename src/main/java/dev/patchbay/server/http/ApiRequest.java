package dev.patchbay.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.stream.Collectors;

/** One request as a handler sees it: method, path parameters, query, the (size-capped) body and who sent it. */
public final class ApiRequest {
    /**
     * Pseudo-header for {@link #header}: the client's IP address as the server sees it (no HTTP header can have this
     * name), for per-address throttling of open routes.
     */
    public static final String CLIENT_ADDRESS = ":client-address";
    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;
    private final byte[] body;
    private final Principal principal;
    private final java.util.function.Function<String, String> headers;
    private final InputStream stream;
    private final long declaredLength;

    public ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                      byte[] body, Principal principal) {
        this(method, path, pathParams, query, body, principal, h -> null, null, body.length);
    }

    public ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                      byte[] body, Principal principal, java.util.function.Function<String, String> headers,
                      InputStream stream, long declaredLength) {
        this.method = method;
        this.path = path;
        this.pathParams = pathParams;
        this.query = query;
        this.body = body;
        this.principal = principal;
        this.headers = headers;
        this.stream = stream;
        this.declaredLength = declaredLength;
    }

    /** A request header, or {@code null}. */
    public String header(String name) {
        return headers.apply(name);
    }

    /** The body as a stream, on streaming routes only ({@code null} elsewhere). */
    public InputStream bodyStream() {
        return stream;
    }

    /** The Content-Length of the body, or -1 if not given (chunked). */
    public long declaredLength() {
        return declaredLength;
    }

    /** The raw (capped) body bytes, for bodies that are checked byte-exactly (signed documents). */
    public byte[] rawBody() {
        if (body.length == 0) {
            throw ApiError.badRequest("missing_body", "This request needs a JSON body", null);
        }
        return body;
    }

    /** What {@link #bodySplit} answers: the top-level field (absent = {@code null}, JSON null = a NullNode) and the rest. */
    public record Split<T>(com.fasterxml.jackson.databind.JsonNode field, T rest) {
    }

    /**
     * Reads the body strictly as {@code type} except for the top-level field {@code name}, which is returned as a
     * JSON node so a caller can tell an absent field ("keep") from an explicit {@code null} ("clear").
     */
    public <T> Split<T> bodySplit(Class<T> type, String name) {
        if (body.length == 0) {
            throw ApiError.badRequest("missing_body", "This request needs a JSON body", null);
        }
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("malformed_json", "The body is not valid JSON", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.badRequest("malformed_json", "The body must be a JSON object", null);
        }
        com.fasterxml.jackson.databind.JsonNode field = ((com.fasterxml.jackson.databind.node.ObjectNode) tree).remove(name);
        try {
            return new Split<>(field, read(Json.mapper().writeValueAsBytes(tree), type));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiError.badRequest("malformed_json", "The body cannot be read as JSON", null);
        }
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        return query.get(name);
    }

    public Principal principal() {
        return principal;
    }

    /**
     * Reads the body as {@code type}, strictly: unknown fields, wrong types and malformed JSON are 400s that name the
     * field, so a typo in a request never passes silently.
     */
    public <T> T body(Class<T> type) {
        if (body.length == 0) {
            throw ApiError.badRequest("missing_body", "This request needs a JSON body", null);
        }
        return read(body, type);
    }

    private static <T> T read(byte[] body, Class<T> type) {
        ObjectReader reader = Json.mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            T value = reader.readValue(body);
            if (value == null) {
                throw ApiError.badRequest("malformed_json", "The body must be a JSON object, not null", null);
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiError.badRequest("unknown_field", "Unknown field '" + e.getPropertyName() + "'", fieldPath(e));
        } catch (JsonParseException e) {
            throw ApiError.badRequest("malformed_json", "The body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (MismatchedInputException e) {
            String field = fieldPath(e);
            if (field == null) {
                throw ApiError.badRequest("malformed_json", "The body must be a JSON object", null);
            }
            throw ApiError.badRequest("invalid_field", "Field '" + field + "' has the wrong type or format", field);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof ValidationException v) {
                String field = fieldPath(e);
                // A nested record names its own field more precisely ("plan" -> "plan.stages").
                boolean finer = field != null && v.field() != null && v.field().startsWith(field + ".");
                throw ApiError.validation(field == null || finer ? v.field() : field, v.getMessage());
            }
            String field = fieldPath(e);
            throw ApiError.badRequest("invalid_field",
                    field == null ? "The body cannot be read: " + e.getOriginalMessage()
                            : "Field '" + field + "' is invalid: " + e.getOriginalMessage(), field);
        } catch (IOException e) {
            throw ApiError.badRequest("malformed_json", "The body cannot be read as JSON", null);
        }
    }

    private static String fieldPath(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? null : path;
    }
}
