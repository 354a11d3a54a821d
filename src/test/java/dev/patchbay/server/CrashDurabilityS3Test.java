package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.blobs.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Durable acknowledgements with the blobs in an S3 bucket (ADR 0090, 0112): the load of {@link CrashDurabilityTest}
 * on {@code patchbay serve --blobs s3://BUCKET/patchbay} (S3Proxy, its own process, started by the test), plus uploads
 * that are aborted, and SIGKILL of the server at a random moment. After each crash every blob of an acknowledged or
 * stored bundle is in the bucket, whole (its bytes hash to its name and carry that digest as metadata); no upload that
 * was never committed is a bundle. After each restart the bucket holds exactly what the database references: the
 * start-up sweep has deleted every blob nothing references and every upload's staging data the database does not
 * know — those a kill between an abort's commit and its clean-up leaves, and ones the test plants after each kill as
 * a crash mid-upload of an unknown session would leave them — and the server serves every acknowledged blob.
 */
class CrashDurabilityS3Test extends CrashDurabilityTest {
    static final String PREFIX = "patchbay";

    S3ProxyServer s3;
    String bucket;
    /** What the database referenced at the last crash: blobs of bundles, blobs of open uploads, open upload ids. */
    final Set<String> bundleBlobs = new HashSet<>();
    final Set<String> uploadBlobs = new HashSet<>();
    final Set<String> openUploads = new HashSet<>();
    /** Objects put into the bucket after a kill that nothing references: the next start must delete them. */
    final Set<String> planted = new HashSet<>();
    final Random random = new Random(SEED);

    @BeforeEach
    void bucket() throws Exception {
        s3 = S3ProxyServer.get();
        bucket = s3.bucket();
    }

    @Override
    int kills() {
        return Math.min(KILLS, 2);
    }

    @Override
    ServerProcess startServer(Path data) throws Exception {
        return ServerProcess.start(data, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                List.of("--blobs", "s3://" + bucket + "/" + PREFIX, "--s3-endpoint", s3.endpoint.toString(),
                        "--s3-path-style"),
                Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL));
    }

    /** Whole: the object's bytes hash to its name, and it carries that digest as the server wrote it. */
    @Override
    boolean blobStored(Path data, String sha256) throws Exception {
        try {
            var object = s3.admin().getObjectAsBytes(r -> r.bucket(bucket).key(PREFIX + "/blobs/" + sha256));
            return sha256.equals(sha256(object.asByteArray()))
                    && sha256.equals(object.response().metadata().get("sha256"));
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    /** Uploads whose blobs are all sent, then aborted: the abort deletes its blobs after its commit. */
    @Override
    List<Runnable> moreLoad(String url, String key) {
        return List.of(() -> {
            while (true) {
                int n = nextVersion.getAndIncrement();
                String version = "1.0." + n;
                try {
                    stagedVersions.add(version); // never committed, so never a bundle
                    String id = stage(url, key, keys.seal(version, n, 2000));
                    if (id != null) {
                        send(url, key, "DELETE", "/api/v1/apps/" + APP + "/uploads/" + id, null);
                    }
                } catch (java.io.IOException | InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** After the kill: leftovers of a crash that nothing in the database references. */
    @Override
    void crash(Path data, ServerProcess server) throws Exception {
        super.crash(data, server);
        byte[] orphan = new byte[1000];
        random.nextBytes(orphan);
        String sha = sha256(orphan);
        String blobKey = PREFIX + "/blobs/" + sha;
        s3.admin().putObject(r -> r.bucket(bucket).key(blobKey).metadata(Map.of("sha256", sha)),
                RequestBody.fromBytes(orphan));
        byte[] id = new byte[16];
        random.nextBytes(id);
        String pieceKey = PREFIX + "/uploads/" + HexFormat.of().formatHex(id) + "/" + sha + "/0";
        s3.admin().putObject(r -> r.bucket(bucket).key(pieceKey), RequestBody.fromBytes(orphan));
        planted.add(blobKey);
        planted.add(pieceKey);
    }

    @Override
    void verifyMore(Connection c, Path data, int round) throws Exception {
        bundleBlobs.clear();
        uploadBlobs.clear();
        openUploads.clear();
        collect(c, "SELECT sha256 FROM bundle_blobs", bundleBlobs);
        collect(c, "SELECT sha256 FROM upload_blobs", uploadBlobs);
        collect(c, "SELECT id FROM uploads", openUploads);
        for (String sha : bundleBlobs) {
            assertTrue(blobStored(data, sha), "round " + round + ": a stored bundle's blob " + sha
                    + " is not whole in the bucket");
        }
    }

    @Override
    void afterRestart(Path data, String url, int round) throws Exception {
        Set<String> blobs = new TreeSet<>();
        Set<String> uploads = new TreeSet<>();
        for (String k : s3.keys(bucket, PREFIX + "/")) {
            assertTrue(!planted.contains(k), "start after crash " + (round - 1) + ": " + k
                    + ", referenced by nothing, is still in the bucket");
            String rest = k.substring(PREFIX.length() + 1);
            if (rest.startsWith("blobs/")) {
                blobs.add(rest.substring("blobs/".length()));
            } else if (rest.startsWith("uploads/")) {
                uploads.add(rest.split("/")[1]);
            }
        }
        Set<String> referenced = new HashSet<>(bundleBlobs);
        referenced.addAll(uploadBlobs);
        Set<String> unreferenced = new TreeSet<>(blobs);
        unreferenced.removeAll(referenced);
        assertTrue(unreferenced.isEmpty(), "start after crash " + (round - 1) + ": " + unreferenced.size()
                + " blobs nothing references are still in the bucket, e.g. " + unreferenced.stream().limit(3).toList());
        Set<String> missing = new TreeSet<>(bundleBlobs);
        missing.removeAll(blobs);
        assertTrue(missing.isEmpty(), "start after crash " + (round - 1) + ": blobs of stored bundles missing: "
                + missing);
        Set<String> strayUploads = new TreeSet<>(uploads);
        strayUploads.removeAll(openUploads);
        assertTrue(strayUploads.isEmpty(), "start after crash " + (round - 1) + ": staging data of unknown uploads"
                + " is still in the bucket: " + strayUploads);
        // Every acknowledged bundle's blobs are served, byte for byte.
        for (String sha : ackedBlobs) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + "/blobs/" + sha)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), "blob " + sha + " of an acknowledged bundle is not served");
            assertEquals(sha, sha256(r.body()), "blob " + sha + " is served with other bytes");
        }
        System.out.printf("start after crash %d: bucket holds %d blobs (%d referenced by bundles, %d by open uploads),"
                + " %d uploads' staging data; %d planted leftovers gone; %d acknowledged blobs served%n", round - 1,
                blobs.size(), bundleBlobs.size(), uploadBlobs.size(), uploads.size(), planted.size(),
                ackedBlobs.size());
    }

    private static void collect(Connection c, String sql, Set<String> into) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                into.add(rs.getString(1));
            }
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
