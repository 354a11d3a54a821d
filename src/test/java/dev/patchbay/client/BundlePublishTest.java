package dev.patchbay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import dev.patchbay.server.TestReleases;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's trust, bundle and upload calls against a real server on loopback, with connections cut mid-blob. */
class BundlePublishTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;
    @TempDir
    Path work;
    PatchbayServer server;
    PatchbayClient client;
    String key;
    final TestReleases keys = new TestReleases(APP);

    @BeforeEach
    void start() throws IOException {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dataDir));
        key = Files.readString(server.adminApiKeyFile());
        client = PatchbayClient.connect(server.url(), key);
        client.createApp(APP, "Shop");
        client.registerTrust(APP, keys.trustJson());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    List<String> blobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    Bundle publish(PatchbayClient c, TestReleases.Sealed b, ProgressListener l) throws IOException {
        Path folder = b.writeTo(work.resolve(b.version()));
        return c.publishBundle(APP, b.version(), b.envelope(), folder, b.blobs(), l);
    }

    @Test
    void trustBundlesAndChannelsRoundTrip() throws IOException {
        assertEquals(keys.trust.rootKeyId(), client.getTrust(APP).path("root").path("keyId").asText());
        ConflictException otherRoot = assertThrows(ConflictException.class,
                () -> client.registerTrust(APP, new TestReleases(APP).trustJson()));
        assertTrue(otherRoot.getMessage().contains("root key"), otherRoot.getMessage());

        List<long[]> progress = new ArrayList<>();
        TestReleases.Sealed b = keys.seal("1.4.0", 7, 100_000, 20);
        Bundle bundle = publish(client, b, (done, total) -> progress.add(new long[] {done, total}));
        assertEquals("1.4.0", bundle.version());
        assertEquals(2, bundle.fileCount());
        long[] last = progress.get(progress.size() - 1);
        assertEquals(300 + 100_000 + 20, last[1]);
        assertEquals(last[1], last[0]);

        assertEquals(List.of("1.4.0"), client.listBundles(APP).stream().map(Bundle::version).toList());
        assertEquals("1.4.0", client.getBundle(APP, "1.4.0").envelope().path("release").path("version").asText());
        assertThrows(NotFoundException.class, () -> client.getBundle(APP, "9.9.9"));

        client.createChannel(APP, ChannelDraft.named("production"));
        assertEquals("1.4.0", client.setChannelBundle(APP, "production", "1.4.0").bundle());
        assertEquals("1.4.0", client.getChannel(APP, "production").bundle());
        assertEquals(List.of("production"), client.listBundles(APP).get(0).channels());
        assertThrows(NotFoundException.class, () -> client.setChannelBundle(APP, "production", "2.0.0"));
        assertNull(client.setChannelBundle(APP, "production", null).bundle());

        // A second bundle sharing the big blob: only the new blobs travel.
        BlobRef shared = b.blobs().get(1);
        byte[] manifest = keys.randomBytes(100);
        TestReleases.Sealed b2 = keys.seal("1.5.0", 8, TestReleases.ref(manifest), List.of(shared),
                Map.of(TestReleases.ref(manifest).sha256(), manifest, shared.sha256(), b.bytes(shared)));
        AtomicLong total = new AtomicLong();
        publish(client, b2, (done, t) -> total.set(t));
        assertEquals(100, total.get());
    }

    @Test
    void blobsTravelSeveralAtATimeAndAreAllThereAtTheCommit() throws IOException {
        // Six 300 kB blobs in 16 kB pieces: the senders overlap; progress is summed over them, in order, to the total.
        TestReleases.Sealed b = keys.seal("1.6.0", 1, 300_000, 300_000, 300_000, 300_000, 300_000, 300_000);
        java.util.Set<String> senders = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<long[]> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean committing = new java.util.concurrent.atomic.AtomicBoolean();
        Bundle bundle = publish(client.withPieceBytes(16 * 1024), b, new ProgressListener() {
            @Override
            public void onProgress(long done, long total) {
                assertFalse(committing.get(), "no blob bytes after the commit started");
                senders.add(Thread.currentThread().getName());
                progress.add(new long[] {done, total});
            }

            @Override
            public void committing() {
                committing.set(true);
            }
        });
        assertEquals(6, bundle.fileCount());
        assertTrue(committing.get());
        assertTrue(senders.stream().filter(n -> n.startsWith("patchbay-upload-")).count() >= 2, senders.toString());
        long total = 300 + 6 * 300_000;
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "progress never steps back without a failure");
        }
        assertEquals(total, progress.get(progress.size() - 1)[0]);
        assertEquals(total, client.getBundle(APP, "1.6.0").totalBytes());
    }

    @Test
    void aRealSealedSiteFolderPublishes() throws IOException {
        Path site = work.resolve("site");
        Files.createDirectories(site.resolve("js"));
        Files.writeString(site.resolve("index.html"), "<html><script src=js/app.js></script></html>");
        Files.write(site.resolve("js/app.js"), keys.randomBytes(300_000));
        TestReleases.Sealed sealed = keys.sealFolder(site, work.resolve("out"), "5.0.0", 1);
        Bundle bundle = client.publishBundle(APP, "5.0.0", sealed.envelope(), work.resolve("out"), sealed.blobs(), null);
        assertEquals(2, bundle.fileCount());
        assertEquals(sealed.blobs().stream().mapToLong(BlobRef::length).sum(), bundle.totalBytes());
        assertEquals(sealed.blobs().size(), blobFiles().size());
    }

    @Test
    void rejectedPublishIsTypedAndLeavesNothing() throws IOException {
        publish(client, keys.seal("1.0.0", 5, 10), null);
        List<String> before = blobFiles();
        ConflictException e = assertThrows(ConflictException.class,
                () -> publish(client, keys.seal("1.1.0", 4, 1000), null));
        assertTrue(e.getMessage().contains("sequence 4") && e.getMessage().contains("sequence 5"), e.getMessage());
        assertEquals(before, blobFiles(), "the failed upload was aborted and collected");
        assertThrows(ConflictException.class, () -> publish(client, keys.seal("1.0.0", 9, 10), null));
        assertEquals(1, client.listBundles(APP).size());

        TestReleases.Sealed b = keys.seal("1.2.0", 6, 10);
        Path folder = b.writeTo(work.resolve("short"));
        Files.write(folder.resolve(b.blobs().get(1).sha256()), new byte[3]);
        assertThrows(dev.patchbay.domain.ValidationException.class,
                () -> client.publishBundle(APP, "1.2.0", b.envelope(), folder, b.blobs(), null));
    }

    @Test
    void aConnectionCutMidBlobResumesFromWhatTheServerHas() throws Exception {
        int size = 3 * 1024 * 1024;
        try (CuttingProxy proxy = new CuttingProxy(server.port(), size / 2)) {
            PatchbayClient viaProxy = PatchbayClient.connect("http://127.0.0.1:" + proxy.port(), key);
            TestReleases.Sealed b = keys.seal("2.0.0", 1, size);
            Bundle bundle = publish(viaProxy, b, null);
            assertEquals("2.0.0", bundle.version());
            assertEquals(1, proxy.cuts.get(), "the connection was cut once");
            long sent = proxy.upstream.get();
            assertTrue(sent < size + size / 5, "resumed, not restarted: " + sent + " bytes sent for a " + size
                    + "-byte blob");
        }
        assertEquals(List.of("2.0.0"), client.listBundles(APP).stream().map(Bundle::version).toList());
    }

    @Test
    void cancelAbortsTheSession() throws Exception {
        TestReleases.Sealed b = keys.seal("3.0.0", 1, 2 * 1024 * 1024);
        Path folder = b.writeTo(work.resolve("c"));
        PatchbayClient small = PatchbayClient.connect(server.url(), key).withPieceBytes(64 * 1024);
        AtomicReference<BundlePublish> handle = new AtomicReference<>();
        handle.set(small.newPublish(APP, "3.0.0", b.envelope(), folder, b.blobs(), (done, total) -> {
            if (done > 512 * 1024) {
                handle.get().cancel();
            }
        }));
        assertThrows(CancellationException.class, () -> handle.get().run());
        assertTrue(handle.get().isCancelled());
        assertEquals(List.of(), blobFiles(), "aborted: staged parts and blobs are gone");
        assertEquals(List.of(), client.listBundles(APP));
    }

    @Test
    void anInterruptedThreadAbortsTheSession() throws Exception {
        TestReleases.Sealed b = keys.seal("3.0.1", 1, 2 * 1024 * 1024);
        Path folder = b.writeTo(work.resolve("i"));
        PatchbayClient small = PatchbayClient.connect(server.url(), key).withPieceBytes(64 * 1024);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread worker = new Thread(() -> {
            try {
                small.publishBundle(APP, "3.0.1", b.envelope(), folder, b.blobs(), (done, total) -> {
                    if (done > 256 * 1024) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Throwable t) {
                outcome.set(t);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        worker.join(20_000);
        assertTrue(outcome.get() instanceof CancellationException, String.valueOf(outcome.get()));
        assertTrue(interruptedAfter.get(), "the interrupt flag is kept for the caller");
        assertEquals(List.of(), blobFiles());
    }

    /** A loopback TCP proxy that, once, drops a connection after {@code cutAfter} bytes went upstream in total. */
    static final class CuttingProxy implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicLong upstream = new AtomicLong();
        final AtomicInteger cuts = new AtomicInteger();
        final int target;
        final long cutAfter;
        final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        CuttingProxy(int target, long cutAfter) throws IOException {
            this.target = target;
            this.cutAfter = cutAfter;
            Thread accept = new Thread(this::accept, "proxy-accept");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(server);
                    pump(client, server, true);
                    pump(server, client, false);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(Socket from, Socket to, boolean up) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buf)) != -1) {
                        out.write(buf, 0, n);
                        out.flush();
                        if (up && upstream.addAndGet(n) >= cutAfter && cuts.compareAndSet(0, 1)) {
                            from.close();
                            to.close();
                            return;
                        }
                    }
                } catch (IOException closed) {
                    // one side went away
                } finally {
                    quietly(from);
                    quietly(to);
                }
            }, "proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void quietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            sockets.forEach(CuttingProxy::quietly);
        }
    }
}
