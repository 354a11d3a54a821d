package dev.patchbay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * How {@link PatchbayClient} talks to a server: the HTTP clients, URLs under {@code /api/v1}, the key and actor
 * headers, JSON bodies, answers read up to a cap, and HTTP errors mapped to typed {@link ApiException}s.
 */
final class ApiTransport {
    /** Largest API response body read; a server that sends more is lying or broken. */
    static final long MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    static final OkHttpClient SHARED = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(30))
            .writeTimeout(Duration.ofSeconds(30))
            .callTimeout(Duration.ofSeconds(60))
            .retryOnConnectionFailure(true)
            .build();

    final HttpUrl baseUrl;
    final String apiKey;
    final OkHttpClient http;
    /** For blob uploads: no overall call deadline (a piece on a slow link), but reads and writes must progress. */
    final OkHttpClient uploads;
    final ObjectMapper json = Json.mapper();
    /** The person acting through the key (header {@code X-Patchbay-Actor}), or null. */
    final String actor;

    ApiTransport(HttpUrl baseUrl, String apiKey, OkHttpClient http, String actor) {
        this.actor = actor;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
        this.uploads = http.newBuilder().callTimeout(Duration.ZERO).retryOnConnectionFailure(false).readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60)).build();
    }

    String baseUrl() {
        String s = baseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    HttpUrl url(String... segments) {
        HttpUrl.Builder b = baseUrl.newBuilder();
        for (String s : PatchbayClient.API_PREFIX.split("/")) {
            b.addPathSegment(s);
        }
        for (String s : segments) {
            b.addPathSegment(Objects.requireNonNull(s));
        }
        return b.build();
    }

    Request get(HttpUrl url) {
        return authorized(new Request.Builder().url(url).get()).build();
    }

    Request send(String method, HttpUrl url, Object body) {
        RequestBody rb = null;
        if (body != null) {
            try {
                rb = RequestBody.create(json.writeValueAsBytes(body), JSON);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot encode request body", e);
            }
        }
        return authorized(new Request.Builder().url(url).method(method, rb)).build();
    }

    Request.Builder authorized(Request.Builder b) {
        b.header("Accept", "application/json");
        if (actor != null) {
            b.header(PatchbayClient.ACTOR_HEADER, actor);
        }
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    <T> T call(Request request, JavaType type, OkHttpClient client, Consumer<Call> track) {
        Call call = client.newCall(request);
        track.accept(call);
        try (Response response = call.execute()) {
            byte[] body = readCapped(response.body());
            if (!response.isSuccessful()) {
                throw errorFrom(response.code(), body);
            }
            if (type == null) {
                return null;
            }
            if (body.length == 0) {
                throw new ServerErrorException(response.code(), "bad_response", "Server sent an empty answer to "
                        + request.method() + " " + request.url().encodedPath());
            }
            try {
                return json.readValue(body, type);
            } catch (IOException e) {
                throw new ServerErrorException(response.code(), "bad_response", "Server sent an answer this client cannot read ("
                        + request.method() + " " + request.url().encodedPath() + "): " + rootMessage(e));
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    ServerUnreachableException unreachable(IOException e) {
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new ServerUnreachableException("Cannot reach the server at " + baseUrl() + " (" + rootMessage(e) + ")", e);
        }
        if (e instanceof InterruptedIOException) {
            return new ServerUnreachableException("The server at " + baseUrl() + " did not answer in time", e);
        }
        return new ServerUnreachableException("Connection to " + baseUrl() + " failed: " + rootMessage(e), e);
    }

    static byte[] readCapped(ResponseBody body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= MAX_RESPONSE_BYTES) {
            if (source.read(buffer, 64 * 1024) == -1) {
                return buffer.readByteArray();
            }
        }
        throw new ServerErrorException(200, "bad_response", "Server answer exceeds " + (MAX_RESPONSE_BYTES >> 20) + " MiB");
    }

    ApiException errorFrom(int status, byte[] body) {
        String code = "http_" + status;
        String message = null;
        String field = null;
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                code = node.path("error").asText(code);
                message = node.hasNonNull("message") ? node.get("message").asText() : null;
                field = node.hasNonNull("field") ? node.get("field").asText() : null;
            }
        } catch (IOException notJson) {
            // A proxy or a foreign server: fall back to the status line.
        }
        if (message == null || message.isBlank()) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
            message = "Server answered HTTP " + status + (text.isEmpty() || text.startsWith("<") ? "" : ": " + text);
        }
        return switch (status) {
            case 401, 403 -> new UnauthorizedException(status, code, message);
            case 404 -> new NotFoundException(status, code, message);
            case 409 -> new ConflictException(status, code, message);
            case 400, 413, 415, 422 -> new ValidationFailedException(status, code, message, field);
            default -> new ServerErrorException(status, code, message);
        };
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
