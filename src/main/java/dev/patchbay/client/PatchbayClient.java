package dev.patchbay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.ValidationException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * The remote API client: the only way the console and the CLI reach a Patchbay server (the Local sandbox included).
 * Calls block; run them off the FX thread. Thread-safe.
 */
public final class PatchbayClient {
    public static final String API_PREFIX = "api/v1";
    /** Largest API response body read; a server that sends more is lying or broken. */
    static final long MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final OkHttpClient SHARED = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(30))
            .writeTimeout(Duration.ofSeconds(30))
            .callTimeout(Duration.ofSeconds(60))
            .retryOnConnectionFailure(true)
            .build();

    private final HttpUrl baseUrl;
    private final String apiKey;
    private final OkHttpClient http;
    private final ObjectMapper json = Json.mapper();

    private PatchbayClient(HttpUrl baseUrl, String apiKey, OkHttpClient http) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
    }

    /**
     * @param baseUrl server address such as {@code http://127.0.0.1:7300} or {@code https://updates.example.com}
     * @param apiKey  the API key sent as a bearer token; may be blank for calls that need none
     * @throws ValidationException if the address is not an http(s) URL
     */
    public static PatchbayClient connect(String baseUrl, String apiKey) {
        return new PatchbayClient(parseBaseUrl(baseUrl), apiKey == null ? "" : apiKey.trim(), SHARED);
    }

    /** The same client with other timeouts (a quick reachability probe, say). */
    public PatchbayClient withTimeouts(Duration connect, Duration call) {
        OkHttpClient tuned = http.newBuilder().connectTimeout(connect).callTimeout(call).build();
        return new PatchbayClient(baseUrl, apiKey, tuned);
    }

    public static HttpUrl parseBaseUrl(String text) {
        if (text == null || text.isBlank()) {
            throw new ValidationException("url", "Server URL is required");
        }
        HttpUrl url = HttpUrl.parse(text.trim());
        if (url == null) {
            throw new ValidationException("url", "Server URL '" + text.trim() + "' is not an http:// or https:// address");
        }
        return url;
    }

    public String baseUrl() {
        String s = baseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // ---- server -------------------------------------------------------------------------------------------------

    public ServerInfo health() {
        return call(get(url("health")), type(ServerInfo.class));
    }

    /** The key this client sends, as the server knows it; {@link UnauthorizedException} if it does not. */
    public KeyInfo whoami() {
        return call(get(url("me")), type(KeyInfo.class));
    }

    // ---- apps ---------------------------------------------------------------------------------------------------

    public List<App> listApps() {
        return items(call(get(url("apps")), Items.class), App.class);
    }

    public App getApp(String appId) {
        return call(get(url("apps", appId)), type(App.class));
    }

    public App createApp(String appId, String name) {
        return call(send("POST", url("apps"), Map.of("id", nz(appId), "name", nz(name))), type(App.class));
    }

    public App renameApp(String appId, String name) {
        return call(send("PATCH", url("apps", appId), Map.of("name", nz(name))), type(App.class));
    }

    public void deleteApp(String appId) {
        call(send("DELETE", url("apps", appId), null), (JavaType) null);
    }

    // ---- channels -----------------------------------------------------------------------------------------------

    public List<Channel> listChannels(String appId) {
        return items(call(get(url("apps", appId, "channels")), Items.class), Channel.class);
    }

    public Channel getChannel(String appId, String channel) {
        return call(get(url("apps", appId, "channels", channel)), type(Channel.class));
    }

    public Channel createChannel(String appId, ChannelDraft draft) {
        return call(send("POST", url("apps", appId, "channels"), draft), type(Channel.class));
    }

    /** Changes only the fields set in {@code changes}; its name, if set, must equal {@code channel}. */
    public Channel updateChannel(String appId, String channel, ChannelDraft changes) {
        return call(send("PATCH", url("apps", appId, "channels", channel), changes), type(Channel.class));
    }

    public void deleteChannel(String appId, String channel) {
        call(send("DELETE", url("apps", appId, "channels", channel), null), (JavaType) null);
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private record Items(List<JsonNode> items) {
    }

    private <T> List<T> items(Items page, Class<T> type) {
        if (page == null || page.items() == null) {
            throw new ServerErrorException(200, "bad_response", "Server answered without an 'items' list");
        }
        try {
            JavaType t = json.getTypeFactory().constructType(type);
            return page.items().stream().map(n -> json.<T>convertValue(n, t)).toList();
        } catch (IllegalArgumentException e) {
            throw new ServerErrorException(200, "bad_response", "Server sent a list this client cannot read: " + rootMessage(e));
        }
    }

    private JavaType type(Class<?> c) {
        return json.getTypeFactory().constructType(c);
    }

    private HttpUrl url(String... segments) {
        HttpUrl.Builder b = baseUrl.newBuilder();
        for (String s : API_PREFIX.split("/")) {
            b.addPathSegment(s);
        }
        for (String s : segments) {
            b.addPathSegment(Objects.requireNonNull(s));
        }
        return b.build();
    }

    private Request get(HttpUrl url) {
        return authorized(new Request.Builder().url(url).get()).build();
    }

    private Request send(String method, HttpUrl url, Object body) {
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

    private Request.Builder authorized(Request.Builder b) {
        b.header("Accept", "application/json");
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private <T> T call(Request request, Class<T> type) {
        return call(request, type(type));
    }

    private <T> T call(Request request, JavaType type) {
        try (Response response = http.newCall(request).execute()) {
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
        } catch (ConnectException | UnknownHostException e) {
            throw new ServerUnreachableException("Cannot reach the server at " + baseUrl() + " (" + rootMessage(e) + ")", e);
        } catch (InterruptedIOException e) {
            throw new ServerUnreachableException("The server at " + baseUrl() + " did not answer in time", e);
        } catch (IOException e) {
            throw new ServerUnreachableException("Connection to " + baseUrl() + " failed: " + rootMessage(e), e);
        }
    }

    private static byte[] readCapped(ResponseBody body) throws IOException {
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

    private ApiException errorFrom(int status, byte[] body) {
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

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
