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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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
    record Reading(RolloutSeries series, int step, String problem) {
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
    private FailedDevicesLink.Opener opener = (appId, rolloutId, from, to, label) -> { };

    public RolloutChartsViewModel(ZoneId zone) {
        this.zone = zone;
        chosen.addListener((obs, old, now) -> {
            if (now != null && rollout != null) {
                chosenRollout = rollout.id();
                chosenFrom = now.from();
            }
        });
    }

    /** Reads the series of {@code r} up to {@code now} (on a background thread): aligned steps, see the class. */
    Reading read(PatchbayClient client, Rollout r, Instant now) {
        Instant start = r.startedAt() == null ? now.minus(Duration.ofHours(1)) : r.startedAt();
        Instant to = r.endedAt() != null ? r.endedAt() : now;
        if (to.isBefore(start)) {
            to = start;
        }
        int s = RolloutCharts.step(start, to);
        Instant from = RolloutCharts.alignedStart(start, s, zone);
        try {
            return new Reading(client.rolloutSeries(r.appId(), r.id(), from, to, s), s, "");
        } catch (ServerUnreachableException e) {
            throw e;
        } catch (RuntimeException e) {
            return new Reading(null, s, "Charts unavailable: " + Problems.message(e));
        }
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
    }

    void clear() {
        adoption.clear();
        failures.clear();
        withFailures.clear();
        chosen.set(null);
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

    /** Opens the step chosen in the chooser. */
    public void openChosen() {
        open(chosen.get());
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
