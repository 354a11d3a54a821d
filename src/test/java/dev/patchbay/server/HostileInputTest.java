package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.server.http.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hostile request gets a 4xx JSON error and nothing else (ADR 0092): undecodable query strings, loose JSON, dot
 * segments, a huge declared body on a bad upload, and a seeded fuzz over every route of the server. The fuzz budget is
 * {@code -Dpatchbay.fuzz.requests} (bench/fuzz.sh runs a larger one).
 */
class HostileInputTest {
    static final String APP = "com.example.hostile";
    /** The app the fuzz may change or delete (other tests keep theirs). */
    static final String FUZZ_APP = "com.example.fuzzed";
    static final long SEED = Long.getLong("patchbay.fuzz.seed", 1207L);
    static final int FUZZ_REQUESTS = Integer.getInteger("patchbay.fuzz.requests", 800);

    @TempDir
    static Path dir;
    static RunningServer s;

    @BeforeAll
    static void start() throws Exception {
        s = RunningServer.start(dir.resolve("data"));
        assertEquals(201, s.json("POST", "/api/v1/apps", "{\"id\":\"" + APP + "\",\"name\":\"Hostile\"}").statusCode());
        assertEquals(201, s.json("POST", "/api/v1/apps", "{\"id\":\"" + FUZZ_APP + "\",\"name\":\"Fuzzed\"}").statusCode());
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    /** One request over a raw socket (no client-side normalisation of the path); the whole answer as text. */
    static String raw(String request, int timeoutMillis) throws IOException {
        URI u = URI.create(s.url());
        try (Socket socket = new Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) != -1) {
                    got.write(buf, 0, n);
                    if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what arrived so far is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    private static boolean complete(String s) {
        int end = s.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(s);
        return m.find() && s.length() - end - 4 >= Integer.parseInt(m.group(1));
    }

    static int status(String answer) {
        return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
    }

    static JsonNode body(String answer) throws IOException {
        return Json.mapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    /** Writes {@code pieces} with a pause between them (optionally closing the sending side), then reads the answer. */
    static String rawInPieces(List<String> pieces, boolean closeAfter) throws Exception {
        URI u = URI.create(s.url());
        try (Socket socket = new Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < pieces.size(); i++) {
                if (i > 0) {
                    Thread.sleep(300);
                }
                out.write(pieces.get(i).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (closeAfter) {
                socket.shutdownOutput();
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(got);
            } catch (IOException e) {
                // a reset after the answer: what arrived is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBodyArrivingInPiecesIsReadWholeAndOneCutShortIsA400() throws Exception {
        String body = "{\"id\":\"com.example.pieces\",\"name\":\"Read in pieces\"}";
        String head = "POST /api/v1/apps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.adminKey
                + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.length()
                + "\r\n\r\n";
        String a = rawInPieces(List.of(head + body.substring(0, 10), body.substring(10, 30), body.substring(30)), false);
        assertEquals(201, status(a), a);
        assertEquals("Read in pieces", body(a).path("name").asText(), a);

        // Chunked (no declared length), in two chunks sent apart.
        String chunked = "{\"id\":\"com.example.chunked\",\"name\":\"Chunked\"}";
        String chead = "POST /api/v1/apps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.adminKey
                + "\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
        a = rawInPieces(List.of(chead + Integer.toHexString(12) + "\r\n" + chunked.substring(0, 12) + "\r\n",
                Integer.toHexString(chunked.length() - 12) + "\r\n" + chunked.substring(12) + "\r\n0\r\n\r\n"),
                false);
        assertEquals(201, status(a), a);
        assertEquals("Chunked", body(a).path("name").asText(), a);

        // Declared 60 bytes more than sent, then the client stops sending: no app, a 400 (or just the closed
        // connection), never a 500.
        String cut = "POST /api/v1/apps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.adminKey
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (body.length() + 60) + "\r\n\r\n"
                + body.replace("pieces", "cut");
        a = rawInPieces(List.of(cut), true);
        if (!a.isEmpty()) {
            assertEquals(400, status(a), a);
            assertEquals("unreadable_body", body(a).path("error").asText(), a);
        }
        assertEquals(404, s.json("GET", "/api/v1/apps/com.example.cut", null).statusCode());
    }

    @Test
    void anUndecodableQueryIsA400NotA500() throws Exception {
        for (String line : List.of("GET /api/v1/health?x=%ff", "GET /api/v1/apps?x=%ff%fe", "GET /api/v1/health?%zz=1")) {
            String a = raw(line + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.adminKey
                    + "\r\nConnection: close\r\n\r\n", 5000);
            assertEquals(400, status(a), line + " -> " + a);
            assertEquals("malformed_query", body(a).path("error").asText(), a);
        }
        String body = "{\"appId\":\"" + APP + "\"}";
        String a = raw("POST /updates?x=%ff HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body, 5000);
        assertEquals(400, status(a), a);
    }

    @Test
    void jsonIsStrictAndMessagesNameNoInternalClass() throws Exception {
        String[][] cases = {
                {"{\"id\":\"com.example.d1\",\"id\":\"com.example.d2\",\"name\":\"N\"}", "malformed_json"},
                {"{\"id\":\"com.example.t1\",\"name\":\"N\"} x", "malformed_json"},
                {"{\"id\":\"com.example.t2\",\"name\":\"N\"}{\"id\":\"com.example.t3\",\"name\":\"N\"}", "malformed_json"},
                {"\uFEFF{\"id\":\"com.example.b1\",\"name\":\"N\"}", "malformed_json"},
                {"{\"id\":\"com.example.n1\",\"name\":\"a\\u0000b\"}", "invalid_text"},
                {"{\"id\":\"com.example.s1\",\"name\":\"a\\ud800b\"}", "invalid_text"},
                {"{\"id\":\"com.example.s2\",\"name\":\"a\\udc00\"}", "invalid_text"},
                {"{\"id\":\"com.example.k1\",\"name\":\"N\",\"x\\u0000\":1}", "invalid_text"},
                {"{\"id\":[1],\"name\":\"N\"}", "invalid_field"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = s.json("POST", "/api/v1/apps", c[0]);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            JsonNode e = Json.mapper().readTree(r.body());
            assertEquals(c[1], e.path("error").asText(), c[0] + " -> " + r.body());
            assertFalse(r.body().contains("dev.patchbay") || r.body().contains("$") || r.body().contains("java."),
                    "an internal name in " + r.body());
        }
        // Device endpoints parse the same way.
        HttpResponse<String> dup = s.send("POST", "/stats", "{\"appId\":\"" + APP + "\",\"appId\":\"x\"}", null,
                "application/json");
        assertEquals(400, dup.statusCode(), dup.body());
        assertEquals(404, s.json("GET", "/api/v1/apps/com.example.d2", null).statusCode(), "nothing was stored");
        // A signed document (trust.json) with a duplicate field is refused before its signature is read.
        HttpResponse<String> trust = s.json("PUT", "/api/v1/apps/" + APP + "/trust", "{\"appId\":\"" + APP
                + "\",\"appId\":\"com.example.other\"}");
        assertEquals(400, trust.statusCode(), trust.body());
        assertEquals("invalid_trust", Json.mapper().readTree(trust.body()).path("error").asText(), trust.body());
        assertTrue(trust.body().contains("Duplicate field"), trust.body());
    }

    @Test
    void dotSegmentsAreRefusedNotFoldedIntoAnotherRoute() throws Exception {
        String key = s.adminKey;
        for (String path : List.of("/api/v1/apps/" + APP + "/uploads/..", "/api/v1/apps/" + APP + "/uploads/%2e%2e",
                "/api/v1/apps/" + APP + "/uploads/%2E%2e/", "/api/v1/apps/" + APP + "/channels/./..")) {
            String a = raw("DELETE " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nConnection: close\r\n\r\n", 5000);
            assertEquals(400, status(a), path + " -> " + a);
        }
        assertEquals(200, s.json("GET", "/api/v1/apps/" + APP, null).statusCode(), "the app is still there");
    }

    @Test
    void aHugeDeclaredBodyOnABadUploadIsAnsweredAtOnce() throws Exception {
        long t0 = System.nanoTime();
        String a = raw("PUT /api/v1/apps/" + APP + "/uploads/not-an-id/blobs/" + "a".repeat(64) + " HTTP/1.1\r\n"
                + "Host: x\r\nAuthorization: Bearer " + s.adminKey + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 1099511627776\r\n\r\n", 10_000);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        int code = status(a);
        assertTrue(code >= 400 && code < 500, a);
        assertTrue(millis < 3000, "answered after " + millis + " ms");
        // Without a key, likewise.
        a = raw("PUT /api/v1/apps/" + APP + "/uploads/x/blobs/y HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776"
                + "\r\n\r\n", 10_000);
        assertEquals(401, status(a), a);
    }

    /** A seeded fuzz of every route: odd path values, junk queries, mutated bodies, with and without a key. */
    @Test
    void everyRouteAnswersFuzzWithA4xxJsonErrorOrSuccess() throws Exception {
        List<Router.Route> routes = PatchbayServer.routes(null, Clock.systemUTC()).routes();
        Random random = new Random(SEED);
        String[] values = {FUZZ_APP, "com.example.none", "x", "%2F", "%00", "..x", "%ff", "a".repeat(300), "production",
                "0123456789abcdef", "00000000-0000-0000-0000-000000000000", "1.0.0", "%20", "~", "null", "-1"};
        String[] bodies = {"{\"id\":\"com.example.f\",\"name\":\"F\"}", "{\"name\":\"beta\",\"bundle\":\"1.0.0\"}",
                "{\"appId\":\"" + FUZZ_APP + "\",\"deviceId\":\"00000000-0000-0000-0000-000000000000\",\"events\":[]}",
                "{\"reason\":\"r\",\"bps\":100,\"expectedRevision\":1}", "{\"version\":\"1.0.0\",\"blobs\":[]}",
                "[]", "{}"};
        String[] queries = {"", "?limit=-1", "?limit=99999999999", "?after=%ff", "?x=%", "?since=abc", "?q=%00",
                "?limit=1&limit=2", "?cursor=" + "z".repeat(500)};
        int errors = 0;
        for (int i = 0; i < FUZZ_REQUESTS; i++) {
            Router.Route route = routes.get(random.nextInt(routes.size()));
            StringBuilder path = new StringBuilder();
            for (String seg : route.template().substring(1).split("/")) {
                path.append('/').append(seg.startsWith("{") ? values[random.nextInt(values.length)] : seg);
            }
            path.append(queries[random.nextInt(queries.length)]);
            String body = route.method().equals("GET") || route.method().equals("HEAD") || route.method().equals("DELETE")
                    ? null : Fuzz.mutate(bodies[random.nextInt(bodies.length)], random);
            StringBuilder req = new StringBuilder(route.method() + " " + path + " HTTP/1.1\r\nHost: x\r\n");
            if (random.nextInt(4) > 0) {
                req.append("Authorization: Bearer ").append(s.adminKey).append("\r\n");
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Type: ").append(route.streaming() ? "application/octet-stream" : "application/json")
                        .append("\r\nContent-Length: ").append(bytes.length).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            String a = raw(req + new String(bytes, StandardCharsets.ISO_8859_1), 10_000);
            int code = status(a);
            String what = route.method() + " " + path + " " + body + " -> " + a;
            assertTrue(code > 0 && code < 500, what);
            if (code >= 400 && !route.method().equals("HEAD")) {
                errors++;
                JsonNode e = body(a);
                assertTrue(e.path("error").isTextual() && e.path("message").isTextual(), what);
                assertFalse(e.path("message").asText().contains("dev.patchbay"), what);
            }
        }
        assertTrue(errors > FUZZ_REQUESTS / 2, "the fuzz mostly hits errors: " + errors);
    }
}
