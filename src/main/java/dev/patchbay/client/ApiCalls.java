package dev.patchbay.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The calls of one area of the API ({@link PatchbayClient}, {@link RolloutCalls}, {@link BlobDownloads},
 * {@link UploadSteps}) over one shared {@link ApiTransport}: short names to build requests and read answers.
 */
abstract class ApiCalls {
    final ApiTransport transport;
    final ObjectMapper json;

    ApiCalls(ApiTransport transport) {
        this.transport = transport;
        this.json = transport.json;
    }

    /** A list answer: {@code {"items": [...]}}. */
    record Items(List<JsonNode> items) {
    }

    <T> List<T> items(Items page, Class<T> type) {
        if (page == null || page.items() == null) {
            throw new ServerErrorException(200, "bad_response", "Server answered without an 'items' list");
        }
        try {
            JavaType t = json.getTypeFactory().constructType(type);
            return page.items().stream().map(n -> json.<T>convertValue(n, t)).toList();
        } catch (IllegalArgumentException e) {
            throw new ServerErrorException(200, "bad_response", "Server sent a list this client cannot read: "
                    + ApiTransport.rootMessage(e));
        }
    }

    JavaType type(Class<?> c) {
        return json.getTypeFactory().constructType(c);
    }

    HttpUrl url(String... segments) {
        return transport.url(segments);
    }

    Request get(HttpUrl url) {
        return transport.get(url);
    }

    Request send(String method, HttpUrl url, Object body) {
        return transport.send(method, url, body);
    }

    Request.Builder authorized(Request.Builder b) {
        return transport.authorized(b);
    }

    <T> T call(Request request, Class<T> type) {
        return call(request, type(type));
    }

    <T> T call(Request request, JavaType type) {
        return transport.call(request, type, transport.http, c -> { });
    }

    <T> T call(Request request, JavaType type, OkHttpClient client, Consumer<Call> track) {
        return transport.call(request, type, client, track);
    }
}
