package dev.patchbay.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real server on an ephemeral loopback port with its admin key, plus a raw HTTP client for tests. */
public final class RunningServer implements AutoCloseable {
    public final PatchbayServer server;
    public final String adminKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningServer(PatchbayServer server) throws IOException {
        this.server = server;
        this.adminKey = Files.readString(server.adminApiKeyFile()).strip();
    }

    public static RunningServer start(Path dataDir) throws IOException {
        return new RunningServer(PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dataDir)));
    }

    public static RunningServer start(ServerConfig config) throws IOException {
        return new RunningServer(PatchbayServer.start(config));
    }

    /** With blobs in {@code storage} (an S3 bucket in the S3 tests). */
    public static RunningServer start(ServerConfig config, dev.patchbay.server.blobs.BlobStorage storage)
            throws IOException {
        return new RunningServer(PatchbayServer.start(config, storage));
    }

    public static RunningServer start(ServerConfig config, java.time.Clock clock) throws IOException {
        return new RunningServer(PatchbayServer.start(config, clock));
    }

    public static RunningServer start(Path dataDir, java.time.Clock clock) throws IOException {
        return new RunningServer(PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dataDir), clock));
    }

    /** An authorized PUT of raw bytes, with a Content-Range header if not null. */
    public HttpResponse<String> putBytes(String path, byte[] body, String contentRange)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/octet-stream");
        if (contentRange != null) {
            b.header("Content-Range", contentRange);
        }
        b.PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET answered as raw bytes, with {@code key} (none if null). */
    public HttpResponse<byte[]> getBytes(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A request with extra headers (name, value, name, value, ...), no API key. */
    public HttpResponse<byte[]> raw(String method, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public String url() {
        return server.url();
    }

    public HttpResponse<String> send(String method, String path, String body, String key, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An authorized JSON request. */
    public HttpResponse<String> json(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body, adminKey, body == null ? null : "application/json");
    }

    @Override
    public void close() {
        server.close();
    }
}
