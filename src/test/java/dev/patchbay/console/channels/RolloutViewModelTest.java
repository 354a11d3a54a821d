package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.RollbackReleases;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout panel's view model without a stage: slider and field in sync, which verbs are enabled in which state,
 * what the confirmations say, the plan lines. Wired to a real sandbox (online, an app with a channel selected); the
 * rollout itself is set as the server would answer it, so every state can be checked.
 */
class RolloutViewModelTest {
    static final Instant T0 = Instant.parse("2026-11-22T14:00:00Z");
    static final RolloutPlan PLAN = new RolloutPlan(true, List.of(new RolloutStage(100, 3600, "healthy"),
            new RolloutStage(1000, 3600, "healthy"), new RolloutStage(10000, 0, "none")));

    @TempDir
    Path home;

    private ConsoleFixture fx;
    private ChannelsViewModel channels;
    private RolloutViewModel vm;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        AppsViewModel apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        channels = new ChannelsViewModel(fx.connection, fx.data, fx.tasks, apps.apps(), apps::refresh);
        AppKeyStore keys = new AppKeyStore(home.resolve("keys"), KeyFileOptions.FAST);
        vm = new RolloutViewModel(fx.connection, fx.tasks, keys, RollbackReleases::build, channels.appProperty(),
                channels.selectedProperty(), "alice", Clock.systemUTC());
        fx.online();
        apps.startCreate();
        apps.formIdProperty().set("com.example.shop");
        apps.formNameProperty().set("Shop");
        apps.submit();
        fx.connection.session().client().createChannel("com.example.shop", ChannelDraft.named("production"));
        channels.refresh();
        channels.selectedProperty().set(channels.channels().get(0));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    static Rollout rollout(RolloutState state, int bps, RolloutPlan plan, Integer stage, String rollbackBundle) {
        return new Rollout("5f0c6a2e9b1d4c7e", "com.example.shop", "production", "1.4.0", "1.5.0", rollbackBundle, bps,
                state, "started", plan, stage, T0, HealthPolicy.DEFAULT, null, null, 1, T0, "key:k_1 (admin) as alice",
                T0, state.active() ? null : T0.plusSeconds(60));
    }

    @Test
    void sliderAndFieldStayInSync() {
        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 1000, null, null, null));
        vm.showPercent(1000);
        assertEquals("10", vm.percentTextProperty().get());
        assertEquals(10.0, vm.sliderPercentProperty().get(), 1e-9);
        assertFalse(vm.enabled(RolloutViewModel.Action.SET), "nothing to apply at the rollout's own percentage");

        vm.sliderPercentProperty().set(25.3712);
        assertEquals("25.37", vm.percentTextProperty().get(), "the slider moves in 0.01 % steps");
        assertEquals(2537, vm.requestedBpsProperty().get());
        assertTrue(vm.enabled(RolloutViewModel.Action.SET));

        vm.percentTextProperty().set("12.5 %");
        assertEquals(12.5, vm.sliderPercentProperty().get(), 1e-9);
        assertEquals(1250, vm.requestedBpsProperty().get());
        assertEquals("12.5 %", vm.percentTextProperty().get(), "typing is not rewritten under the cursor");

        vm.percentTextProperty().set("12.5x");
        assertTrue(vm.percentErrorProperty().get().contains("not a percentage"), vm.percentErrorProperty().get());
        assertEquals(1250, vm.requestedBpsProperty().get(), "a bad value changes nothing");
        assertEquals(12.5, vm.sliderPercentProperty().get(), 1e-9);
        assertFalse(vm.enabled(RolloutViewModel.Action.SET), "not while the field is wrong");
        vm.percentTextProperty().set("101");
        assertTrue(vm.percentErrorProperty().get().contains("0–100"));

        vm.sliderPercentProperty().set(40);
        assertEquals("", vm.percentErrorProperty().get(), "moving the slider replaces the bad text");
        assertEquals("40", vm.percentTextProperty().get());
        assertEquals(4000, vm.requestedBpsProperty().get());
    }

    @Test
    void verbsAreEnabledByState() {
        assertTrue(vm.canStartProperty().get(), "no rollout: start");
        for (RolloutViewModel.Action a : RolloutViewModel.Action.values()) {
            assertFalse(vm.enabled(a), a + " without a rollout");
        }

        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 100, PLAN, 0, "1.4.0+rollback.3"));
        assertFalse(vm.canStartProperty().get());
        assertTrue(vm.enabled(RolloutViewModel.Action.PAUSE));
        assertFalse(vm.enabled(RolloutViewModel.Action.RESUME));
        assertTrue(vm.enabled(RolloutViewModel.Action.ADVANCE));
        assertTrue(vm.enabled(RolloutViewModel.Action.ROLLBACK));
        assertTrue(vm.enabled(RolloutViewModel.Action.PROMOTE));
        assertTrue(vm.canEditPlanProperty().get());

        vm.rolloutProperty().set(rollout(RolloutState.PAUSED, 1000, PLAN, 1, "1.4.0+rollback.3"));
        assertFalse(vm.enabled(RolloutViewModel.Action.PAUSE));
        assertTrue(vm.enabled(RolloutViewModel.Action.RESUME));
        assertTrue(vm.enabled(RolloutViewModel.Action.ADVANCE), "advance works while paused too");

        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 10000, PLAN, 2, null));
        assertFalse(vm.enabled(RolloutViewModel.Action.ADVANCE), "at the last stage");
        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 500, null, null, null));
        assertFalse(vm.enabled(RolloutViewModel.Action.ADVANCE), "without a plan");

        for (RolloutState ended : List.of(RolloutState.COMPLETED, RolloutState.ROLLED_BACK)) {
            vm.rolloutProperty().set(rollout(ended, 10000, PLAN, 2, null));
            assertTrue(vm.canStartProperty().get(), "an ended rollout leaves room for a new one");
            assertFalse(vm.canEditPlanProperty().get());
            vm.percentTextProperty().set("50");
            for (RolloutViewModel.Action a : RolloutViewModel.Action.values()) {
                assertFalse(vm.enabled(a), a + " when " + ended);
            }
        }

        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 100, PLAN, 0, null));
        vm.busyProperty().set(true);
        assertFalse(vm.enabled(RolloutViewModel.Action.PAUSE), "not while a call runs");
        vm.busyProperty().set(false);
        channels.selectedProperty().set(null);
        assertNull(vm.rolloutProperty().get(), "another channel: the rollout goes");
        assertFalse(vm.canStartProperty().get(), "no channel: nothing to start");
    }

    @Test
    void confirmationsSayWhatHappens() {
        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 2500, PLAN, 1, null));
        vm.showPercent(2500);
        vm.percentTextProperty().set("10");
        String lower = vm.confirmText(RolloutViewModel.Action.SET);
        assertTrue(lower.startsWith("Lower the share on 1.5.0 from 25.00 % to 10.00 %"), lower);
        assertTrue(lower.contains("without one they keep 1.5.0"), lower);
        vm.percentTextProperty().set("50");
        assertTrue(vm.confirmText(RolloutViewModel.Action.SET).startsWith("Raise the share on 1.5.0 from 25.00 % to 50.00 %"));
        assertTrue(vm.confirmText(RolloutViewModel.Action.ADVANCE).startsWith("Go to stage 3 (100.00 %) now"));
        assertTrue(vm.confirmText(RolloutViewModel.Action.PROMOTE).contains("serves 1.5.0 to every device"));
        assertTrue(vm.confirmText(RolloutViewModel.Action.ROLLBACK).contains("serves 1.4.0 (as its rollback release)"));
    }

    @Test
    void confirmationsThatWidenARolloutGiveTheHealthReadingAndWarnWhenItFails() {
        Rollout r = rollout(RolloutState.RUNNING, 1000, null, null, null);
        HealthReading failing = new HealthReading(T0.plusSeconds(600), 19, 5, 0.26, 0.12, 0.05,
                HealthVerdict.FAILING, "5 of 19 devices failed (26.3 %, 95 % lower bound 11.8 % > threshold 5.0 %)");
        vm.rolloutProperty().set(new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(),
                r.rollbackBundle(), r.bps(), r.state(), r.reason(), r.plan(), r.stageIndex(), r.stageStartedAt(),
                r.health(), failing, null, 1, T0, r.startedBy(), T0, null));
        vm.showPercent(1000);
        vm.percentTextProperty().set("50");
        String raise = vm.confirmText(RolloutViewModel.Action.SET);
        assertTrue(raise.startsWith("⚠ This rollout is failing. Raise the share on 1.5.0 from 10.00 % to 50.00 %"), raise);
        assertTrue(raise.contains("Health failing (") && raise.contains("5 of 19 devices failed"), raise);
        assertTrue(vm.confirmText(RolloutViewModel.Action.PROMOTE).contains("5 of 19 devices failed"));
        vm.percentTextProperty().set("5");
        assertFalse(vm.confirmText(RolloutViewModel.Action.SET).contains("Health"), "lowering needs no warning");
        assertFalse(vm.confirmText(RolloutViewModel.Action.ROLLBACK).contains("Health"));
    }

    @Test
    void aVerbNeedsAReason() {
        vm.rolloutProperty().set(rollout(RolloutState.RUNNING, 100, PLAN, 0, null));
        vm.act(RolloutViewModel.Action.PAUSE, "   ");
        assertTrue(vm.messageProperty().get().startsWith("A reason is required"), vm.messageProperty().get());
        assertEquals(RolloutState.RUNNING, vm.rolloutProperty().get().state());
    }

    @Test
    void planLinesMarkTheCurrentStageAndItsSoakLeft() {
        Rollout r = rollout(RolloutState.RUNNING, 1000, PLAN, 1, null);
        List<RolloutViewModel.StageLine> lines = RolloutViewModel.stageLines(r, T0.plusSeconds(1200));
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).done());
        assertTrue(lines.get(1).current());
        assertEquals("2. 10.00 % · soak 1h · gate healthy · 40 min soak left", lines.get(1).text());
        assertFalse(lines.get(2).current() || lines.get(2).done());
        assertTrue(RolloutViewModel.stageLines(r, T0.plusSeconds(4000)).get(1).text().endsWith("soak done"));
        assertEquals(List.of(), RolloutViewModel.stageLines(rollout(RolloutState.RUNNING, 10, null, null, null), T0));
    }

    @Test
    void startFormChecksItsFieldsBeforeCallingTheServer() {
        vm.forms().openStart();
        assertEquals(RolloutViewModel.Form.START, vm.forms().formProperty().get());
        assertTrue(vm.forms().targetErrorProperty().get().startsWith("No bundle newer than the builtin assets"),
                vm.forms().targetErrorProperty().get());
        vm.forms().usePlanProperty().set(false);
        vm.forms().startPercentProperty().set("abc");
        vm.forms().plan().actionProperty().set(HealthAction.ROLLBACK);
        vm.forms().submitStart(null);
        assertEquals("Choose the bundle to roll out", vm.forms().targetErrorProperty().get());
        assertTrue(vm.forms().startPercentErrorProperty().get().contains("not a percentage"));
        assertTrue(vm.forms().reasonErrorProperty().get().startsWith("Say why"));
        assertEquals(RolloutViewModel.Form.START, vm.forms().formProperty().get(), "the form stays open");
        vm.forms().closeForm();
        assertEquals(RolloutViewModel.Form.NONE, vm.forms().formProperty().get());
    }
}
