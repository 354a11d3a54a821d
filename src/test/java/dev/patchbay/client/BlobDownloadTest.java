package dev.patchbay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import dev.patchbay.server.TestReleases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PatchbayClient#downloadBlob}: against the real server, and against a server that lies about a blob. */
class BlobDownloadTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dir;
    final TestReleases keys = new TestReleases(APP);

    @Test
    void publishedBlobsDownloadByteIdenticalFromTheRealServer() throws IOException {
        try (PatchbayServer server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("data")))) {
            PatchbayClient client = PatchbayClient.connect(server.url(), Files.readString(server.adminApiKeyFile()));
            client.createApp(APP, "Shop");
            client.registerTrust(APP, keys.trustJson());
            TestReleases.Sealed b = keys.seal("1.0.0", 1, 300_000, 3);
            client.publishBundle(APP, b.version(), b.envelope(), b.writeTo(dir.resolve("sealed")), b.blobs(), null);

            for (BlobRef ref : b.blobs()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                client.downloadBlob(APP, ref, out);
                assertArrayEquals(b.bytes(ref), out.toByteArray());
                assertArrayEquals(b.bytes(ref), client.fetchBlob(APP, ref));
            }
            BlobRef big = b.blobs().get(1);
            Path target = dir.resolve("got").resolve(big.sha256());
            client.downloadBlob(APP, big, target);
            assertArrayEquals(b.bytes(big), Files.readAllBytes(target));

            BlobRef unknown = TestReleases.ref(new byte[] {1, 2, 3});
            assertThrows(NotFoundException.class, () -> client.fetchBlob(APP, unknown));
            assertThrows(UnauthorizedException.class,
                    () -> PatchbayClient.connect(server.url(), "pb_wrong").fetchBlob(APP, big));
        }
    }

    @Test
    void aServerThatLiesIsAServerErrorAndNothingPartialIsKept() throws IOException {
        byte[] real = keys.randomBytes(100_000);
        BlobRef ref = TestReleases.ref(real);
        byte[] flipped = real.clone();
        flipped[50_000] ^= 1;
        byte[] longer = Arrays.copyOf(real, real.length + 10);
        byte[] shorter = Arrays.copyOf(real, real.length - 10);

        assertLie(ref, x -> flipped, false);        // right length, wrong bytes
        assertLie(ref, x -> longer, false);         // more bytes, Content-Length says so
        assertLie(ref, x -> longer, true);          // more bytes, chunked (no Content-Length)
        assertLie(ref, x -> shorter, true);         // fewer bytes, chunked
    }

    private void assertLie(BlobRef ref, Function<String, byte[]> answer, boolean chunked) throws IOException {
        HttpServer liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        liar.createContext("/", ex -> {
            byte[] body = answer.apply(ex.getRequestURI().getPath());
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        liar.start();
        try {
            PatchbayClient client = PatchbayClient.connect("http://127.0.0.1:" + liar.getAddress().getPort(), "k");
            ServerErrorException e = assertThrows(ServerErrorException.class,
                    () -> client.downloadBlob(APP, ref, new ByteArrayOutputStream()));
            assertEquals("bad_blob", e.code(), e.getMessage());
            Path folder = dir.resolve("lies-" + System.nanoTime());
            Path target = folder.resolve(ref.sha256());
            assertThrows(ServerErrorException.class, () -> client.downloadBlob(APP, ref, target));
            assertFalse(Files.exists(target), "no partial blob");
            try (Stream<Path> left = Files.list(folder)) {
                assertEquals(0, left.count(), "no temporary file left");
            }
        } finally {
            liar.stop(0);
        }
    }
}
