package dev.patchbay.server;

import static dev.patchbay.server.ManagementApiTest.assertError;
import static dev.patchbay.server.ManagementApiTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.BlobRef;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust, upload sessions, commit and bundles over real HTTP on loopback (bundle-format.md §7). */
class BundlesApiTest {
    static final String APP = "com.example.shop";
    static final String BASE = "/api/v1/apps/" + APP;

    @TempDir
    Path dataDir;
    RunningServer s;
    final MutableClock clock = new MutableClock();
    final TestReleases keys = new TestReleases(APP);

    @BeforeEach
    void start() throws Exception {
        s = RunningServer.start(dataDir, clock);
        assertEquals(201, s.json("POST", "/api/v1/apps", "{\"id\":\"" + APP + "\",\"name\":\"Shop\"}").statusCode());
        var trust = s.json("PUT", BASE + "/trust", keys.trustText());
        assertEquals(201, trust.statusCode(), trust.body());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    /** Every regular file under the blob folder (stored blobs and staged parts), relative. */
    Set<String> blobFiles() throws IOException {
        Path root = dataDir.resolve("blobs");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static Set<String> stored(List<BlobRef> blobs) {
        return blobs.stream().map(b -> b.sha256().substring(0, 2) + "/" + b.sha256())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    JsonNode bundles() throws Exception {
        return json(s.json("GET", BASE + "/bundles", null)).path("items");
    }

    JsonNode open(TestReleases.Sealed b) throws Exception {
        var r = s.json("POST", BASE + "/uploads", b.uploadRequest());
        assertEquals(201, r.statusCode(), r.body());
        return json(r);
    }

    String blobPath(String id, BlobRef b) {
        return BASE + "/uploads/" + id + "/blobs/" + b.sha256();
    }

    void uploadAll(String id, TestReleases.Sealed b) throws Exception {
        for (BlobRef ref : b.blobs()) {
            var r = s.putBytes(blobPath(id, ref), b.bytes(ref), null);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(ref.length(), json(r).path("received").asLong());
        }
    }

    HttpResponse<String> commit(String id, byte[] envelope) throws Exception {
        return s.json("POST", BASE + "/uploads/" + id + "/commit", new String(envelope, StandardCharsets.UTF_8));
    }

    TestReleases.Sealed publish(String version, long sequence, int... sizes) throws Exception {
        TestReleases.Sealed b = keys.seal(version, sequence, sizes);
        String id = open(b).path("id").asText();
        uploadAll(id, b);
        var r = commit(id, b.envelope());
        assertEquals(201, r.statusCode(), r.body());
        return b;
    }

    @Test
    void publishedBlobsComeBackByteIdenticalAndNothingElseDoes() throws Exception {
        TestReleases.Sealed b = publish("1.0.0", 1, 200_000, 7);
        for (BlobRef ref : b.blobs()) {
            HttpResponse<byte[]> r = s.getBytes(BASE + "/blobs/" + ref.sha256(), s.adminKey);
            assertEquals(200, r.statusCode());
            assertTrue(Arrays.equals(b.bytes(ref), r.body()), "byte-identical " + ref);
            assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals(String.valueOf(ref.length()), r.headers().firstValue("Content-Length").orElse(""));
            assertEquals("private, immutable", r.headers().firstValue("Cache-Control").orElse(""));
        }
        BlobRef manifest = b.blobs().get(0);

        // Another app with its own bundle: neither app reads the other's blobs.
        String other = "com.example.other";
        assertEquals(201, s.json("POST", "/api/v1/apps", "{\"id\":\"" + other + "\",\"name\":\"Other\"}").statusCode());
        var r404 = s.getBytes("/api/v1/apps/" + other + "/blobs/" + manifest.sha256(), s.adminKey);
        assertEquals(404, r404.statusCode());
        assertTrue(new String(r404.body(), StandardCharsets.UTF_8).contains("\"not_found\""));

        // A blob of an open (unpublished) upload is not readable either, even when stored complete.
        TestReleases.Sealed pending = keys.seal("2.0.0", 2, 1000);
        String id = open(pending).path("id").asText();
        uploadAll(id, pending);
        assertEquals(404, s.getBytes(BASE + "/blobs/" + pending.blobs().get(1).sha256(), s.adminKey).statusCode());

        assertEquals(404, s.getBytes(BASE + "/blobs/" + "0".repeat(64), s.adminKey).statusCode(), "unknown");
        assertEquals(404, s.getBytes("/api/v1/apps/com.example.nope/blobs/" + manifest.sha256(), s.adminKey)
                .statusCode(), "unknown app");
        var bad = s.getBytes(BASE + "/blobs/" + manifest.sha256().toUpperCase(), s.adminKey);
        assertEquals(400, bad.statusCode());
        assertEquals("sha256", dev.patchbay.domain.Json.mapper().readTree(bad.body()).path("field").asText());
        assertEquals(401, s.getBytes(BASE + "/blobs/" + manifest.sha256(), null).statusCode());
        assertEquals(401, s.getBytes(BASE + "/blobs/" + manifest.sha256(), "pb_wrong").statusCode());
    }

    @Test
    void noPlaintextReachesTheServersDisk(@TempDir Path work) throws Exception {
        String canary = "CANARY-" + java.util.UUID.randomUUID();
        Path site = work.resolve("site");
        Files.createDirectories(site.resolve("assets"));
        Files.writeString(site.resolve("index.html"), "<html><body>" + canary + "</body></html>");
        Files.writeString(site.resolve("assets/" + canary + ".js"), ("console.log('" + canary + "');\n").repeat(5000));
        TestReleases.Sealed b = keys.sealFolder(site, work.resolve("blobs"), "4.0.0", 1);
        String id = open(b).path("id").asText();
        uploadAll(id, b);
        var r = commit(id, b.envelope());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(2, json(r).path("fileCount").asInt());
        s.json("POST", BASE + "/channels", "{\"name\":\"production\"}");
        assertEquals(200, s.json("PATCH", BASE + "/channels/production", "{\"bundle\":\"4.0.0\"}").statusCode());
        s.close();
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        int scanned = 0;
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                scanned++;
                assertTrue(indexOf(content, needle) < 0, "plaintext canary found in " + dataDir.relativize(f));
            }
        }
        assertTrue(scanned >= 4, "scanned the database and the blobs: " + scanned);
        s = RunningServer.start(dataDir, clock);
        assertEquals("4.0.0", bundles().get(0).path("version").asText(), "still there after a restart");
    }

    @Test
    void startUpSweepRemovesWhatACrashLeftBehind() throws Exception {
        TestReleases.Sealed b = publish("1.0.0", 1, 10);
        String keep = open(keys.seal("1.0.1", 2, 20)).path("id").asText();
        s.close();
        String orphan = "ab" + "c".repeat(62);
        Files.createDirectories(dataDir.resolve("blobs/ab"));
        Files.write(dataDir.resolve("blobs/ab/" + orphan), new byte[5]);
        Path staged = dataDir.resolve("blobs/uploads/" + "d".repeat(32) + "/" + orphan + ".part");
        Files.createDirectories(staged.getParent());
        Files.write(staged, new byte[5]);
        s = RunningServer.start(dataDir, clock);
        assertEquals(stored(b.blobs()), blobFiles(), "orphans gone, published blobs kept");
        assertEquals(204, s.json("DELETE", BASE + "/uploads/" + keep, null).statusCode(), "open uploads survive");
    }

    @Test
    void aRotatedReleaseKeyPublishesOnceTheTrustCertifiesIt() throws Exception {
        publish("1.0.0", 1, 10);
        byte[] newKey = dev.patchbay.crypto.Ed25519.generatePrivateKey();
        var newCert = dev.patchbay.crypto.ReleaseCert.create(APP, dev.patchbay.crypto.Ed25519.publicKey(newKey),
                java.time.Instant.now().minus(Duration.ofDays(1)), java.time.Instant.now().plus(Duration.ofDays(365)),
                keys.rootKey);
        var rotated = keys.trust.withCert(newCert);
        assertEquals(200, s.json("PUT", BASE + "/trust", new String(rotated.toBytes(), StandardCharsets.UTF_8)).statusCode());
        assertEquals(2, json(s.json("GET", BASE + "/trust", null)).path("releaseCerts").size());

        // A certificate signed by another root is refused, and the stored trust is unchanged.
        TestReleases stranger = new TestReleases(APP);
        String forged = new String(rotated.toBytes(), StandardCharsets.UTF_8)
                .replace(newCert.toJson().toString().substring(0, 10), newCert.toJson().toString().substring(0, 10));
        var foreignCert = dev.patchbay.crypto.ReleaseCert.create(APP, dev.patchbay.crypto.Ed25519.publicKey(newKey),
                java.time.Instant.now().minus(Duration.ofDays(1)), java.time.Instant.now().plus(Duration.ofDays(365)),
                stranger.rootKey);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.patchbay.domain.Json.mapper().readTree(forged);
        ((com.fasterxml.jackson.databind.node.ArrayNode) tree.get("releaseCerts")).add(foreignCert.toJson());
        assertError(s.json("PUT", BASE + "/trust", tree.toString()), 400, "invalid_trust", null);
        assertEquals(2, json(s.json("GET", BASE + "/trust", null)).path("releaseCerts").size());
    }

    @Test
    void twoRequestsOnOneBlobAtOnceAreRefusedNotInterleaved() throws Exception {
        TestReleases.Sealed b = keys.seal("1.0.0", 1, 4 * 1024 * 1024);
        String id = open(b).path("id").asText();
        BlobRef file = b.blobs().get(1);
        // A slow first request holds the blob: it sends half, then waits.
        java.net.HttpURLConnection slow = (java.net.HttpURLConnection) java.net.URI.create(s.url() + blobPath(id, file))
                .toURL().openConnection();
        slow.setRequestMethod("PUT");
        slow.setDoOutput(true);
        slow.setFixedLengthStreamingMode(file.length());
        slow.setRequestProperty("Authorization", "Bearer " + s.adminKey);
        slow.setRequestProperty("Content-Type", "application/octet-stream");
        java.io.OutputStream out = slow.getOutputStream();
        out.write(b.bytes(file), 0, (int) file.length() / 2);
        out.flush();
        long deadline = System.currentTimeMillis() + 5000;
        while (json(s.json("GET", blobPath(id, file), null)).path("received").asLong() == 0
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        JsonNode busy = assertError(s.putBytes(blobPath(id, file), b.bytes(file), null), 409, "upload_busy", null);
        assertTrue(busy.path("received").asLong() > 0, busy.toString());
        out.write(b.bytes(file), (int) file.length() / 2, (int) file.length() - (int) file.length() / 2);
        out.close();
        assertEquals(200, slow.getResponseCode());
        assertEquals(file.length(), json(s.json("GET", blobPath(id, file), null)).path("received").asLong());
    }

    @Test
    void bigBlobListsHaveTheirOwnBodyCap() throws Exception {
        StringBuilder body = new StringBuilder("{\"version\":\"1.0.0\",\"blobs\":[");
        for (int i = 0; i < 12_000; i++) {
            body.append(i == 0 ? "" : ",").append(String.format("{\"sha256\":\"%064x\",\"length\":%d}", i, 1000 + i));
        }
        body.append("]}");
        assertTrue(body.length() > ServerConfig.MAX_JSON_BODY);
        var r = s.json("POST", BASE + "/uploads", body.toString());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(12_000, json(r).path("missing").size());
        assertEquals(204, s.json("DELETE", BASE + "/uploads/" + json(r).path("id").asText(), null).statusCode());
    }

    @Test
    void aChunkedBodyLongerThanTheBlobIs413AndDropped() throws Exception {
        TestReleases.Sealed b = keys.seal("1.0.0", 1, 1000);
        String id = open(b).path("id").asText();
        BlobRef file = b.blobs().get(1);
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(s.url() + blobPath(id, file))
                .toURL().openConnection();
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setChunkedStreamingMode(256);
        c.setRequestProperty("Authorization", "Bearer " + s.adminKey);
        c.setRequestProperty("Content-Type", "application/octet-stream");
        try (java.io.OutputStream out = c.getOutputStream()) {
            out.write(b.bytes(file));
            out.write(new byte[500]);
        } catch (IOException serverClosedEarly) {
            // the server may answer before the whole body is sent
        }
        assertEquals(413, c.getResponseCode());
        assertEquals(Set.of(), blobFiles());
        assertEquals(0, json(s.json("GET", blobPath(id, file), null)).path("received").asLong());
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void trustIsRegisteredOnceAndItsRootIsFixed() throws Exception {
        JsonNode got = json(s.json("GET", BASE + "/trust", null));
        assertEquals(keys.trust.rootKeyId(), got.path("root").path("keyId").asText());
        // Same root again (say with a new release certificate): accepted as an update.
        assertEquals(200, s.json("PUT", BASE + "/trust", keys.trustText()).statusCode());
        TestReleases other = new TestReleases(APP);
        JsonNode e = assertError(s.json("PUT", BASE + "/trust", other.trustText()), 409, "conflict", "root");
        assertTrue(e.path("message").asText().contains(keys.trust.rootKeyId()), e.toString());
        assertEquals(keys.trust.rootKeyId(), json(s.json("GET", BASE + "/trust", null)).path("root").path("keyId").asText());

        assertError(s.json("PUT", BASE + "/trust", "{\"format\":\"nope\"}"), 400, "invalid_trust", null);
        assertError(s.json("PUT", BASE + "/trust", "not json"), 400, "invalid_trust", null);
        TestReleases elsewhere = new TestReleases("com.example.other");
        assertError(s.json("PUT", BASE + "/trust", elsewhere.trustText()), 400, "validation_failed", "appId");
        assertError(s.json("GET", "/api/v1/apps/com.example.none/trust", null), 404, "not_found", null);
        s.json("POST", "/api/v1/apps", "{\"id\":\"com.example.bare\",\"name\":\"Bare\"}");
        assertError(s.json("GET", "/api/v1/apps/com.example.bare/trust", null), 404, "not_found", null);
        assertError(s.json("POST", "/api/v1/apps/com.example.bare/uploads", keys.seal("1.0.0", 1, 10).uploadRequest()),
                409, "trust_missing", null);
    }

    @Test
    void wholeFlowPublishesAndChannelsPointAtBundles() throws Exception {
        TestReleases.Sealed b = keys.seal("1.4.0", 7, 150_000, 5);
        JsonNode session = open(b);
        String id = session.path("id").asText();
        assertEquals(32, id.length());
        assertEquals(3, session.path("missing").size());
        assertTrue(session.path("expiresAt").asText().endsWith("Z"));

        // The big blob in three pieces, asking for the received size in between.
        BlobRef big = b.blobs().get(1);
        byte[] bytes = b.bytes(big);
        var r = s.putBytes(blobPath(id, big), Arrays.copyOfRange(bytes, 0, 70_000), "bytes 0-69999/150000");
        assertEquals(70_000, json(r).path("received").asLong(), r.body());
        assertEquals(70_000, json(s.json("GET", blobPath(id, big), null)).path("received").asLong());
        r = s.putBytes(blobPath(id, big), Arrays.copyOfRange(bytes, 70_000, 100_000), "bytes 70000-99999/150000");
        assertEquals(100_000, json(r).path("received").asLong(), r.body());
        r = s.putBytes(blobPath(id, big), Arrays.copyOfRange(bytes, 100_000, 150_000), "bytes 100000-149999/150000");
        assertEquals(150_000, json(r).path("received").asLong(), r.body());
        for (BlobRef ref : List.of(b.blobs().get(0), b.blobs().get(2))) {
            assertEquals(200, s.putBytes(blobPath(id, ref), b.bytes(ref), null).statusCode());
        }
        assertEquals(stored(b.blobs()), blobFiles(), "complete blobs moved into place, nothing staged");

        var committed = commit(id, b.envelope());
        assertEquals(201, committed.statusCode(), committed.body());
        JsonNode bundle = json(committed);
        assertEquals("1.4.0", bundle.path("version").asText());
        assertEquals(7, bundle.path("sequence").asLong());
        assertEquals(2, bundle.path("fileCount").asInt());
        assertEquals(300 + 150_000 + 5, bundle.path("totalBytes").asLong());
        assertEquals(keys.cert.keyId(), bundle.path("releaseKeyId").asText());
        assertError(s.json("GET", blobPath(id, big), null), 404, "not_found", null);

        assertEquals(1, bundles().size());
        JsonNode one = json(s.json("GET", BASE + "/bundles/1.4.0", null));
        assertEquals("1.4.0", one.path("envelope").path("release").path("version").asText());
        assertError(s.json("GET", BASE + "/bundles/9.9.9", null), 404, "not_found", null);
        assertError(s.json("GET", BASE + "/bundles/not-semver", null), 400, "validation_failed", "version");

        // Channels point at a bundle; absent "bundle" keeps it, null clears it.
        s.json("POST", BASE + "/channels", "{\"name\":\"production\"}");
        assertTrue(json(s.json("GET", BASE + "/channels/production", null)).path("bundle").isNull());
        var set = s.json("PATCH", BASE + "/channels/production", "{\"bundle\":\"1.4.0\"}");
        assertEquals("1.4.0", json(set).path("bundle").asText(), set.body());
        var other = s.json("PATCH", BASE + "/channels/production", "{\"description\":\"Everyone\"}");
        assertEquals("1.4.0", json(other).path("bundle").asText(), "an absent field keeps the bundle");
        assertEquals("[\"production\"]", bundles().get(0).path("channels").toString());
        assertError(s.json("PATCH", BASE + "/channels/production", "{\"bundle\":\"2.0.0\"}"), 404, "not_found", "bundle");
        assertError(s.json("PATCH", BASE + "/channels/production", "{\"bundle\":7}"), 400, "invalid_field", "bundle");
        assertError(s.json("PATCH", BASE + "/channels/production", "{\"bundle\":null,\"colour\":1}"), 400, "unknown_field", "colour");
        var cleared = s.json("PATCH", BASE + "/channels/production", "{\"bundle\":null}");
        assertTrue(json(cleared).path("bundle").isNull(), cleared.body());
        assertEquals("Everyone", json(cleared).path("description").asText());

        // A second bundle sharing a blob: only the new ones are missing.
        BlobRef shared = b.blobs().get(1);
        byte[] manifest = keys.randomBytes(200);
        byte[] extra = keys.randomBytes(42);
        TestReleases.Sealed b2 = keys.seal("1.5.0", 8, TestReleases.ref(manifest),
                List.of(shared, TestReleases.ref(extra)), Map.of(TestReleases.ref(manifest).sha256(), manifest,
                        TestReleases.ref(extra).sha256(), extra, shared.sha256(), bytes));
        JsonNode s2 = open(b2);
        assertEquals(2, s2.path("missing").size());
        assertTrue(!s2.path("missing").toString().contains(shared.sha256()));
        uploadAll(s2.path("id").asText(), b2);
        assertEquals(201, commit(s2.path("id").asText(), b2.envelope()).statusCode());
        assertEquals("1.5.0", bundles().get(0).path("version").asText(), "highest sequence first");

        // Deleting the app deletes its bundles and frees their blobs.
        assertEquals(204, s.json("DELETE", BASE, null).statusCode());
        assertEquals(Set.of(), blobFiles());
    }

    @Test
    void badBlobUploadsAre4xxAndLeaveNothing() throws Exception {
        TestReleases.Sealed b = keys.seal("1.0.0", 1, 1000);
        String id = open(b).path("id").asText();
        BlobRef file = b.blobs().get(1);
        byte[] bytes = b.bytes(file);

        // Wrong digest: the complete blob does not hash to its name; the partial data is dropped.
        byte[] wrong = bytes.clone();
        wrong[500] ^= 1;
        JsonNode e = assertError(s.putBytes(blobPath(id, file), wrong, null), 400, "digest_mismatch", "sha256");
        assertTrue(e.path("message").asText().contains(file.sha256()), e.toString());
        assertEquals(Set.of(), blobFiles());
        assertEquals(0, json(s.json("GET", blobPath(id, file), null)).path("received").asLong());

        // Wrong offset: 409 with the received size.
        s.putBytes(blobPath(id, file), Arrays.copyOfRange(bytes, 0, 400), "bytes 0-399/1000");
        e = assertError(s.putBytes(blobPath(id, file), Arrays.copyOfRange(bytes, 500, 1000), "bytes 500-999/1000"),
                409, "wrong_offset", "Content-Range");
        assertEquals(400, e.path("received").asLong());

        // Wrong length: the range's total differs from the declared length; more bytes than declared.
        assertError(s.putBytes(blobPath(id, file), Arrays.copyOfRange(bytes, 400, 1000), "bytes 400-999/1001"),
                400, "validation_failed", "Content-Range");
        assertError(s.putBytes(blobPath(id, file), Arrays.copyOfRange(bytes, 400, 1000), "bytes 400-1000/1000"),
                400, "validation_failed", "Content-Range");
        byte[] tooMany = Arrays.copyOf(bytes, 1001);
        assertError(s.putBytes(blobPath(id, file), tooMany, null), 413, "payload_too_large", null);
        assertError(s.putBytes(blobPath(id, file), bytes, "garbage"), 400, "validation_failed", "Content-Range");
        assertEquals(400, json(s.json("GET", blobPath(id, file), null)).path("received").asLong());

        // Over the server-wide cap, declared up front.
        assertError(s.json("POST", BASE + "/uploads", "{\"version\":\"1.0.0\",\"blobs\":[{\"sha256\":\"" + "a".repeat(64)
                + "\",\"length\":" + (1L << 31) + "}]}"), 413, "payload_too_large", "blobs[0].length");
        assertError(s.json("POST", BASE + "/uploads", "{\"version\":\"1.0\",\"blobs\":[]}"), 400, "validation_failed", "version");
        assertError(s.json("POST", BASE + "/uploads", "{\"version\":\"1.0.0\",\"blobs\":[{\"sha256\":\"XY\",\"length\":1}]}"),
                400, "validation_failed", "blobs[0].sha256");
        assertError(s.json("POST", BASE + "/uploads", "{\"version\":\"1.0.0\",\"blobs\":[],\"x\":1}"), 400, "unknown_field", "x");

        // Unknown, malformed and foreign ids; a blob that is not part of the upload.
        String unknown = "0".repeat(32);
        assertError(s.putBytes(blobPath(unknown, file), bytes, null), 404, "not_found", null);
        assertError(s.json("GET", blobPath(unknown, file), null), 404, "not_found", null);
        assertError(s.json("POST", BASE + "/uploads/" + unknown + "/commit", "{}"), 404, "not_found", null);
        assertError(s.json("DELETE", BASE + "/uploads/" + unknown, null), 404, "not_found", null);
        assertError(s.putBytes(BASE + "/uploads/nope/blobs/" + file.sha256(), bytes, null), 400, "validation_failed", "uploadId");
        assertError(s.putBytes(blobPath(id, new BlobRef("c".repeat(64), 3)), new byte[3], null), 404, "not_found", null);
        assertError(s.send("PUT", blobPath(id, file), "x", null, null), 401, "missing_api_key", null);

        // Finishing it properly still works after all that; aborting leaves nothing behind.
        var ok = s.putBytes(blobPath(id, file), Arrays.copyOfRange(bytes, 400, 1000), "bytes 400-999/1000");
        assertEquals(1000, json(ok).path("received").asLong(), ok.body());
        assertEquals(204, s.json("DELETE", BASE + "/uploads/" + id, null).statusCode());
        assertEquals(Set.of(), blobFiles());
        assertEquals(0, bundles().size());
    }

    @Test
    void oddBlobRequestsAre4xxNever500() throws Exception {
        TestReleases.Sealed b = keys.seal("1.0.0", 1, 100);
        String id = open(b).path("id").asText();
        BlobRef file = b.blobs().get(1);
        String[] ranges = {"bytes -1-5/100", "bytes 99999999999999999999-1/100", "bytes 5-4/100", "bytes 0-99/-1",
                "bytes */100", "bytes 0-9/100, 20-29/100", "items 0-9/100", "bytes 0-9999999999999999999/100", ""};
        for (String range : ranges) {
            var r = s.putBytes(blobPath(id, file), b.bytes(file), range);
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, range + ": " + r.statusCode() + " " + r.body());
            json(r);
        }
        String[] paths = {BASE + "/uploads/" + id + "/blobs/" + file.sha256().toUpperCase(),
                BASE + "/uploads/" + id + "/blobs/..", BASE + "/uploads/" + id.toUpperCase() + "/blobs/" + file.sha256(),
                "/api/v1/apps/not..an.app/uploads/" + id + "/blobs/" + file.sha256(),
                "/api/v1/apps/com.example.none/uploads/" + id + "/blobs/" + file.sha256()};
        for (String path : paths) {
            var r = s.putBytes(path, b.bytes(file), null);
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, path + ": " + r.statusCode() + " " + r.body());
            json(r);
        }
        assertError(s.json("POST", BASE + "/uploads/" + id + "/blobs/" + file.sha256(), "{}"), 405, "method_not_allowed", null);
        assertEquals(Set.of(), blobFiles());
    }

    @Test
    void expiredUploadsAreGoneWithTheirData() throws Exception {
        TestReleases.Sealed b = keys.seal("1.0.0", 1, 1000, 10);
        String id = open(b).path("id").asText();
        BlobRef file = b.blobs().get(1);
        s.putBytes(blobPath(id, file), Arrays.copyOfRange(b.bytes(file), 0, 300), "bytes 0-299/1000");
        s.putBytes(blobPath(id, b.blobs().get(2)), b.bytes(b.blobs().get(2)), null);
        assertEquals(2, blobFiles().size());

        clock.advance(Duration.ofHours(25));
        JsonNode e = assertError(s.putBytes(blobPath(id, file), Arrays.copyOfRange(b.bytes(file), 300, 1000),
                "bytes 300-999/1000"), 404, "not_found", null);
        assertTrue(e.path("message").asText().contains("expired"), e.toString());
        assertError(commit(id, b.envelope()), 404, "not_found", null);

        // The next create runs the cleanup: staged parts and blobs only that upload referenced are gone.
        TestReleases.Sealed other = keys.seal("1.0.1", 2, 5);
        open(other);
        assertEquals(Set.of(), blobFiles());
        assertError(s.json("DELETE", BASE + "/uploads/" + id, null), 404, "not_found", null);
    }

    @Test
    void rejectedCommitsPublishNothingAndKeepTheUploadOpen() throws Exception {
        TestReleases.Sealed first = publish("1.0.0", 5, 100);
        Set<String> published = stored(first.blobs());
        assertEquals(published, blobFiles());

        TestReleases.Sealed b = keys.seal("1.1.0", 6, 2000, 30);
        String id = open(b).path("id").asText();
        // Missing blob: one file not uploaded yet.
        s.putBytes(blobPath(id, b.blobs().get(0)), b.bytes(b.blobs().get(0)), null);
        s.putBytes(blobPath(id, b.blobs().get(1)), Arrays.copyOfRange(b.bytes(b.blobs().get(1)), 0, 1000),
                "bytes 0-999/2000");
        JsonNode e = assertError(commit(id, b.envelope()), 400, "validation_failed", "release.blobs");
        assertTrue(e.path("message").asText().contains(b.blobs().get(1).sha256()), e.toString());
        assertTrue(e.path("message").asText().contains("1000 of 2000"), e.toString());

        s.putBytes(blobPath(id, b.blobs().get(1)), Arrays.copyOfRange(b.bytes(b.blobs().get(1)), 1000, 2000),
                "bytes 1000-1999/2000");
        s.putBytes(blobPath(id, b.blobs().get(2)), b.bytes(b.blobs().get(2)), null);

        // Tampered envelope.
        String env = new String(b.envelope(), StandardCharsets.UTF_8);
        e = assertError(commit(id, env.replace("\"sequence\":6", "\"sequence\":60").getBytes(StandardCharsets.UTF_8)),
                400, "invalid_release", null);
        assertTrue(e.path("message").asText().contains("modified"), e.toString());
        assertError(commit(id, "{\"release\":{}}".getBytes(StandardCharsets.UTF_8)), 400, "invalid_release", null);
        assertError(s.json("POST", BASE + "/uploads/" + id + "/commit", null), 400, "missing_body", null);

        // Signed by a key the app's trust does not certify (another root's release key).
        TestReleases stranger = new TestReleases(APP);
        TestReleases.Sealed forged = stranger.seal("1.1.0", 6, b.blobs().get(0), b.blobs().subList(1, 3), b.bytes());
        e = assertError(commit(id, forged.envelope()), 400, "invalid_release", null);
        assertTrue(e.path("message").asText().contains("did not certify"), e.toString());

        // Version exists; sequence not increasing; version other than the upload's.
        TestReleases.Sealed dupVersion = keys.seal("1.0.0", 9, b.blobs().get(0), b.blobs().subList(1, 3), b.bytes());
        assertError(commit(id, dupVersion.envelope()), 400, "validation_failed", "release.version");
        JsonNode dup = assertError(s.json("POST", BASE + "/uploads", first.uploadRequest()), 409, "conflict", "version");
        assertTrue(dup.path("message").asText().contains("1.0.0"), dup.toString());
        TestReleases.Sealed lowSeq = keys.seal("1.1.0", 5, b.blobs().get(0), b.blobs().subList(1, 3), b.bytes());
        e = assertError(commit(id, lowSeq.envelope()), 409, "conflict", "sequence");
        assertTrue(e.path("message").asText().contains("5") && e.path("message").asText().contains("published sequence 5"),
                e.toString());

        // Nothing was published by any of these; the upload is still open and commits once the envelope is right.
        assertEquals(1, bundles().size());
        var ok = commit(id, b.envelope());
        assertEquals(201, ok.statusCode(), ok.body());
        assertEquals(2, bundles().size());

        // A rejected upload that is then aborted leaves nothing behind.
        TestReleases.Sealed c = keys.seal("1.2.0", 3, 64);
        String id3 = open(c).path("id").asText();
        uploadAll(id3, c);
        assertError(commit(id3, c.envelope()), 409, "conflict", "sequence");
        assertEquals(204, s.json("DELETE", BASE + "/uploads/" + id3, null).statusCode());
        Set<String> expected = new TreeSet<>(published);
        expected.addAll(stored(b.blobs()));
        assertEquals(expected, blobFiles());
        assertEquals(2, bundles().size());
    }
}
