package dev.patchbay.server.blobs;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 API server for tests: S3Proxy (Maven Central, {@code org.gaul:s3proxy}, its self-contained jar copied to
 * {@code target/s3proxy/} by the build) with its file-system backend, run as a separate process on 127.0.0.1 and a
 * free port, with AWS signature checks on. One process serves every test of the JVM (each test uses its own bucket);
 * it is stopped when the JVM exits. Two credential profiles are written for the server under test: {@code patchbay}
 * (S3Proxy's identity) and {@code wrong} (a key S3Proxy does not know).
 */
public final class S3ProxyServer {
    public static final String IDENTITY = "patchbay-test-identity";
    public static final String CREDENTIAL = "patchbay-test-credential";
    public static final String PROFILE = "patchbay";
    public static final String WRONG_PROFILE = "wrong";
    private static S3ProxyServer instance;

    public final URI endpoint;
    private final Process process;
    private final S3Client admin;

    private S3ProxyServer(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
        this.admin = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    /** The JVM's S3Proxy, started on first use (takes a few seconds). */
    public static synchronized S3ProxyServer get() throws Exception {
        return get(QUICK_START);
    }

    /**
     * The JVM's S3Proxy, started with {@code jvmOptions} if it is not running yet. The tests' default starts quickly
     * and stays small (C1 only, serial GC, 256 MB); a benchmark that sends it hundreds of thousands of requests wants
     * the full JIT.
     */
    public static synchronized S3ProxyServer get(List<String> jvmOptions) throws Exception {
        if (instance == null || !instance.process.isAlive()) {
            instance = start(jvmOptions);
        }
        return instance;
    }

    /** JVM options of a benchmark's S3Proxy: the full JIT (C2) and a parallel GC. */
    public static final List<String> FAST = List.of("-Xmx1g", "-XX:+UseParallelGC");
    private static final List<String> QUICK_START = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    private static S3ProxyServer start(List<String> jvmOptions) throws Exception {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through Maven (mvn test), whose"
                    + " copy-s3proxy step puts it there");
        }
        Path dir = Files.createDirectories(Path.of("target", "s3proxy-run", UUID.randomUUID().toString())
                .toAbsolutePath());
        writeCredentials(dir);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            Path conf = dir.resolve("s3proxy-" + port + ".conf");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + CREDENTIAL,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.identity=unused",
                    "jclouds.credential=unused",
                    "jclouds.filesystem.basedir=" + Files.createDirectories(dir.resolve("data")), ""));
            Path log = dir.resolve("s3proxy-" + port + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString(), "--properties", conf.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "s3proxy-stop"));
            if (waitUntilUp(endpoint, p, Duration.ofSeconds(90))) {
                return new S3ProxyServer(endpoint, p);
            }
            p.destroy();
            last = new IOException("S3Proxy did not start on port " + port + ": " + tail(log));
        }
        throw last;
    }

    private static boolean waitUntilUp(URI endpoint, Process p, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                int status = c.getResponseCode(); // 403 without a signature: the server answers
                c.disconnect();
                if (status > 0) {
                    return true;
                }
            } catch (IOException e) {
                Thread.sleep(150);
            }
        }
        return false;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The shared credentials file with both profiles; the AWS SDK reads it through a system property. */
    private static void writeCredentials(Path dir) throws IOException {
        Path file = dir.resolve("credentials");
        Files.writeString(file, "[" + PROFILE + "]\naws_access_key_id = " + IDENTITY + "\naws_secret_access_key = "
                + CREDENTIAL + "\n\n[" + WRONG_PROFILE + "]\naws_access_key_id = " + IDENTITY
                + "\naws_secret_access_key = not-the-credential\n", StandardCharsets.UTF_8);
        System.setProperty("aws.sharedCredentialsFile", file.toString());
        Path config = dir.resolve("config");
        Files.writeString(config, "", StandardCharsets.UTF_8);
        System.setProperty("aws.configFile", config.toString());
    }

    /** A new, empty bucket. */
    public String bucket() {
        String name = "pb-" + UUID.randomUUID().toString().substring(0, 12);
        admin.createBucket(r -> r.bucket(name));
        return name;
    }

    /** Settings of the server under test for {@code bucket} (path style, the {@code patchbay} profile). */
    public S3Settings settings(String bucket, String prefix) {
        return S3Settings.parse("s3://" + bucket + (prefix == null ? "" : "/" + prefix))
                .withEndpoint(endpoint.toString()).withPathStyle(true).withProfile(PROFILE);
    }

    /** Keys of every object in {@code bucket} under {@code prefix}. */
    public List<String> keys(String bucket, String prefix) {
        List<String> out = new ArrayList<>();
        admin.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key)
                .forEach(out::add);
        return out;
    }

    public S3Client admin() {
        return admin;
    }

    /** The S3Proxy process (to measure its CPU time). */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** The port, to tell requests to S3Proxy from those to the server in device traffic. */
    public int port() {
        return endpoint.getPort();
    }
}
