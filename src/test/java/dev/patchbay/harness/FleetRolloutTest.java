package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged rollout on a fleet of hundreds of headless devices against a real server on loopback with its rollout
 * supervisor ticking fast: real sealed bundles, the real runtime on every device, the health policy deciding.
 * First a target that fails on 20 % of the devices (it never calls notifyAppReady there: the runtime rolls it back
 * and reports it): the supervisor pauses the rollout and says why, with the numbers; no new device gets the target
 * while it is paused. Then, after rolling that rollout back, a healthy target goes 10 % → 50 % → 100 % by itself and
 * every device ends on it.
 */
class FleetRolloutTest {
    static final int DEVICES = 400;
    static final Duration SESSION = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void theHealthPolicyPausesAFailingTargetAndAHealthyOneReachesEveryDevice() throws Exception {
        long t0 = System.nanoTime();
        // The whole fleet reaches the server from one address (loopback), like devices behind one proxy: the server
        // is told to count them all (ADR 0094; the default counts 50 devices per address and release).
        try (DeviceLab lab = new DeviceLab(dir, c -> c.withRolloutTick(Duration.ofMillis(200))
                .withDevicesPerAddress(DEVICES))) {
            PatchbayClient client = PatchbayClient.connect(lab.server.url(), lab.server.adminKey)
                    .withActor("fleet-test");
            lab.publish(lab.healthy("1.5.0"), "1.5.0", 1);
            // A tenth of the apps are killed after each round (the next round is a cold start).
            FleetMix mix = new FleetMix("fleet-rollout", null, null, null, 0, 0, Map.of("1.5.0", 0.2), null, 10);
            // Successes are reported at once, failures only after the 1 s app-ready timeout and the stats queue, so
            // a soak shorter than that could pass a healthy gate on the successes alone: the failing run's first
            // stage soaks longer than a round takes; the healthy run's stages soak a few seconds.
            RolloutPlan failingPlan = new RolloutPlan(true, List.of(new RolloutStage(1000, 40, "healthy"),
                    new RolloutStage(5000, 4, "healthy"), new RolloutStage(10000, 2, "healthy")));
            RolloutPlan plan = new RolloutPlan(true, List.of(new RolloutStage(1000, 4, "healthy"),
                    new RolloutStage(5000, 4, "healthy"), new RolloutStage(10000, 2, "healthy")));
            HealthPolicy health = new HealthPolicy(600L, 0.05, 0.95, 20L, 3L, 0L, HealthAction.PAUSE);
            try (Fleet fleet = new Fleet(new Fleet.Options(lab.dir.resolve("fleet"), DEVICES,
                    lab.quickRollback(AutoUpdate.ALWAYS), 16, Map.of(), null, false, mix))) {
                Set<String> failing = new HashSet<>();
                fleet.profiles().forEach(p -> {
                    if (p.failing().contains("1.5.0")) {
                        failing.add(p.deviceId());
                    }
                });
                assertTrue(failing.size() > DEVICES / 10 && failing.size() < DEVICES * 3 / 10, "" + failing.size());

                // The channel serves the builtin assets; the devices install the app in the first round.
                Rollout r = client.startRollout(lab.appId, DeviceLab.CHANNEL, new RolloutStart("1.5.0", null, failingPlan,
                        health, null, "fleet test: 1.5.0, which fails on a fifth of the devices"));
                assertEquals(1000, r.bps());
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                Set<String> rolledBack = new HashSet<>();
                FleetRound last = null;
                while (r.state() == RolloutState.RUNNING && System.nanoTime() < deadline) {
                    FleetRound round = fleet.round(SESSION, 32);
                    last = round;
                    log(round, t0);
                    assertEquals(0, round.errors(), round.sessions().toString());
                    round.sessions().stream().filter(s -> s.outcome().equals("rolled_back"))
                            .forEach(s -> rolledBack.add(s.deviceId()));
                    r = client.rollout(lab.appId, DeviceLab.CHANNEL);
                }
                assertEquals(RolloutState.PAUSED, r.state(), r.toString());
                assertFalse(rolledBack.isEmpty());
                assertTrue(failing.containsAll(rolledBack), "only the devices chosen to fail rolled back");

                List<RolloutChange> history = client.rolloutHistory(lab.appId, r.id());
                RolloutChange pause = history.stream().filter(c -> "paused".equals(c.toState())).findFirst()
                        .orElseThrow(() -> new AssertionError(history.toString()));
                assertEquals("system:health-policy", pause.actor(), pause.toString());
                assertEquals(r.reason(), pause.reason());
                Matcher m = Pattern.compile("health policy: (\\d+) of (\\d+) devices failed .*threshold 5\\.0 %.*paused")
                        .matcher(pause.reason());
                assertTrue(m.find(), pause.reason());
                long failures = Long.parseLong(m.group(1));
                long attempts = Long.parseLong(m.group(2));
                assertTrue(failures >= 3 && attempts >= 20 && failures > attempts * 0.05, pause.reason());
                assertNotNull(r.lastHealth());

                // Paused (before this round started): no device that does not run the target yet gets it.
                int onTarget = last.byBundle().getOrDefault("1.5.0", 0);
                assertTrue(onTarget > 0, last.line());
                FleetRound paused = fleet.round(SESSION, 32);
                log(paused, t0);
                assertEquals(onTarget, paused.byBundle().getOrDefault("1.5.0", 0).intValue(), paused.line());
                assertEquals(0, paused.count("updated"), paused.line());

                // Roll it back (the stable is the builtin), then a fixed release goes to everyone by itself.
                r = client.rollbackRollout(lab.appId, DeviceLab.CHANNEL, "fleet test: 1.5.0 fails", null);
                assertEquals(RolloutState.ROLLED_BACK, r.state());

                lab.publish(lab.healthy("1.5.1"), "1.5.1", 2);
                r = client.startRollout(lab.appId, DeviceLab.CHANNEL, new RolloutStart("1.5.1", null, plan, health,
                        null, "fleet test: the fixed 1.5.1"));
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                FleetRound round = null;
                while (System.nanoTime() < deadline) {
                    round = fleet.round(SESSION, 32);
                    log(round, t0);
                    assertEquals(0, round.errors(), round.sessions().toString());
                    assertEquals(0, round.count("rolled_back"), round.line());
                    r = client.rollout(lab.appId, DeviceLab.CHANNEL);
                    if (r.state() == RolloutState.COMPLETED && round.byBundle().equals(Map.of("1.5.1", DEVICES))) {
                        break;
                    }
                }
                assertEquals(RolloutState.COMPLETED, r.state(), r.toString());
                assertEquals(10000, r.bps());
                assertEquals(Map.of("1.5.1", DEVICES), round.byBundle(), round.line());
                List<RolloutChange> steps = client.rolloutHistory(lab.appId, r.id());
                assertTrue(steps.stream().anyMatch(c -> c.toBps() == 5000), steps.toString());
                assertTrue(steps.stream().anyMatch(c -> "completed".equals(c.toState())
                        && c.actor().startsWith("system:")), steps.toString());
            }
        }
    }

    private static void log(FleetRound r, long t0) {
        double cpu = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() / 1e9 : -1;
        System.out.printf("%6.1f s (process CPU %.1f s, load %.1f)  %s%n", (System.nanoTime() - t0) / 1e9, cpu,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), r.line());
    }
}
