package dev.patchbay.server.devices;

import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.SemVer;
import dev.patchbay.domain.UpdateGate;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The rule chain of an update check ({@code UpdatesApi.decide}, no HTTP, no signing): a channel without a rollout
 * (the fixed answer) against the same channel with a running rollout at 10 % (bucket hash per check), over 1,024
 * devices on the stable. Run: {@code bench/jmh.sh RolloutDecideBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class RolloutDecideBenchmark {
    DeviceCatalog.AppView fixed;
    DeviceCatalog.AppView rollout;
    Channel channel;
    UpdatesApi.Check[] checks;
    int next;

    @Setup
    public void setUp() {
        Instant now = Instant.now();
        channel = new Channel("com.example.shop", "production", "", EnumSet.of(Platform.ANDROID),
                EnumSet.of(Platform.ANDROID), false, true, true, now, now, "1.4.0", UpdateGate.NONE);
        Map<String, DeviceCatalog.Release> releases = Map.of(
                "1.4.0", release("1.4.0", 1, "m1"), "1.5.0", release("1.5.0", 2, "m2"),
                "1.4.0+rollback.3", release("1.4.0+rollback.3", 3, "m1"));
        Map<String, String> manifests = Map.of("1.4.0", "m1", "1.5.0", "m2", "1.4.0+rollback.3", "m1");
        Rollout r = new Rollout("5f0c6a2e9b1d4c7e", "com.example.shop", "production", "1.4.0", "1.5.0",
                "1.4.0+rollback.3", 1000, RolloutState.RUNNING, "bench", null, null, null, null, null, null, 1, now,
                "bench", now, null);
        fixed = new DeviceCatalog.AppView("com.example.shop", null, "{}", List.of(channel), releases, Map.of(),
                Map.of(), manifests);
        rollout = new DeviceCatalog.AppView("com.example.shop", null, "{}", List.of(channel), releases, Map.of(),
                Map.of("production", r), manifests);
        checks = new UpdatesApi.Check[1024];
        for (int i = 0; i < checks.length; i++) {
            checks[i] = new UpdatesApi.Check("com.example.shop", UUID.randomUUID().toString(), "android", "14",
                    "1.4.0", SemVer.parse("1.4.0"), 140L, "0.1.0", "1.4.0", 1L, null, null, false, true, null, null,
                    "AAAAAAAAAAAAAAAAAAAAAA");
        }
    }

    private static DeviceCatalog.Release release(String version, long sequence, String manifest) {
        return new DeviceCatalog.Release(version, sequence, "1.0.0", null, "0123456789abcdef", "{}", "d", manifest);
    }

    @Benchmark
    public Object fixedAnswer() {
        return UpdatesApi.decide(fixed, checks[next++ & 1023], channel);
    }

    @Benchmark
    public Object withRollout() {
        return UpdatesApi.decide(rollout, checks[next++ & 1023], channel);
    }
}
