package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.server.blobs.BlobStorage;
import dev.patchbay.server.blobs.S3ProxyServer;
import dev.patchbay.server.blobs.S3Settings;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The upload and publish API with blobs in a real S3 API server (S3Proxy): a resume after a restart, publishing only
 * when every blob is in the bucket, garbage collection of objects, and a 503 (never a 2xx) when the bucket fails.
 * (Refused credentials: S3BlobStoreTest and, through the CLI, ServeS3OptionsTest.)
 */
class S3BlobsApiTest {
    static S3ProxyServer s3;
    @TempDir
    Path dir;

    @BeforeAll
    static void proxy() throws Exception {
        s3 = S3ProxyServer.get();
    }

    private RunningServer start(S3Settings settings) throws IOException {
        return RunningServer.start(new ServerConfig("127.0.0.1", 0, dir.resolve("server")), BlobStorage.s3(settings));
    }

    private static String upload(DeviceFixture app, TestReleases.Sealed b) throws Exception {
        return ok(app.s.json("POST", app.base + "/uploads", b.uploadRequest()), 201).path("id").asText();
    }

    @Test
    void anUploadResumesAfterARestartAndPublishWaitsForEveryBlob() throws Exception {
        String bucket = s3.bucket();
        S3Settings settings = s3.settings(bucket, "pb");
        TestReleases.Sealed sealed;
        String id;
        BlobRef big;
        DeviceFixture app;
        TestReleases keys;
        try (RunningServer server = start(settings)) {
            app = new DeviceFixture(server, "com.example.s3").create().trustServer();
            app.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
            keys = app.keys;
            sealed = keys.seal("1.1.0", 1, 200_000, 3000);
            id = upload(app, sealed);
            big = sealed.blobs().stream().max(java.util.Comparator.comparingLong(BlobRef::length)).orElseThrow();
            byte[] bytes = sealed.bytes(big);
            // The first 120,000 bytes of the large blob, then the publisher's connection is gone.
            ok(server.putBytes(app.base + "/uploads/" + id + "/blobs/" + big.sha256(),
                    Arrays.copyOfRange(bytes, 0, 120_000), "bytes 0-119999/" + bytes.length), 200);
        }
        try (RunningServer server = start(settings)) {
            app = new DeviceFixture(server, "com.example.s3");
            String blobPath = app.base + "/uploads/" + id + "/blobs/" + big.sha256();
            assertEquals(120_000, DeviceFixture.json(server.json("GET", blobPath, null)).path("received").asLong(),
                    "the received bytes are in the bucket, not in the server that was stopped");
            byte[] bytes = sealed.bytes(big);
            ok(server.putBytes(blobPath, Arrays.copyOfRange(bytes, 120_000, bytes.length),
                    "bytes 120000-" + (bytes.length - 1) + "/" + bytes.length), 200);
            // One blob is still missing: nothing is published, the answer names it.
            BlobRef missing = sealed.blobs().stream().filter(b -> !b.sha256().equals(big.sha256())).findFirst()
                    .orElseThrow();
            for (BlobRef b : sealed.blobs()) {
                if (b != missing && b != big) {
                    ok(server.putBytes(app.base + "/uploads/" + id + "/blobs/" + b.sha256(), sealed.bytes(b), null),
                            200);
                }
            }
            String envelope = new String(sealed.envelope(), StandardCharsets.UTF_8);
            JsonNode refused = ok(server.json("POST", app.base + "/uploads/" + id + "/commit", envelope), 400);
            assertTrue(refused.path("message").asText().contains(missing.sha256()), refused.toString());
            assertEquals(404, server.json("GET", app.base + "/bundles/1.1.0", null).statusCode());
            assertEquals(404, server.raw("GET", "/blobs/" + big.sha256(), null).statusCode(),
                    "a blob of an unpublished bundle is not served");
            ok(server.putBytes(app.base + "/uploads/" + id + "/blobs/" + missing.sha256(), sealed.bytes(missing),
                    null), 200);
            ok(server.json("POST", app.base + "/uploads/" + id + "/commit", envelope), 201);
            app.patchChannel("production", "{\"bundle\":\"1.1.0\"}");
            Map<String, Object> sameKeys = Map.of("keyIds", Map.of("root", keys.trust.rootKeyId(), "content",
                    keys.trust.contentKeyId()));
            JsonNode answer = app.check(DeviceFixture.newDevice(), sameKeys);
            assertEquals("update", answer.path("kind").asText());
            JsonNode urls = answer.path("blobUrls");
            assertEquals(sealed.blobs().size(), urls.size(), answer.toString());
            String url = urls.path(big.sha256()).asText();
            assertTrue(url.startsWith(s3.endpoint + "/" + bucket + "/pb/blobs/" + big.sha256() + "?"), url);
            assertEquals(url, app.check(DeviceFixture.newDevice(), sameKeys).path("blobUrls").path(big.sha256())
                    .asText(), "presigned once per release, the same URL for every device for a while");
            assertEquals(List.of(), s3.keys(bucket, "pb/uploads/"), "no staged piece left after the commit");
        }
    }

    @Test
    void unreferencedObjectsAreCollected() throws Exception {
        String bucket = s3.bucket();
        S3Settings settings = s3.settings(bucket, null);
        String stray = "ab".repeat(32);
        try (RunningServer server = start(settings)) {
            DeviceFixture app = new DeviceFixture(server, "com.example.gc").create();
            TestReleases.Sealed kept = app.publish("1.0.0", 1);
            TestReleases.Sealed dropped = app.keys.seal("1.1.0", 2, 5000);
            String id = upload(app, dropped);
            for (BlobRef b : dropped.blobs()) {
                ok(server.putBytes(app.base + "/uploads/" + id + "/blobs/" + b.sha256(), dropped.bytes(b), null), 200);
            }
            assertEquals(kept.blobs().size() + dropped.blobs().size(), s3.keys(bucket, "blobs/").size());
            // An aborted upload leaves nothing in the bucket.
            assertEquals(204, server.json("DELETE", app.base + "/uploads/" + id, null).statusCode());
            assertEquals(kept.blobs().size(), s3.keys(bucket, "blobs/").size());
            // A deleted bundle's objects go too.
            ok(server.json("DELETE", app.base + "/bundles/1.0.0", null), 200);
            assertEquals(List.of(), s3.keys(bucket, "blobs/"));
            // An object a crash could leave (verified, but no bundle or upload refers to it) ...
            s3.admin().putObject(r -> r.bucket(bucket).key("blobs/" + stray).metadata(Map.of("sha256", stray)),
                    RequestBody.fromBytes(new byte[10]));
            s3.admin().putObject(r -> r.bucket(bucket).key("uploads/0123abcd/" + stray + "/0"),
                    RequestBody.fromBytes(new byte[10]));
        }
        // ... is swept at the next start, with staging data of uploads the database does not know.
        try (RunningServer server = start(settings)) {
            assertEquals(List.of(), s3.keys(bucket, "blobs/"));
            assertEquals(List.of(), s3.keys(bucket, "uploads/"));
        }
    }

    @Test
    void aFailingBucketIsA503NeverASuccess() throws Exception {
        String bucket = s3.bucket();
        try (RunningServer server = start(s3.settings(bucket, null))) {
            DeviceFixture app = new DeviceFixture(server, "com.example.fail").create();
            TestReleases.Sealed sealed = app.keys.seal("1.0.0", 1, 4000);
            String id = upload(app, sealed);
            BlobRef b = sealed.blobs().get(0);
            s3.admin().deleteBucket(r -> r.bucket(bucket)); // the bucket goes away behind the server's back
            HttpResponse<String> put = server.putBytes(app.base + "/uploads/" + id + "/blobs/" + b.sha256(),
                    sealed.bytes(b), null);
            assertEquals(503, put.statusCode(), put.body());
            assertTrue(put.body().contains("storage_unavailable") && put.body().contains("blob store"), put.body());
            assertEquals("5", put.headers().firstValue("Retry-After").orElse(""));
            s3.admin().createBucket(r -> r.bucket(bucket));
            ok(server.putBytes(app.base + "/uploads/" + id + "/blobs/" + b.sha256(), sealed.bytes(b), null), 200);
            assertEquals(List.of("blobs/" + b.sha256()), s3.keys(bucket, "blobs/"));
        }
    }
}
