package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage's soak does not run while the rollout is paused (docs/rollouts.md §3): resume moves the stage start. */
class SoakPauseTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dataDir;

    @Test
    void theSoakLeftAtThePauseIsTheSoakLeftAtTheResume() throws Exception {
        MutableClock clock = new MutableClock();
        try (RunningServer s = RunningServer.start(dataDir, clock)) {
            DeviceFixture f = new DeviceFixture(s, APP).create().trustServer();
            f.channel("{\"name\":\"production\",\"defaultFor\":[\"android\"]}");
            f.publish("1.0.0", 1);
            f.patchChannel("production", "{\"bundle\":\"1.0.0\"}");
            f.publish("1.1.0", 2);
            PatchbayClient client = PatchbayClient.connect(s.url(), s.adminKey);
            RolloutPlan plan = new RolloutPlan(false, List.of(new RolloutStage(100, 3600, "none"),
                    new RolloutStage(10000, 3600, "none")));
            Rollout started = client.startRollout(APP, "production",
                    new RolloutStart("1.1.0", null, plan, null, null, "canary"));

            clock.advance(Duration.ofMinutes(20));
            client.pauseRollout(APP, "production", "looking at a report");
            clock.advance(Duration.ofHours(2));
            Rollout resumed = client.resumeRollout(APP, "production", "fine");
            // 20 min soaked before the pause: 40 min left, as when it was paused.
            Duration soaked = Duration.between(resumed.stageStartedAt(), resumed.updatedAt());
            assertEquals(20, soaked.toMinutes(), resumed.toString());
            assertEquals(120, Duration.between(started.stageStartedAt(), resumed.stageStartedAt()).toMinutes());

            // A second pause counts from where the first left off.
            clock.advance(Duration.ofMinutes(10));
            client.pauseRollout(APP, "production", "again");
            clock.advance(Duration.ofMinutes(30));
            Rollout again = client.resumeRollout(APP, "production", "fine");
            assertEquals(30, Duration.between(again.stageStartedAt(), again.updatedAt()).toMinutes(), again.toString());
        }
    }
}
