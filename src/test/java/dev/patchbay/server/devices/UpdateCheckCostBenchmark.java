package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessBatch;
import dev.patchbay.crypto.FreshnessStatement;
import dev.patchbay.domain.Json;
import dev.patchbay.server.freshness.FreshnessBatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the parts of one update check cost on the request thread, without HTTP (issue 13, ADR 0114): reading the
 * request, building the freshness statement, signing it alone (v1) or in a batch (one batch of 32 per operation:
 * leaf hashes, tree, one signature, 32 audit paths and answers; divide by 32), and writing the answer JSON (an
 * {@code update} answer with its ~5 KB release envelope). Run: {@code bench/jmh.sh UpdateCheckCostBenchmark}; on a
 * shared, busy machine the thread-CPU-time variant is steadier: {@code java -cp <test classpath>
 * dev.patchbay.server.devices.UpdateCheckCostBenchmark} (CPU µs per operation of the calling thread).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class UpdateCheckCostBenchmark {
    static final String APP = "com.example.bench";
    byte[] request;
    Ed25519.Signer key;
    FreshnessBatcher batcher;
    ObjectNode statement;
    List<ObjectNode> statements32;
    String envelope;
    Instant now;
    int n;

    @Setup
    public void setUp() {
        key = Ed25519.signer(Ed25519.generatePrivateKey());
        batcher = new FreshnessBatcher(key);
        now = Instant.parse("2026-12-07T16:00:00Z");
        request = ("{\"appId\":\"" + APP + "\",\"deviceId\":\"3f1c2a64-9e4b-4b7e-8d1f-2a9c0e6b7d10\",\"platform\":"
                + "\"android\",\"osVersion\":\"14\",\"nativeVersion\":\"1.4.0\",\"nativeBuild\":140,\"runtimeVersion\":"
                + "\"0.1.0\",\"currentBundle\":\"builtin\",\"currentSequence\":null,\"channel\":null,\"customId\":null,"
                + "\"isEmulator\":false,\"isProduction\":true,\"keyIds\":{\"root\":\"0123456789abcdef\",\"content\":"
                + "\"fedcba9876543210\"},\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"freshnessBatch\":true}")
                .getBytes(StandardCharsets.UTF_8);
        statement = statement(0);
        statements32 = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            statements32.add(statement(i));
        }
        StringBuilder env = new StringBuilder("{\"release\":{\"files\":[");
        for (int i = 0; i < 32; i++) {
            env.append(i == 0 ? "" : ",").append("{\"path\":\"assets/style-").append(i).append(".css\",\"sha256\":\"")
                    .append("ab".repeat(32)).append("\",\"size\":").append(1000 + i).append(",\"tag\":\"")
                    .append("cd".repeat(16)).append("\"}");
        }
        envelope = env.append("]},\"signature\":{\"alg\":\"Ed25519\",\"value\":\"x\"}}").toString();
    }

    ObjectNode statement(int i) {
        return FreshnessStatement.statement(APP, "3f1c2a64-9e4b-4b7e-8d1f-2a9c0e6b7d10", "AAAAAAAAAAAAAAAAAAAAA" + i,
                "production", FreshnessStatement.Outcome.UPDATE,
                new FreshnessStatement.ReleaseRef("1.5.0", 8, "a".repeat(64)), now, Duration.ofMinutes(10));
    }

    /** CPU time per operation of each part, from the thread's CPU clock (not wall time: robust to a busy machine). */
    public static void main(String[] args) throws Exception {
        UpdateCheckCostBenchmark b = new UpdateCheckCostBenchmark();
        b.setUp();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, java.util.concurrent.Callable<Object>> parts = new LinkedHashMap<>();
        parts.put("parseRequest", b::parseRequest);
        parts.put("buildStatement", b::buildStatement);
        parts.put("signAlone", b::signAlone);
        parts.put("batchOfOne", b::batchOfOne);
        parts.put("batchOf32 (per batch)", b::batchOf32);
        parts.put("writeAnswer", b::writeAnswer);
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, java.util.concurrent.Callable<Object>> e : parts.entrySet()) {
                int ops = e.getKey().startsWith("batchOf32") ? 500 : 10_000;
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    e.getValue().call();
                }
                long ns = mx.getCurrentThreadCpuTime() - t0;
                if (round == 1) {
                    System.out.printf("%-24s %8.1f us CPU/op%n", e.getKey(), ns / 1000.0 / ops);
                }
            }
        }
    }

    @Benchmark
    public Object parseRequest() {
        return UpdatesApi.parse(request);
    }

    @Benchmark
    public Object buildStatement() {
        return CanonicalJson.bytes(statement(n++ & 1023));
    }

    @Benchmark
    public Object signAlone() {
        return FreshnessStatement.signed(statement, key);
    }

    @Benchmark
    public Object batchOfOne() {
        return batcher.sign(statement);
    }

    @Benchmark
    public Object batchOf32() {
        List<byte[]> leaves = new ArrayList<>(32);
        for (ObjectNode st : statements32) {
            leaves.add(FreshnessBatch.leafHash(CanonicalJson.bytes(st)));
        }
        FreshnessBatch.Tree tree = new FreshnessBatch.Tree(leaves);
        byte[] signature = key.sign(FreshnessBatch.head(tree.root(), tree.size()));
        List<ObjectNode> out = new ArrayList<>(32);
        for (int i = 0; i < 32; i++) {
            out.add(FreshnessStatement.batched(statements32.get(i), new FreshnessBatch.Proof(tree.root(), tree.size(),
                    i, tree.path(i), signature), key.keyId()));
        }
        return out;
    }

    @Benchmark
    public byte[] writeAnswer() throws Exception {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("kind", "update");
        answer.put("channel", "production");
        answer.put("channelSource", "default");
        answer.put("release", new RawValue(envelope));
        answer.put("blobUrl", "http://127.0.0.1:8080/blobs/{sha256}");
        answer.put("freshness", statements32.get(n++ & 31));
        answer.put("freshnessCert", new RawValue("{\"cert\":{\"format\":\"patchbay-freshness-cert/1\"}}"));
        return Json.mapper().writeValueAsBytes(answer);
    }
}
