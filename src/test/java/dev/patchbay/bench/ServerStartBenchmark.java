package dev.patchbay.bench;

import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
 * How long the Local sandbox's server takes to start (lock the folder, open H2, migrate, bind), as the console waits
 * for it. {@code coldNewFolder}: a fresh JVM per sample, i.e. what a user waits for on the first launch ever;
 * {@code warm*}: repeated starts in one warmed-up JVM, on a new data folder and on an existing one. (A cold start on
 * an existing folder cannot be taken here: preparing the folder warms the JVM. bench/console-startup.sh measures it
 * end to end.)
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ServerStartBenchmark {

    /** An empty data folder per invocation. */
    @State(Scope.Thread)
    public static class NewFolder {
        Path dir;
        PatchbayServer server;

        @Setup(Level.Invocation)
        public void prepare() throws IOException {
            dir = Files.createTempDirectory("pb-bench");
        }

        @TearDown(Level.Invocation)
        public void cleanup() throws IOException {
            if (server != null) {
                server.close();
                server = null;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A data folder a server has already initialised (schema, admin key), as on every launch after the first. */
    @State(Scope.Thread)
    public static class ExistingFolder extends NewFolder {
        @Setup(Level.Invocation)
        @Override
        public void prepare() throws IOException {
            super.prepare();
            PatchbayServer.start(new ServerConfig("127.0.0.1", 0, dir)).close();
        }
    }

    static PatchbayServer start(NewFolder f) throws IOException {
        f.server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, f.dir));
        return f.server;
    }

    @Benchmark
    @Fork(10)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public PatchbayServer coldNewFolder(NewFolder f) throws IOException {
        return start(f);
    }

    @Benchmark
    @Fork(1)
    @Warmup(iterations = 10)
    @Measurement(iterations = 30)
    public PatchbayServer warmNewFolder(NewFolder f) throws IOException {
        return start(f);
    }

    @Benchmark
    @Fork(1)
    @Warmup(iterations = 10)
    @Measurement(iterations = 30)
    public PatchbayServer warmExistingFolder(ExistingFolder f) throws IOException {
        return start(f);
    }
}
