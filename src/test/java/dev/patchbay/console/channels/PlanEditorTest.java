package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan editor's text fields → plan and health policy, and the errors naming the stage and field. */
class PlanEditorTest {
    @Test
    void defaultsReadAsTheDefaultPlanAndPolicy() {
        PlanEditor e = new PlanEditor();
        RolloutPlan plan = e.plan();
        assertTrue(plan.auto());
        assertEquals(List.of(100, 1000, 5000, 10000), plan.stages().stream().map(RolloutStage::bps).toList());
        assertEquals(List.of(3600L, 3600L, 86400L, 0L), plan.stages().stream().map(RolloutStage::minSoakSeconds).toList());
        assertEquals(HealthPolicy.DEFAULT, e.health());
    }

    @Test
    void addRemoveAndEditStages() {
        PlanEditor e = new PlanEditor();
        e.stages().clear();
        e.addStage();
        assertEquals("1", e.stages().get(0).percentProperty().get(), "the first stage starts at 1 %");
        e.addStage();
        assertEquals("2", e.stages().get(1).percentProperty().get(), "the next doubles the last");
        e.stages().get(1).percentProperty().set("12.5 %");
        e.stages().get(1).soakProperty().set("30m");
        e.stages().get(1).gateProperty().set("none");
        e.autoProperty().set(false);
        RolloutPlan p = e.plan();
        assertFalse(p.auto());
        assertEquals(new RolloutStage(1250, 1800, "none"), p.stages().get(1));
        e.removeStage(0);
        assertEquals(List.of(1250), e.plan().stages().stream().map(RolloutStage::bps).toList());
        for (int i = 0; i < 20; i++) {
            e.addStage();
        }
        assertEquals(RolloutPlan.MAX_STAGES, e.stages().size());
        assertTrue(e.planErrorProperty().get().contains("at most 10"));
    }

    @Test
    void badStagesAreNamed() {
        PlanEditor e = new PlanEditor();
        e.stages().get(2).percentProperty().set("5");
        ValidationException x = assertThrows(ValidationException.class, e::plan);
        assertEquals("plan.stages", x.field());
        assertTrue(x.getMessage().contains("must increase"), x.getMessage());
        assertFalse(e.validate(true));
        assertTrue(e.planErrorProperty().get().contains("must increase"));

        e.load(null, null);
        e.stages().get(1).percentProperty().set("ten");
        x = assertThrows(ValidationException.class, e::plan);
        assertEquals("plan.stages[1].bps", x.field());
        assertTrue(x.getMessage().startsWith("Stage 2: "), x.getMessage());

        e.load(null, null);
        e.stages().get(0).percentProperty().set("0");
        assertTrue(assertThrows(ValidationException.class, e::plan).getMessage().contains("0.01–100"));
        e.stages().get(0).percentProperty().set("100.5");
        assertTrue(assertThrows(ValidationException.class, e::plan).getMessage().contains("0–100"));
        e.stages().get(0).percentProperty().set("0.001");
        assertTrue(assertThrows(ValidationException.class, e::plan).getMessage().contains("0.01 % steps"));

        e.load(null, null);
        e.stages().get(3).soakProperty().set("a while");
        x = assertThrows(ValidationException.class, e::plan);
        assertEquals("plan.stages[3].minSoakSeconds", x.field());

        e.load(null, null);
        e.stages().clear();
        assertEquals("plan.stages", assertThrows(ValidationException.class, e::plan).field());
        assertTrue(e.validate(false), "without a plan only the policy is checked");
    }

    @Test
    void healthPolicyFieldsAreReadAndChecked() {
        PlanEditor e = new PlanEditor();
        e.thresholdProperty().set("2.5 %");
        e.windowProperty().set("30m");
        e.minAttemptsProperty().set("20");
        e.minFailuresProperty().set("3");
        e.cooldownProperty().set("0");
        e.actionProperty().set(HealthAction.NOTIFY);
        HealthPolicy h = e.health();
        assertEquals(0.025, h.threshold(), 1e-12);
        assertEquals(1800L, h.windowSeconds());
        assertEquals(20L, h.minAttempts());
        assertEquals(3L, h.minFailures());
        assertEquals(0L, h.cooldownSeconds());
        assertEquals(HealthAction.NOTIFY, h.action());

        e.thresholdProperty().set("lots");
        assertEquals("health.threshold", assertThrows(ValidationException.class, e::health).field());
        e.thresholdProperty().set("150");
        assertEquals("health.threshold", assertThrows(ValidationException.class, e::health).field());
        e.thresholdProperty().set("5");
        e.minFailuresProperty().set("30");
        assertEquals("health.minAttempts", assertThrows(ValidationException.class, e::health).field());
        e.minFailuresProperty().set("x");
        assertEquals("health.minFailures", assertThrows(ValidationException.class, e::health).field());
        assertFalse(e.validate(false));
        assertTrue(e.healthErrorProperty().get().contains("whole number"));

        e.healthEnabledProperty().set(false);
        assertNull(e.health(), "switched off: no policy");
        assertTrue(e.validate(true));
    }

    @Test
    void loadShowsARolloutsPlanAndPolicy() {
        PlanEditor e = new PlanEditor();
        RolloutPlan plan = new RolloutPlan(false, List.of(new RolloutStage(50, 600, "healthy"),
                new RolloutStage(10000, 86400, "none")));
        HealthPolicy h = new HealthPolicy(7200L, 0.1, 0.9, 10L, 2L, 60L, HealthAction.ROLLBACK);
        e.load(plan, h);
        assertEquals("0.5", e.stages().get(0).percentProperty().get());
        assertEquals("10m", e.stages().get(0).soakProperty().get());
        assertEquals("1d", e.stages().get(1).soakProperty().get());
        assertEquals("10", e.thresholdProperty().get());
        assertEquals("2h", e.windowProperty().get());
        assertEquals(plan, e.plan());
        assertEquals(h, e.health(), "the confidence is kept even though the editor does not show it");
        e.load(plan, null);
        assertNull(e.health(), "a rollout without a policy keeps none unless switched on");
    }
}
