package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.blobs.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchbay serve --blobs s3://...}: options refused before anything starts, and credentials S3 refuses. */
class ServeS3OptionsTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {
    }

    private Run serve(Map<String, String> env, String... options) {
        List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--data-dir",
                dir.resolve("data").toString()));
        args.addAll(List.of(options));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void refusesBadS3OptionsWithoutStarting() {
        String[][] cases = {
            {"--s3-endpoint", "http://127.0.0.1:9000", "need --blobs s3://BUCKET[/PREFIX]"},
            {"--blobs", "s3://Bad_Bucket", "--blobs: \"s3://Bad_Bucket\" is not an S3 location"},
            {"--blobs", "/var/blobs", "--blobs: \"/var/blobs\" is not an S3 location"},
            {"--blobs", "s3://bucket --s3-endpoint", "--s3-endpoint: "},
            {"--blobs", "s3://bucket --blob-public-url ftp://cdn.example.com", "--blob-public-url: the blob public URL"},
            {"--blobs", "s3://bucket --blob-url-expiry 1m", "--blob-url-expiry: the blob URL expiry must be between"},
            {"--blobs", "s3://bucket --s3-region EU_WEST", "--s3-region: \"EU_WEST\" is not a region name"}};
        for (String[] c : cases) {
            List<String> options = new ArrayList<>(List.of(c[0]));
            options.addAll(List.of(c[1].split(" ")));
            if (c[1].endsWith("--s3-endpoint")) {
                options.add("file:///tmp");
            }
            Run r = serve(Map.of(), options.toArray(String[]::new));
            assertNotEquals(0, r.code(), r.err());
            assertTrue(r.err().contains(c[2]), r.err());
            assertTrue(!Files.exists(dir.resolve("data")), "nothing created for " + String.join(" ", options));
        }
    }

    @Test
    void credentialsS3RefusesStopTheStart() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.get();
        String bucket = s3.bucket();
        Run r = serve(Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "AWS_SECRET_ACCESS_KEY", "wrong-secret"),
                "--blobs", "s3://" + bucket + "/bundles", "--s3-endpoint", s3.endpoint.toString(), "--s3-path-style");
        assertNotEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("S3 refused access to s3://" + bucket + "/bundles at " + s3.endpoint)
                && r.err().contains("check the credentials"), r.err());
        assertTrue(!r.err().contains("wrong-secret"), "the secret is never printed");
        Run half = serve(Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY), "--blobs", "s3://" + bucket);
        assertTrue(half.err().contains("AWS_SECRET_ACCESS_KEY is not"), half.err());
    }
}
