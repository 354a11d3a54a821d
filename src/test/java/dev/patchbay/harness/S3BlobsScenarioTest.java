package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.server.TestReleases;
import dev.patchbay.server.blobs.BlobStorage;
import dev.patchbay.server.blobs.S3ProxyServer;
import dev.patchbay.updater.AutoUpdate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs on S3 end to end: bundles published for real into a bucket of a real S3 API server (S3Proxy), devices running
 * the real runtime download blob bytes straight from the bucket — presigned URLs, or a public URL as a CDN would give —
 * never from the server, and still verify every byte.
 */
class S3BlobsScenarioTest {
    static S3ProxyServer s3;
    @TempDir
    Path dir;

    @BeforeAll
    static void proxy() throws Exception {
        s3 = S3ProxyServer.get();
    }

    @Test
    void devicesDownloadStraightFromTheBucketThroughPresignedUrls() throws Exception {
        String bucket = s3.bucket();
        try (DeviceLab lab = new DeviceLab(dir, BlobStorage.s3(s3.settings(bucket, "patchbay")))) {
            TestReleases.Sealed sealed = lab.release(lab.big("1.1.0", 150_000), "1.1.0", 1);
            assertTrue(s3.keys(bucket, "patchbay/blobs/").size() == sealed.blobs().size(),
                    "every blob of the bundle is an object of the bucket");
            List<EmulatedDevice> devices = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
                devices.add(d);
                d.coldStart();
            }
            for (EmulatedDevice d : devices) {
                until(d, current("1.1.0", "success"));
                List<Traffic.Exchange> blobs = d.traffic().exchanges("/blobs/");
                assertFalse(blobs.isEmpty());
                for (Traffic.Exchange e : blobs) {
                    assertTrue(e.url().startsWith(s3.endpoint + "/" + bucket + "/patchbay/blobs/")
                            && e.url().contains("X-Amz-Signature="), "a presigned bucket URL: " + e.url());
                }
                assertEquals(0, d.traffic().bodyBytes(lab.server.url() + "/blobs/"),
                        "no blob byte came through the server");
                assertTrue(d.traffic().bodyBytes("X-Amz-Signature=") > 150_000, "the bytes came from the bucket");
            }
        }
    }

    @Test
    void devicesDownloadFromAPublicUrlAsFromACdn() throws Exception {
        String bucket = s3.bucket();
        // A CDN in front of the private bucket: it reads the origin with its own credentials (as an origin access
        // identity would) and serves the objects under its own URL.
        java.util.concurrent.atomic.AtomicLong cdnBytes = new java.util.concurrent.atomic.AtomicLong();
        HttpServer cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn.createContext("/edge/", ex -> {
            String sha = ex.getRequestURI().getPath().substring("/edge/".length());
            byte[] body;
            try {
                body = s3.admin().getObjectAsBytes(r -> r.bucket(bucket).key("cdn/blobs/" + sha)).asByteArray();
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            cdnBytes.addAndGet(body.length);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        cdn.start();
        String edge = "http://127.0.0.1:" + cdn.getAddress().getPort() + "/edge";
        try (DeviceLab lab = new DeviceLab(dir, BlobStorage.s3(s3.settings(bucket, "cdn").withPublicUrl(edge)))) {
            lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
            EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
            d.coldStart();
            until(d, current("1.1.0", "success"));
            List<Traffic.Exchange> blobs = d.traffic().exchanges("/edge/");
            assertFalse(blobs.isEmpty());
            assertEquals(0, d.traffic().bodyBytes(lab.server.url() + "/blobs/"), "no blob byte through the server");
            assertEquals(d.traffic().bodyBytes("/edge/"), cdnBytes.get(), "every blob byte came from the CDN");
        } finally {
            cdn.stop(0);
        }
    }

    @Test
    void aDeviceSentToALyingUrlRejectsTheBundle() throws Exception {
        // A "CDN" that answers other bytes for every blob.
        AtomicInteger served = new AtomicInteger();
        HttpServer liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        liar.createContext("/", ex -> {
            byte[] junk = new byte[4096];
            new Random().nextBytes(junk);
            served.incrementAndGet();
            ex.sendResponseHeaders(200, junk.length);
            ex.getResponseBody().write(junk);
            ex.close();
        });
        liar.start();
        try (DeviceLab lab = new DeviceLab(dir, BlobStorage.s3(s3.settings(s3.bucket(), null)
                .withPublicUrl("http://127.0.0.1:" + liar.getAddress().getPort() + "/b/{sha256}")))) {
            lab.release(lab.healthy("1.1.0"), "1.1.0", 1);
            EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
            d.coldStart();
            d.awaitLog("event downloadFailed", Await.LONG);
            d.updater().awaitIdle(Duration.ofSeconds(10));
            assertEquals("builtin", d.state().current().id(), "nothing installed from the lying URL");
            assertTrue(served.get() > 0, "the device did ask the lying URL");
        } finally {
            liar.stop(0);
        }
    }
}
