package dev.patchbay.server.http;

import dev.patchbay.domain.Json;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.server.store.StorageHealth;
import dev.patchbay.server.store.StorageUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where HTTP meets handlers: reads the (capped) body, authenticates, routes, and writes every outcome —
 * success, expected failure or bug — as JSON. A client never sees a stack trace.
 */
public final class JsonHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(JsonHandler.class);

    /** Most of a streamed body read to deliver an error answer (one client upload piece). */
    static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    /** Seconds a client is told to wait (Retry-After) while storage cannot write. */
    static final int STORAGE_RETRY_SECONDS = 5;

    private final Router router;
    private final Authenticator authenticator;
    private final long maxBodyBytes;
    private final StorageHealth storage;
    private volatile TrustedProxies proxies = TrustedProxies.NONE;

    /**
     * @param storage fail-stop state of the database and blob store: while it cannot write, writes are answered 503
     *                (reads and update checks still run)
     */
    public JsonHandler(Router router, Authenticator authenticator, long maxBodyBytes, StorageHealth storage) {
        this.router = router;
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.storage = storage;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean handle(Request request, Response response, Callback callback) {
        ApiResponse answer;
        InputStream[] streaming = {null};
        try {
            answer = dispatch(request, streaming);
            if (answer.body() instanceof ApiResponse.Later later) {
                later.answer().whenComplete((a, failure) ->
                        write(response, callback, a != null ? a : failed(request, failure)));
                return true;
            }
        } catch (ApiError e) {
            answer = error(e.status(), e.code(), e.getMessage(), e.field());
            ((Map<String, Object>) answer.body()).putAll(e.details());
            // An unauthenticated sender gets no reading of its body, just the answer and a closed connection.
            if (e.status() == 413 || streaming[0] != null && (e.status() == 401
                    || request.getLength() > DRAIN_LIMIT || !drained(streaming[0]))) {
                // The rest of the body stays unread: tell the client this connection ends here.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        } catch (ValidationException e) {
            answer = error(400, "validation_failed", e.getMessage(), e.field());
            if (streaming[0] != null && !drained(streaming[0])) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        } catch (StorageUnavailableException e) {
            answer = unavailable(e, streaming[0], response);
        } catch (Throwable e) {
            if (StorageHealth.isStorageFault(e)) {
                // Logged once per episode by StorageHealth, not once per request.
                answer = unavailable(storage.fail(e), streaming[0], response);
            } else {
                answer = failed(request, e);
            }
        }
        write(response, callback, answer);
        return true;
    }

    /** A bug's answer: a 500 naming an incident, with the stack trace in the log only. */
    private static ApiResponse failed(Request request, Throwable e) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("Request {} {} failed (incident {})", request.getMethod(), request.getHttpURI().getPath(),
                incident, e);
        return error(500, "internal_error", "The server failed on this request (incident " + incident + ")", null);
    }

    private static ApiResponse unavailable(StorageUnavailableException e, InputStream streaming, Response response) {
        if (streaming != null) {
            // A blob upload may be large: it is not read on, the connection ends with the answer.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        ApiResponse a = error(503, "storage_unavailable", "The server cannot store data now (" + e.getMessage()
                + "); nothing of this request was kept. Retry later", null);
        return new ApiResponse(503, a.body(), Map.of("Retry-After", String.valueOf(STORAGE_RETRY_SECONDS)));
    }

    /**
     * Writes wait while storage cannot write; update checks (ours and the Capgo-compatible ones) are reads for this
     * purpose (their log is best effort).
     */
    private static boolean isWrite(Router.Route route) {
        String t = route.template();
        return !route.method().equals("GET") && !route.method().equals("HEAD") && !t.endsWith("/updates")
                && !t.endsWith("/updates/manifest_size");
    }

    /**
     * Reads and discards what is left of a streamed body (up to {@link #DRAIN_LIMIT}) so that an error answer reaches
     * a client still sending; false if more is left, and the connection must close.
     */
    private static boolean drained(InputStream in) {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                total += n;
                if (total > DRAIN_LIMIT) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private ApiResponse dispatch(Request request, InputStream[] streaming) throws Exception {
        String method = request.getMethod();
        String path = routablePath(request);
        Router.Match match = router.match(method, path);
        if (match != null && match.route() != null && match.route().streaming()) {
            // The handler reads (and caps) the body itself; after an error answer the rest is drained or the
            // connection closed.
            streaming[0] = Request.asInputStream(request);
            Principal principal = authenticator.authenticate(apiKey(request))
                    .actingFor(request.getHeaders().get(Principal.ACTOR_HEADER));
            Map<String, String> query = query(request);
            storage.checkWritable();
            ApiRequest apiRequest = new ApiRequest(method, path, match.params(), query, new byte[0],
                    principal, name -> request.getHeaders().get(name), streaming[0], request.getLength());
            return match.route().handler().handle(apiRequest);
        }
        // Read the body before any early answer (401, 404, 405): a response sent over an unread body makes Jetty
        // close the connection under a client that may already be reusing it.
        long cap = match != null && match.route() != null && match.route().maxBody() > 0
                ? match.route().maxBody() : maxBodyBytes;
        byte[] body = readBody(request, cap);
        if (match == null) {
            throw ApiError.notFound("No such endpoint: " + method + " " + request.getHttpURI().getPath());
        }
        if (match.route() == null) {
            throw new ApiError(405, "method_not_allowed", method + " is not allowed here; allowed: "
                    + String.join(", ", match.allowed()), null);
        }
        Principal principal = Principal.ANONYMOUS;
        if (!match.route().open()) {
            principal = authenticator.authenticate(apiKey(request))
                    .actingFor(request.getHeaders().get(Principal.ACTOR_HEADER));
        }
        Map<String, String> query = query(request);
        if (isWrite(match.route())) {
            storage.checkWritable();
        }
        ApiRequest apiRequest = new ApiRequest(method, path, match.params(), query, body, principal,
                name -> ApiRequest.CLIENT_ADDRESS.equals(name) ? clientAddress(request)
                        : request.getHeaders().get(name), null, body.length);
        return match.route().handler().handle(apiRequest);
    }

    /** Believes {@code X-Forwarded-For} from these proxies only (ADR 0096). */
    public JsonHandler trusting(TrustedProxies trusted) {
        this.proxies = trusted == null ? TrustedProxies.NONE : trusted;
        return this;
    }

    private String clientAddress(Request request) {
        String peer = Request.getRemoteAddr(request);
        TrustedProxies trusted = proxies;
        return trusted.isEmpty() ? peer
                : trusted.clientAddress(peer, request.getHeaders().getValuesList("X-Forwarded-For"));
    }

    private static String apiKey(Request request) {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth != null) {
            String a = auth.strip();
            if (a.equalsIgnoreCase("Bearer")) {
                return "";
            }
            return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).strip() : a;
        }
        return request.getHeaders().get("X-API-Key");
    }

    private byte[] readBody(Request request, long maxBodyBytes) {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            // Read (and drop) a moderately large body first, so a client still sending gets the 413 rather than a
            // connection reset; beyond that the connection just closes.
            if (declared <= DRAIN_LIMIT) {
                drained(Request.asInputStream(request));
            }
            throw tooLarge(maxBodyBytes);
        }
        if (declared == 0) {
            return new byte[0];
        }
        byte[] bytes;
        try {
            bytes = declared > 0 ? readDeclared(request, (int) declared) : readUpTo(request, (int) maxBodyBytes + 1);
        } catch (IOException | RuntimeException e) {
            // A broken chunked encoding, a body shorter than its Content-Length, a client that went away.
            throw ApiError.badRequest("unreadable_body", "The request body could not be read: " + e.getMessage(), null);
        }
        if (bytes.length > maxBodyBytes) {
            drained(Request.asInputStream(request));
            throw tooLarge(maxBodyBytes);
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (bytes.length > 0 && type != null && !isJson(type)) {
            throw new ApiError(415, "unsupported_media_type", "Send the body as application/json, not " + type, null);
        }
        return bytes;
    }

    /**
     * Reads a body of a declared length straight from the request's chunks into one array of that length (an update
     * check's body usually arrives with its headers, in one chunk). An {@code InputStream} over the chunks with
     * {@code readNBytes} cost ~11 % of the server's samples under update-check load in a JFR profile.
     */
    static byte[] readDeclared(Content.Source source, int length) throws IOException {
        byte[] out = new byte[length];
        int pos = 0;
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                try (Blocker.Runnable more = Blocker.runnable()) {
                    source.demand(more);
                    more.block();
                }
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // As the InputStream did: any failure (also a transient one, such as an idle timeout) ends the read.
                Throwable failure = chunk.getFailure();
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            try {
                ByteBuffer b = chunk.getByteBuffer();
                int n = b.remaining();
                if (n > length - pos) {
                    // Jetty enforces the Content-Length; this guards the array all the same.
                    throw new IOException("the body is longer than its Content-Length");
                }
                b.get(out, pos, n);
                pos += n;
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                break;
            }
        }
        if (pos != length) {
            throw new IOException("the body ended after " + pos + " of its " + length + " bytes");
        }
        return out;
    }

    /**
     * Reads a body of no declared length (chunked, or none: a GET) from the request's chunks, at most {@code limit}
     * bytes (the caller refuses a body that reaches it). A request without a body costs one read of its last chunk;
     * through an {@code InputStream}, {@code readNBytes} allocated an 8 KB buffer for every GET.
     */
    static byte[] readUpTo(Content.Source source, int limit) throws IOException {
        java.io.ByteArrayOutputStream out = null;
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                try (Blocker.Runnable more = Blocker.runnable()) {
                    source.demand(more);
                    more.block();
                }
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            boolean last = chunk.isLast();
            try {
                ByteBuffer b = chunk.getByteBuffer();
                if (b.hasRemaining()) {
                    if (out == null) {
                        out = new java.io.ByteArrayOutputStream(Math.min(limit, Math.max(b.remaining(), 1024)));
                    }
                    int n = Math.min(b.remaining(), limit - out.size());
                    byte[] piece = new byte[n];
                    b.get(piece);
                    out.write(piece, 0, n);
                    if (out.size() >= limit) {
                        return out.toByteArray();
                    }
                }
            } finally {
                chunk.release();
            }
            if (last) {
                return out == null ? new byte[0] : out.toByteArray();
            }
        }
    }

    private static boolean isJson(String contentType) {
        String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return base.equals("application/json") || base.endsWith("+json");
    }

    private static ApiError tooLarge(long maxBodyBytes) {
        return new ApiError(413, "payload_too_large", "The body is larger than " + maxBodyBytes + " bytes", null);
    }

    /**
     * The decoded path to route, refusing a {@code .} or {@code ..} segment (also percent-encoded) instead of letting
     * it be folded into another route ({@code /apps/X/uploads/..} is not {@code /apps/X}).
     */
    private static String routablePath(Request request) {
        String raw = request.getHttpURI().getPath();
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        for (String segment : raw.split("/", -1)) {
            String s = segment.toLowerCase(Locale.ROOT);
            int semi = s.indexOf(';');
            if (semi >= 0) {
                s = s.substring(0, semi);
            }
            s = s.replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) {
                throw ApiError.badRequest("invalid_path", "A path segment '.' or '..' is not allowed", null);
            }
        }
        String path = request.getHttpURI().getCanonicalPath();
        return path == null ? "/" : path;
    }

    private static Map<String, String> query(Request request) {
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            // Jetty's own decoding error (e.g. %ff, not UTF-8): the client's fault, answered without a stack trace.
            throw ApiError.badRequest("malformed_query", "The query string is not valid percent-encoded UTF-8", null);
        }
        Map<String, String> out = new HashMap<>();
        for (Fields.Field f : fields) {
            out.put(f.getName(), f.getValue());
        }
        return out;
    }

    /**
     * Copies a binary body to the client piece by piece (never whole in memory). Once the status is sent a failure
     * can only abort the response: the client sees a short body against the Content-Length.
     */
    private static void stream(Response response, Callback callback, int status, ApiResponse.Bytes bytes) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, bytes.cacheControl());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, bytes.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length());
        if (bytes.headOnly()) {
            try {
                bytes.in().close();
            } catch (IOException e) {
                // nothing was read
            }
            callback.succeeded();
            return;
        }
        try (InputStream in = bytes.in(); OutputStream out = Content.Sink.asOutputStream(response)) {
            byte[] buf = new byte[64 * 1024];
            long left = bytes.length();
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n == -1) {
                    throw new IOException("source ended " + left + " bytes early");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Streaming a {}-byte body failed: {}", bytes.length(), e.toString());
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    static ApiResponse error(int status, String code, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        return new ApiResponse(status, body);
    }

    static void write(Response response, Callback callback, ApiResponse answer) {
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (answer.body() instanceof ApiResponse.Bytes bytes) {
            stream(response, callback, answer.status(), bytes);
            return;
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (answer.body() == null) {
            callback.succeeded();
            return;
        }
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(answer.body());
        } catch (IOException e) {
            LOG.error("Cannot serialise a response", e);
            response.setStatus(500);
            bytes = "{\"error\":\"internal_error\",\"message\":\"The server could not encode its answer\"}".getBytes();
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
