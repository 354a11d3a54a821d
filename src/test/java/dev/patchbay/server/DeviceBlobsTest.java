package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.BlobRef;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET|HEAD /blobs/{sha256}} (device-protocol §7): published blobs only, single ranges, resume. */
class DeviceBlobsTest {
    @TempDir
    Path dataDir;
    RunningServer s;
    DeviceFixture f;
    TestReleases.Sealed bundle;
    BlobRef big;
    byte[] bytes;

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir);
        f = new DeviceFixture(s, "com.example.shop").create();
        bundle = f.publish(f.keys.seal("1.5.0", 8, 300_000));
        big = bundle.blobs().get(1);
        bytes = bundle.bytes(big);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    HttpResponse<byte[]> get(String range) throws Exception {
        return range == null ? s.raw("GET", "/blobs/" + big.sha256(), null)
                : s.raw("GET", "/blobs/" + big.sha256(), null, "Range", range);
    }

    @Test
    void wholeBlobWithCachingHeaders() throws Exception {
        var r = get(null);
        assertEquals(200, r.statusCode());
        assertArrayEquals(bytes, r.body());
        assertEquals("\"" + big.sha256() + "\"", r.headers().firstValue("ETag").orElse(""));
        assertEquals("public, max-age=31536000, immutable", r.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElse(""));
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElse(""));
        var head = s.raw("HEAD", "/blobs/" + big.sha256(), null);
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(bytes.length), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(0, head.body().length);
        // The manifest blob too.
        BlobRef manifest = bundle.blobs().get(0);
        assertArrayEquals(bundle.bytes(manifest), s.raw("GET", "/blobs/" + manifest.sha256(), null).body());
    }

    @Test
    void ranges() throws Exception {
        int len = bytes.length;
        var r = get("bytes=1000-");
        assertEquals(206, r.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, 1000, len), r.body());
        assertEquals("bytes 1000-" + (len - 1) + "/" + len, r.headers().firstValue("Content-Range").orElse(""));
        r = get("bytes=10-19");
        assertEquals(206, r.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, 10, 20), r.body());
        r = get("bytes=-500");
        assertEquals(206, r.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, len - 500, len), r.body());
        r = get("bytes=0-99999999");
        assertEquals(206, r.statusCode());
        assertArrayEquals(bytes, r.body());
        r = get("bytes=" + len + "-");
        assertEquals(416, r.statusCode());
        assertEquals("bytes */" + len, r.headers().firstValue("Content-Range").orElse(""));
        assertEquals(416, get("bytes=-0").statusCode());
        // Several ranges, another unit, garbage, backwards: the whole blob.
        for (String whole : new String[] {"bytes=0-1,5-9", "items=0-5", "bytes=abc", "bytes=9-2", "bytes=-"}) {
            r = get(whole);
            assertEquals(200, r.statusCode(), whole);
            assertArrayEquals(bytes, r.body(), whole);
        }
        // If-Range with another validator: the whole blob.
        r = s.raw("GET", "/blobs/" + big.sha256(), null, "Range", "bytes=5-", "If-Range", "\"other\"");
        assertEquals(200, r.statusCode());
        r = s.raw("GET", "/blobs/" + big.sha256(), null, "Range", "bytes=5-", "If-Range", "\"" + big.sha256() + "\"");
        assertEquals(206, r.statusCode());
    }

    @Test
    void aDownloadResumesPieceByPiece() throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int piece = 70_000;
        while (got.size() < bytes.length) {
            var r = get("bytes=" + got.size() + "-" + (got.size() + piece - 1));
            assertEquals(206, r.statusCode());
            got.write(r.body());
        }
        assertArrayEquals(bytes, got.toByteArray());
    }

    @Test
    void onlyPublishedBlobs() throws Exception {
        assertEquals(404, s.raw("GET", "/blobs/" + "a".repeat(64), null).statusCode());
        assertEquals(404, s.raw("HEAD", "/blobs/" + "a".repeat(64), null).statusCode());
        assertEquals(400, s.raw("GET", "/blobs/NOTHEX", null).statusCode());
        assertEquals(400, s.raw("GET", "/blobs/..%2F..%2Fdb", null).statusCode() / 100 * 100);
        // A blob of an upload that was never committed is not served.
        TestReleases.Sealed pending = f.keys.seal("1.6.0", 9, 100);
        var open = s.json("POST", f.base + "/uploads", pending.uploadRequest());
        String id = DeviceFixture.ok(open, 201).path("id").asText();
        BlobRef file = pending.blobs().get(1);
        DeviceFixture.ok(s.putBytes(f.base + "/uploads/" + id + "/blobs/" + file.sha256(), pending.bytes(file), null), 200);
        assertEquals(404, s.raw("GET", "/blobs/" + file.sha256(), null).statusCode());
        assertTrue(s.raw("POST", "/blobs/" + big.sha256(), null).statusCode() == 405);
    }
}
