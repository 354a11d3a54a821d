package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.updater.port.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The device's HttpURLConnection transport with each network fault, against a loopback server. */
class DeviceHttpFaultsTest {
    final byte[] blob = new byte[64 * 1024];
    final AtomicInteger hits = new AtomicInteger();
    final NetworkFaults faults = new NetworkFaults();
    final AppProcess process = new AppProcess(1, new KillSwitch(), r -> { });
    final DeviceHttp http = new DeviceHttp(faults, process, m -> { }, new Traffic());
    HttpServer server;
    String url;

    @BeforeEach
    void start() throws IOException {
        for (int i = 0; i < blob.length; i++) {
            blob[i] = (byte) i;
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/blobs/a", ex -> {
            hits.incrementAndGet();
            ex.getResponseHeaders().set("ETag", "\"a\"");
            ex.sendResponseHeaders(200, blob.length);
            ex.getResponseBody().write(blob);
            ex.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    HttpTransport.Response get(String path, Duration timeout) throws IOException {
        return http.send(new HttpTransport.Request("GET", url + path, Map.of(), null, timeout));
    }

    @Test
    void withoutFaultsTheBodyArrivesWhole() throws IOException {
        try (HttpTransport.Response r = get("/blobs/a", Duration.ofSeconds(5))) {
            assertEquals(200, r.status());
            assertEquals("\"a\"", r.header("etag"));
            assertArrayEquals(blob, r.body().readAllBytes());
        }
    }

    @Test
    void offlineFailsAtOnceAndStatusFaultsNeverReachTheServer() throws IOException {
        faults.offline(true);
        assertThrows(ConnectException.class, () -> get("/blobs/a", Duration.ofSeconds(5)));
        faults.offline(false).status(429, Duration.ofSeconds(7), "/blobs/", 1);
        try (HttpTransport.Response r = get("/blobs/a", Duration.ofSeconds(5))) {
            assertEquals(429, r.status());
            assertEquals("7", r.header("Retry-After"));
        }
        assertEquals(0, hits.get());
        try (HttpTransport.Response r = get("/blobs/a", Duration.ofSeconds(5))) {
            assertEquals(200, r.status(), "the rule was used up");
        }
    }

    @Test
    void aDropCutsTheBodyAfterNBytes() throws IOException {
        faults.dropAfter(1000, "/blobs/", 1);
        try (HttpTransport.Response r = get("/blobs/a", Duration.ofSeconds(5))) {
            InputStream in = r.body();
            byte[] got = new byte[1000];
            int n = in.readNBytes(got, 0, 1000);
            assertEquals(1000, n);
            IOException e = assertThrows(IOException.class, in::read);
            assertTrue(e.getMessage().contains("dropped after 1000"), e.getMessage());
        }
    }

    @Test
    void aHangEndsAtTheTimeoutAndLatencyCounts() {
        faults.hang(null, 1);
        long t0 = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> get("/blobs/a", Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - t0 >= 290_000_000L);
        faults.latency(Duration.ofSeconds(5));
        assertThrows(SocketTimeoutException.class, () -> get("/blobs/a", Duration.ofMillis(200)));
    }

    @Test
    void bandwidthDripFeedsTheBody() throws IOException {
        faults.bandwidth(64 * 1024 * 4, "/blobs/", -1);
        long t0 = System.nanoTime();
        try (HttpTransport.Response r = get("/blobs/a", Duration.ofSeconds(5))) {
            assertArrayEquals(blob, r.body().readAllBytes());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 200, "64 KiB at 256 KiB/s takes ~250 ms, took " + ms);
    }

    @Test
    void aDeadProcessCannotUseTheNetwork() {
        process.die("test");
        assertThrows(ProcessKilled.class, () -> get("/blobs/a", Duration.ofSeconds(1)));
    }
}
