package dev.patchbay.console.channels;

import dev.patchbay.client.AdoptionPoint;
import dev.patchbay.client.FailureBucket;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutSeries;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.devices.FailedDevicesLink;
import dev.patchbay.domain.rollout.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import dev.patchbay.client.RolloutChange;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The rollout panel's charts (docs/rollouts.md §5): adoption over time and failures per step. The steps are whole
 * minutes, hours or days on the local clock ({@link RolloutCharts#step}), so a refresh (every 3 s) changes the numbers
 * of the bars in place and never their places; the step chosen for the keyboard stays chosen. A bar opens its failed
 * devices on the Devices page.
 */
public final class RolloutChartsViewModel {
    /** What one read of the charts brought: the series (null when unavailable), its step and a problem, or "". */
    record Reading(RolloutSeries series, int step, String problem, List<RolloutStages.StageFailures> stages) {
        Reading(RolloutSeries series, int step, String problem) {
            this(series, step, problem, null);
        }
    }

    private final ZoneId zone;
    private final ObservableList<AdoptionPoint> adoption = FXCollections.observableArrayList();
    private final ObservableList<FailureBucket> failures = FXCollections.observableArrayList();
    private final ObservableList<FailureBucket> withFailures = FXCollections.observableArrayList();
    private final ObjectProperty<FailureBucket> chosen = new SimpleObjectProperty<>(this, "chosen");
    private final IntegerProperty step = new SimpleIntegerProperty(this, "step", RolloutCharts.STEPS.get(0));
    private final DoubleProperty threshold = new SimpleDoubleProperty(this, "threshold", Double.NaN);
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private Rollout rollout;
    /** The step last chosen (rollout id, step start): chosen again after the panel was cleared and read again. */
    private String chosenRollout;
    private Instant chosenFrom;
    private final BooleanProperty byStage = new SimpleBooleanProperty(this, "byStage");
    /** {@link #byStage} for the background read (the property belongs to the FX thread). */
    private volatile boolean readStages;
    private final ObservableList<RolloutStages.StageFailures> stages = FXCollections.observableArrayList();
    private final ObservableList<RolloutStages.StageFailures> stagesWithFailures = FXCollections.observableArrayList();
    private final ObjectProperty<RolloutStages.StageFailures> chosenStage = new SimpleObjectProperty<>(this, "chosenStage");
    private Integer chosenStageNumber;
    /** Counts of stages that ended (they no longer change), by rollout id, start and end: read once. */
    private final Map<String, long[]> endedStages = new ConcurrentHashMap<>();
    private FailedDevicesLink.Opener opener = (appId, rolloutId, from, to, label) -> { };

    public RolloutChartsViewModel(ZoneId zone) {
        this.zone = zone;
        chosen.addListener((obs, old, now) -> {
            if (now != null && rollout != null) {
                chosenRollout = rollout.id();
                chosenFrom = now.from();
            }
        });
        chosenStage.addListener((obs, old, now) -> {
            if (now != null && rollout != null) {
                chosenRollout = rollout.id();
                chosenStageNumber = now.span().number();
            }
        });
        byStage.addListener((obs, old, now) -> readStages = now);
    }

    /**
     * Reads the series of {@code r} up to {@code now} (on a background thread): aligned steps, see the class; with the
     * per-stage view chosen, also the failures of each stage of its {@code history}.
     */
    Reading read(PatchbayClient client, Rollout r, List<RolloutChange> history, Instant now) {
        Instant start = r.startedAt() == null ? now.minus(Duration.ofHours(1)) : r.startedAt();
        Instant to = r.endedAt() != null ? r.endedAt() : now;
        if (to.isBefore(start)) {
            to = start;
        }
        int s = RolloutCharts.step(start, to);
        Instant from = RolloutCharts.alignedStart(start, s, zone);
        try {
            RolloutSeries series = client.rolloutSeries(r.appId(), r.id(), from, to, s);
            return new Reading(series, s, "", readStages ? stages(client, r, history, now) : null);
        } catch (ServerUnreachableException e) {
            throw e;
        } catch (RuntimeException e) {
            return new Reading(null, s, "Charts unavailable: " + Problems.message(e));
        }
    }

    /**
     * Each stage's distinct devices and failures: one series request per stage, its step the stage's length (so one
     * bar with the stage's exact counts). A stage that ended is read once.
     */
    private List<RolloutStages.StageFailures> stages(PatchbayClient client, Rollout r, List<RolloutChange> history,
                                                     Instant now) {
        List<RolloutStages.StageFailures> out = new ArrayList<>();
        for (RolloutStages.Span span : RolloutStages.spans(r, history, now)) {
            String key = r.id() + " " + span.from() + " " + span.to();
            long[] counts = span.open() ? null : endedStages.get(key);
            if (counts == null) {
                counts = new long[2];
                long seconds = Duration.between(span.from(), span.to()).toSeconds() + 1;
                if (span.to().isAfter(span.from())) {
                    for (FailureBucket b : client.rolloutSeries(r.appId(), r.id(), span.from(), span.to(),
                            (int) Math.min(Integer.MAX_VALUE, Math.max(10, seconds))).failures()) {
                        counts[0] += b.attempts();
                        counts[1] += b.failures();
                    }
                }
                if (!span.open()) {
                    endedStages.put(key, counts);
                }
            }
            out.add(RolloutStages.counted(r, span, counts[0], counts[1]));
        }
        return out;
    }

    /** Shows a reading of {@code r} (null: no rollout, the charts empty). */
    void apply(Rollout r, Reading reading) {
        boolean same = rollout != null && r != null && rollout.id().equals(r.id());
        rollout = r;
        if (r == null) {
            clear();
            return;
        }
        message.set(reading == null ? "" : reading.problem());
        if (reading == null || reading.series() == null) {
            if (!same) {
                clear();
            }
            return;
        }
        adoption.setAll(reading.series().adoption());
        threshold.set(reading.series().threshold());
        List<FailureBucket> fresh = reading.series().failures();
        if (!same || step.get() != reading.step()) {
            if (step.get() != reading.step()) {
                chosenFrom = null;
            }
            step.set(reading.step());
            failures.setAll(fresh);
        } else {
            mergeInPlace(failures, fresh);
        }
        Instant was = r.id().equals(chosenRollout) ? chosenFrom : null;
        List<FailureBucket> steps = fresh.stream().filter(b -> b.failures() > 0)
                .sorted(Comparator.comparing(FailureBucket::from).reversed()).toList();
        mergeInPlace(withFailures, steps);
        chosen.set(was == null ? null : steps.stream().filter(b -> b.from().equals(was)).findFirst().orElse(null));
        if (reading.stages() != null) {
            applyStages(r, reading.stages());
        }
    }

    /** The stage bars in place (a stage keeps its place: stages are only ever added) and the stage chosen kept. */
    private void applyStages(Rollout r, List<RolloutStages.StageFailures> fresh) {
        Integer was = r.id().equals(chosenRollout) ? chosenStageNumber : null;
        mergeInPlace(stages, fresh);
        List<RolloutStages.StageFailures> failed = fresh.stream().filter(f -> f.failures() > 0).toList();
        mergeInPlace(stagesWithFailures, failed);
        chosenStage.set(was == null ? null : failed.stream().filter(f -> f.span().number() == was).findFirst()
                .orElse(null));
    }

    void clear() {
        adoption.clear();
        failures.clear();
        withFailures.clear();
        chosen.set(null);
        stages.clear();
        stagesWithFailures.clear();
        chosenStage.set(null);
        threshold.set(Double.NaN);
        message.set("");
    }

    /**
     * Makes {@code list} equal to {@code fresh} changing only the entries that differ (a replaced entry keeps its
     * place, so the bar or choice showing it stays where it is).
     */
    static <T> void mergeInPlace(ObservableList<T> list, List<T> fresh) {
        for (int i = 0; i < fresh.size(); i++) {
            if (i >= list.size()) {
                list.addAll(fresh.subList(i, fresh.size()));
                break;
            }
            if (!Objects.equals(list.get(i), fresh.get(i))) {
                list.set(i, fresh.get(i));
            }
        }
        if (list.size() > fresh.size()) {
            list.remove(fresh.size(), list.size());
        }
    }

    /** What opening a bar does: the Devices page with those devices ({@link FailedDevicesLink}). */
    public void setOpener(FailedDevicesLink.Opener opener) {
        this.opener = opener;
    }

    /** Opens the devices that failed in {@code b} on the Devices page. */
    public void open(FailureBucket b) {
        Rollout r = rollout;
        if (r == null || b == null) {
            return;
        }
        opener.open(r.appId(), r.id(), b.from(), b.to(), "failed " + r.targetBundle() + " on " + r.channel() + ", "
                + RolloutCharts.range(b, zone));
    }

    /** Opens the devices that failed in stage {@code f} on the Devices page. */
    public void open(RolloutStages.StageFailures f) {
        Rollout r = rollout;
        if (r == null || f == null) {
            return;
        }
        opener.open(r.appId(), r.id(), f.span().from(), f.span().to(), "failed " + r.targetBundle() + " on "
                + r.channel() + ", " + f.span().label());
    }

    /** Opens the step (or, per stage, the stage) chosen in the chooser. */
    public void openChosen() {
        if (byStage.get()) {
            open(chosenStage.get());
        } else {
            open(chosen.get());
        }
    }

    /** Whether the failure chart shows one bar per stage that ran rather than per time step (a kept setting). */
    public BooleanProperty byStageProperty() {
        return byStage;
    }

    /** The stages that ran, in order; entries replaced in place on a refresh (read only while {@link #byStage}). */
    public ObservableList<RolloutStages.StageFailures> stages() {
        return stages;
    }

    /** The stages with failures, in order (the stage chooser's list). */
    public ObservableList<RolloutStages.StageFailures> stagesWithFailures() {
        return stagesWithFailures;
    }

    /** The stage chosen in the chooser; kept (by its number) across refreshes. */
    public ObjectProperty<RolloutStages.StageFailures> chosenStageProperty() {
        return chosenStage;
    }

    public ObservableList<AdoptionPoint> adoption() {
        return adoption;
    }

    /** Every step of the rollout, oldest first; entries are replaced in place on a refresh. */
    public ObservableList<FailureBucket> failures() {
        return failures;
    }

    /** The steps with failures, newest first (the chooser's list). */
    public ObservableList<FailureBucket> withFailures() {
        return withFailures;
    }

    /** The step chosen in the chooser; kept (by its start) across refreshes. */
    public ObjectProperty<FailureBucket> chosenProperty() {
        return chosen;
    }

    /** The failure step in seconds. */
    public IntegerProperty stepProperty() {
        return step;
    }

    /** The health policy's threshold as a fraction (NaN: none). */
    public DoubleProperty thresholdProperty() {
        return threshold;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public ZoneId zone() {
        return zone;
    }
}
