package dev.patchbay.bench;

import dev.patchbay.crypto.BlobCipher;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.SealedBundle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing throughput: a generated 50 MB bundle of 500 files (100,000 bytes each, random) read from a folder, every
 * file encrypted into its own blob on disk, manifest, wrapped key and signature ({@code seal}); and the raw blob
 * cipher on the same 50 MB in memory to a null stream ({@code blobCipherOnly}), which is what compares with
 * {@code openssl speed -evp aes-256-gcm}. Blobs are cleared after each iteration (not each op). MB/s = 50 / (ms/op / 1000); bench/seal-vs-openssl.sh prints it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class SealBenchmark {
    public static final int FILES = 500;
    public static final int FILE_SIZE = 100_000;

    Path site;
    Path blobs;
    byte[] data;
    byte[] releaseKey;
    byte[] contentKey;
    ReleaseCert cert;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        // -Dpb.bench.dir=/dev/shm (via -jvmArgsAppend) puts input and blobs in memory, taking the disk out
        String base = System.getProperty("pb.bench.dir");
        site = base == null ? Files.createTempDirectory("pb-seal-bench")
                : Files.createTempDirectory(Path.of(base), "pb-seal-bench");
        blobs = base == null ? Files.createTempDirectory("pb-seal-blobs")
                : Files.createTempDirectory(Path.of(base), "pb-seal-blobs");
        generate(site, FILES, FILE_SIZE, 1);
        data = new byte[FILES * FILE_SIZE];
        new Random(2).nextBytes(data);
        byte[] root = Ed25519.generatePrivateKey();
        releaseKey = Ed25519.generatePrivateKey();
        contentKey = DataKeys.generate();
        Instant now = Instant.now();
        cert = ReleaseCert.create("com.example.bench", Ed25519.publicKey(releaseKey), now.minusSeconds(60),
                now.plus(Duration.ofDays(30)), root);
    }

    /** {@code files} random files of {@code size} bytes in 10 sub-folders, plus index.html. */
    public static void generate(Path dir, int files, int size, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] buf = new byte[size];
        Files.writeString(dir.resolve("index.html"), "<html></html>");
        for (int i = 0; i < files - 1; i++) {
            Path sub = dir.resolve("d" + (i % 10));
            Files.createDirectories(sub);
            r.nextBytes(buf);
            Files.write(sub.resolve("f" + i + ".js"), buf);
        }
    }

    @TearDown(Level.Iteration)
    public void clearBlobs() throws IOException {
        try (Stream<Path> s = Files.list(blobs)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }

    @TearDown(Level.Trial)
    public void cleanup() throws IOException {
        for (Path d : new Path[] {site, blobs}) {
            try (Stream<Path> files = Files.walk(d)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    public SealedBundle seal() throws IOException {
        try (BundleInput in = BundleInput.open(site)) {
            return BundleSealer.seal(in, new BundleSealer.Request("com.example.bench", "1.0.0", 1, null, null, null,
                    releaseKey, cert, contentKey), blobs);
        }
    }

    @Benchmark
    public Object blobCipherOnly() throws IOException {
        return BlobCipher.encrypt(contentKey, new ByteArrayInputStream(data), OutputStream.nullOutputStream());
    }
}
