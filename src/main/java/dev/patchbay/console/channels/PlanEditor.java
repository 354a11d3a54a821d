package dev.patchbay.console.channels;

import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.math.BigDecimal;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The plan and health policy editor of the rollout panel (docs/rollouts.md §1, §4), as text fields: stages (percent,
 * soak, gate), auto or manual, and the health policy. {@link #plan()} and {@link #health()} read them and throw a
 * {@link ValidationException} naming the field; {@link #validate()} puts the message under the editor instead.
 */
public final class PlanEditor {
    /** One stage row: "10" (%), "1h" (soak), gate healthy or none. */
    public static final class Stage {
        private final StringProperty percent = new SimpleStringProperty(this, "percent", "");
        private final StringProperty soak = new SimpleStringProperty(this, "soak", "1h");
        private final StringProperty gate = new SimpleStringProperty(this, "gate", RolloutStage.GATE_HEALTHY);

        Stage(String percent, String soak, String gate) {
            this.percent.set(percent);
            this.soak.set(soak);
            this.gate.set(gate);
        }

        public StringProperty percentProperty() {
            return percent;
        }

        public StringProperty soakProperty() {
            return soak;
        }

        public StringProperty gateProperty() {
            return gate;
        }
    }

    public static final List<String> GATES = List.of(RolloutStage.GATE_HEALTHY, RolloutStage.GATE_NONE);

    private final ObservableList<Stage> stages = FXCollections.observableArrayList();
    private final BooleanProperty auto = new SimpleBooleanProperty(this, "auto", true);
    private final BooleanProperty healthEnabled = new SimpleBooleanProperty(this, "healthEnabled", true);
    private final StringProperty threshold = new SimpleStringProperty(this, "threshold", "");
    private final StringProperty window = new SimpleStringProperty(this, "window", "");
    private final StringProperty minAttempts = new SimpleStringProperty(this, "minAttempts", "");
    private final StringProperty minFailures = new SimpleStringProperty(this, "minFailures", "");
    private final StringProperty cooldown = new SimpleStringProperty(this, "cooldown", "");
    private final ObjectProperty<HealthAction> action = new SimpleObjectProperty<>(this, "action", HealthAction.PAUSE);
    private final StringProperty planError = new SimpleStringProperty(this, "planError", "");
    private final StringProperty healthError = new SimpleStringProperty(this, "healthError", "");
    private double confidence = HealthPolicy.DEFAULT.confidence();

    public PlanEditor() {
        load(null, null);
    }

    /** Fills the editor from a rollout's plan and policy; null plan = the default 1 → 10 → 50 → 100 %, null policy = defaults, off. */
    public void load(RolloutPlan plan, HealthPolicy health) {
        stages.clear();
        if (plan == null) {
            stages.add(new Stage("1", "1h", RolloutStage.GATE_HEALTHY));
            stages.add(new Stage("10", "1h", RolloutStage.GATE_HEALTHY));
            stages.add(new Stage("50", "1d", RolloutStage.GATE_HEALTHY));
            stages.add(new Stage("100", "0s", RolloutStage.GATE_NONE));
            auto.set(true);
        } else {
            for (RolloutStage s : plan.stages()) {
                stages.add(new Stage(Percent.text(s.bps()), Durations.text(s.minSoakSeconds()), s.gate()));
            }
            auto.set(plan.auto());
        }
        HealthPolicy h = health == null ? HealthPolicy.DEFAULT : health;
        healthEnabled.set(health != null || plan == null);
        threshold.set(new BigDecimal(Double.toString(h.threshold() * 100)).stripTrailingZeros().toPlainString());
        window.set(Durations.text(h.windowSeconds()));
        minAttempts.set(Long.toString(h.minAttempts()));
        minFailures.set(Long.toString(h.minFailures()));
        cooldown.set(Durations.text(h.cooldownSeconds()));
        action.set(h.action());
        confidence = h.confidence();
        clearErrors();
    }

    /** Appends a stage above the last one (double it, at most 100 %). */
    public void addStage() {
        if (stages.size() >= RolloutPlan.MAX_STAGES) {
            planError.set("A plan has at most " + RolloutPlan.MAX_STAGES + " stages");
            return;
        }
        int last = 0;
        if (!stages.isEmpty()) {
            try {
                last = Percent.parse(stages.get(stages.size() - 1).percent.get(), "plan");
            } catch (ValidationException e) {
                last = 0;
            }
        }
        int next = last == 0 ? 100 : Math.min(10_000, last * 2);
        stages.add(new Stage(Percent.text(next), "1h", RolloutStage.GATE_HEALTHY));
    }

    public void removeStage(int index) {
        if (index >= 0 && index < stages.size()) {
            stages.remove(index);
        }
    }

    /** The plan in the editor; a {@link ValidationException} names the stage and field. */
    public RolloutPlan plan() {
        List<RolloutStage> out = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            String at = "plan.stages[" + i + "]";
            try {
                int bps = Percent.parse(s.percent.get(), at + ".bps");
                if (bps < 1) {
                    throw new ValidationException(at + ".bps", "a stage's percentage is 0.01–100 %");
                }
                long soak = Durations.parse(s.soak.get(), at + ".minSoakSeconds");
                out.add(new RolloutStage(bps, soak, s.gate.get()));
            } catch (ValidationException e) {
                throw new ValidationException(e.field().startsWith(at) ? e.field() : at,
                        "Stage " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new ValidationException("plan.stages", "Add at least one stage");
        }
        return new RolloutPlan(auto.get(), out);
    }

    /** The health policy in the editor, or null when it is switched off. */
    public HealthPolicy health() {
        if (!healthEnabled.get()) {
            return null;
        }
        double rate;
        try {
            rate = Double.parseDouble(strip(threshold.get())) / 100;
        } catch (NumberFormatException e) {
            throw new ValidationException("health.threshold", "The failure threshold is a percentage, e.g. 5");
        }
        return new HealthPolicy(Durations.parse(window.get(), "health.windowSeconds"), rate, confidence,
                count(minAttempts.get(), "health.minAttempts", "Minimum attempts"),
                count(minFailures.get(), "health.minFailures", "Minimum failures"),
                Durations.parse(cooldown.get(), "health.cooldownSeconds"), action.get());
    }

    /** Checks the editor, showing the first problem of the plan and of the policy; true when both read. */
    public boolean validate(boolean withPlan) {
        clearErrors();
        boolean ok = true;
        if (withPlan) {
            try {
                plan();
            } catch (ValidationException e) {
                planError.set(e.getMessage());
                ok = false;
            }
        }
        try {
            health();
        } catch (ValidationException e) {
            healthError.set(e.getMessage());
            ok = false;
        }
        return ok;
    }

    public void clearErrors() {
        planError.set("");
        healthError.set("");
    }

    private static String strip(String text) {
        String t = text == null ? "" : text.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        return t.replace(',', '.').toLowerCase(Locale.ROOT);
    }

    private static long count(String text, String field, String name) {
        try {
            return Long.parseLong(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw new ValidationException(field, name + " is a whole number, not '" + (text == null ? "" : text.trim()) + "'");
        }
    }

    public ObservableList<Stage> stages() {
        return stages;
    }

    public BooleanProperty autoProperty() {
        return auto;
    }

    public BooleanProperty healthEnabledProperty() {
        return healthEnabled;
    }

    public StringProperty thresholdProperty() {
        return threshold;
    }

    public StringProperty windowProperty() {
        return window;
    }

    public StringProperty minAttemptsProperty() {
        return minAttempts;
    }

    public StringProperty minFailuresProperty() {
        return minFailures;
    }

    public StringProperty cooldownProperty() {
        return cooldown;
    }

    public ObjectProperty<HealthAction> actionProperty() {
        return action;
    }

    public StringProperty planErrorProperty() {
        return planError;
    }

    public StringProperty healthErrorProperty() {
        return healthError;
    }
}
