package dev.patchbay.console.channels;

import dev.patchbay.client.ConflictException;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The rollout panel of the Channels &amp; Rollouts page (docs/rollouts.md): the selected channel's rollout, the
 * percentage control (slider and field kept in sync), the verbs, the start form and plan editor
 * ({@link RolloutStartForm}), the history, the
 * charts ({@link RolloutChartsViewModel}, read with the rollout while the page is shown). Every call goes through the
 * client with {@code withActor(actor)}, off the FX thread.
 */
public final class RolloutViewModel {
    /** The verbs that change an active rollout; each asks for a reason and a confirmation. */
    public enum Action {
        SET("Apply percentage", "Applying percentage"),
        PAUSE("Pause", "Pausing"),
        RESUME("Resume", "Resuming"),
        ADVANCE("Advance", "Advancing"),
        ROLLBACK("Roll back", "Rolling back"),
        PROMOTE("Promote", "Promoting");

        public final String label;
        final String doing;

        Action(String label, String doing) {
            this.label = label;
            this.doing = doing;
        }
    }

    /** The form open in the panel. */
    public enum Form { NONE, START, PLAN }

    /** Builds the rollback release (docs/rollouts.md §3); {@code crypto.RollbackReleases::build}. */
    @FunctionalInterface
    public interface RollbackBuilder {
        byte[] build(byte[] stableEnvelope, AppKeys keys, long sequence, Instant now);
    }

    /** A stage of the plan as the panel lists it. */
    public record StageLine(int index, String text, boolean current, boolean done) {
    }

    record Snapshot(Rollout rollout, List<RolloutChange> history, RolloutChartsViewModel.Reading charts) {
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final AppKeyStore keys;
    private final RollbackBuilder rollbackBuilder;
    private final ObservableValue<App> app;
    private final ObservableValue<Channel> channel;
    private final String actor;
    private final Clock clock;

    private final ObjectProperty<Rollout> rollout = new SimpleObjectProperty<>(this, "rollout");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");
    private final ObservableList<RolloutChange> history = FXCollections.observableArrayList();
    private final RolloutChartsViewModel charts = new RolloutChartsViewModel(java.time.ZoneId.systemDefault());

    private final DoubleProperty sliderPercent = new SimpleDoubleProperty(this, "sliderPercent", 0);
    private final StringProperty percentText = new SimpleStringProperty(this, "percentText", "0");
    private final StringProperty percentError = new SimpleStringProperty(this, "percentError", "");
    private final IntegerProperty requestedBps = new SimpleIntegerProperty(this, "requestedBps", 0);
    private boolean syncing;

    private final RolloutStartForm forms;

    private final BooleanBinding hasChannel;
    private final BooleanBinding cannotAct;
    private final BooleanBinding active;
    private final BooleanBinding canStart;
    private final BooleanBinding canApplyPercent;
    private final BooleanBinding canPause;
    private final BooleanBinding canResume;
    private final BooleanBinding canAdvance;
    private final BooleanBinding canRollback;
    private final BooleanBinding canPromote;
    private final BooleanBinding canEditPlan;

    private long generation;
    private boolean polling;
    private boolean pollAgain;

    /**
     * @param app     the page's app
     * @param channel the page's selected channel
     * @param actor   who the audit log names behind the API key (the OS user name)
     */
    public RolloutViewModel(ConnectionManager connection, TaskRunner tasks, AppKeyStore keys, RollbackBuilder rollbackBuilder,
                            ObservableValue<App> app, ObservableValue<Channel> channel, String actor, Clock clock) {
        this.connection = connection;
        this.tasks = tasks;
        this.keys = keys;
        this.rollbackBuilder = rollbackBuilder;
        this.app = app;
        this.channel = channel;
        this.actor = actor;
        this.clock = clock;
        this.forms = new RolloutStartForm(this, connection, tasks, keys, app, channel, actor);

        hasChannel = Bindings.createBooleanBinding(() -> app.getValue() != null && channel.getValue() != null, app, channel);
        cannotAct = connection.readOnlyProperty().or(busy).or(hasChannel.not());
        active = Bindings.createBooleanBinding(() -> rollout.get() != null && rollout.get().active(), rollout);
        canStart = cannotAct.not().and(active.not());
        canPause = cannotAct.not().and(stateIs(RolloutState.RUNNING));
        canResume = cannotAct.not().and(stateIs(RolloutState.PAUSED));
        canAdvance = cannotAct.not().and(Bindings.createBooleanBinding(() -> nextStage(rollout.get()) >= 0, rollout));
        canRollback = cannotAct.not().and(active);
        canPromote = cannotAct.not().and(active);
        canEditPlan = cannotAct.not().and(active);
        canApplyPercent = cannotAct.not().and(active).and(Bindings.createBooleanBinding(() -> percentError.get().isEmpty()
                && rollout.get() != null && requestedBps.get() != rollout.get().bps(), percentError, requestedBps, rollout));

        sliderPercent.addListener((obs, old, now) -> {
            if (!syncing) {
                int bps = Percent.fromSlider(now.doubleValue());
                sync(() -> {
                    percentText.set(Percent.text(bps));
                    percentError.set("");
                    requestedBps.set(bps);
                });
            }
        });
        percentText.addListener((obs, old, now) -> {
            if (!syncing) {
                try {
                    int bps = Percent.parse(now, "bps");
                    sync(() -> {
                        percentError.set("");
                        requestedBps.set(bps);
                        sliderPercent.set(bps / 100.0);
                    });
                } catch (ValidationException e) {
                    percentError.set(e.getMessage());
                }
            }
        });
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                selectionChanged();
            }
        });
        channel.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.name().equals(now.name()) || !old.appId().equals(now.appId())) {
                selectionChanged();
            }
        });
        connection.sessionProperty().addListener((obs, old, now) -> selectionChanged());
        charts.byStageProperty().addListener((obs, old, now) -> poll());
    }

    private BooleanBinding stateIs(RolloutState s) {
        return Bindings.createBooleanBinding(() -> rollout.get() != null && rollout.get().state() == s, rollout);
    }

    private void sync(Runnable r) {
        syncing = true;
        try {
            r.run();
        } finally {
            syncing = false;
        }
    }

    /** Puts the percentage control on {@code bps} (the rollout's own, after it changed on the server). */
    void showPercent(int bps) {
        sync(() -> {
            percentError.set("");
            requestedBps.set(bps);
            sliderPercent.set(bps / 100.0);
            percentText.set(Percent.text(bps));
        });
    }

    private void selectionChanged() {
        generation++;
        rollout.set(null);
        history.clear();
        charts.apply(null, null);
        message.set("");
        info.set("");
        forms.formProperty().set(Form.NONE);
        showPercent(0);
        poll();
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /** Reads the rollout, its history and chart series in one background task; never two at once. */
    public void poll() {
        Session s = connection.session();
        App a = app.getValue();
        Channel c = channel.getValue();
        if (s == null || s.client() == null || a == null || c == null) {
            return;
        }
        if (polling) {
            pollAgain = true;
            return;
        }
        polling = true;
        long gen = generation;
        PatchbayClient client = s.client();
        tasks.create("Reading the rollout of " + c.name(), () -> read(client, a.id(), c.name()))
                .onSuccess(snap -> {
                    if (gen == generation) {
                        apply(snap);
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        failed(e);
                    }
                })
                .andFinally(() -> {
                    polling = false;
                    if (pollAgain) {
                        pollAgain = false;
                        poll();
                    }
                })
                .run();
    }

    /** Whether a poll is running now (the page's timer skips a tick rather than queue polls). */
    public boolean polling() {
        return polling;
    }

    private Snapshot read(PatchbayClient client, String appId, String channelName) {
        Rollout r;
        try {
            r = client.rollout(appId, channelName);
        } catch (NotFoundException e) {
            return new Snapshot(null, List.of(), null);
        }
        List<RolloutChange> h = new ArrayList<>(client.rolloutHistory(appId, r.id()));
        h.sort(Comparator.comparing(RolloutChange::at, Comparator.nullsLast(Comparator.naturalOrder())).reversed());
        return new Snapshot(r, h, charts.read(client, r, h, clock.instant()));
    }

    private void apply(Snapshot snap) {
        Rollout old = rollout.get();
        Rollout now = snap.rollout();
        rollout.set(now);
        if (now != null && (old == null || !old.id().equals(now.id()) || old.bps() != now.bps())) {
            showPercent(now.bps());
        }
        history.setAll(snap.history());
        charts.apply(now, snap.charts());
        message.set("");
        connection.markOnline();
    }

    private void failed(Throwable e) {
        if (e instanceof ServerUnreachableException u) {
            connection.markOffline(u);
            message.set("");
        } else {
            message.set(Problems.message(e));
        }
    }

    // ---- verbs --------------------------------------------------------------------------------------------------

    /** Whether {@code a} may run now (the buttons' enablement). */
    public boolean enabled(Action a) {
        return enabledProperty(a).get();
    }

    public BooleanBinding enabledProperty(Action a) {
        return switch (a) {
            case SET -> canApplyPercent;
            case PAUSE -> canPause;
            case RESUME -> canResume;
            case ADVANCE -> canAdvance;
            case ROLLBACK -> canRollback;
            case PROMOTE -> canPromote;
        };
    }

    /** What the confirmation dialog of {@code a} says will happen, with the health reading when it widens. */
    public String confirmText(Action a) {
        return RolloutConfirmations.text(a, rollout.get(), requestedBps.get());
    }

    /** Runs {@code a} with {@code reason} (1–500 characters, required by the server). */
    public void act(Action a, String reason) {
        Session s = connection.session();
        App ap = app.getValue();
        Channel c = channel.getValue();
        Rollout r = rollout.get();
        String why = reason == null ? "" : reason.strip();
        if (s == null || ap == null || c == null || r == null || !enabled(a)) {
            return;
        }
        if (why.isEmpty() || why.length() > 500) {
            message.set("A reason is required (1–500 characters): the audit log records why.");
            return;
        }
        int bps = requestedBps.get();
        busy.set(true);
        message.set("");
        info.set("");
        long gen = generation;
        tasks.create(a.doing + " the rollout of " + c.name(), () -> {
                    PatchbayClient client = s.requireClient().withActor(actor);
                    return switch (a) {
                        // The revision shown: if the rollout changed since (another person, the health policy,
                        // the plan), the server refuses with 409 and the page reloads instead of acting on it.
                        case SET -> client.setRolloutPercentage(ap.id(), c.name(), bps, why, r.revision());
                        case PAUSE -> client.pauseRollout(ap.id(), c.name(), why, r.revision());
                        case RESUME -> client.resumeRollout(ap.id(), c.name(), why, r.revision());
                        case ADVANCE -> client.advanceRollout(ap.id(), c.name(), why, r.revision());
                        case PROMOTE -> client.promoteRollout(ap.id(), c.name(), why, r.revision());
                        case ROLLBACK -> client.rollbackRollout(ap.id(), c.name(), why,
                                rollbackReleaseFor(s.requireClient(), r), r.revision());
                    };
                })
                .onSuccess(updated -> {
                    if (gen == generation) {
                        Rollout old = rollout.get();
                        rollout.set(updated);
                        if (old == null || old.bps() != updated.bps() || a == Action.SET) {
                            showPercent(updated.bps());
                        }
                        info.set(a.label + ": done. The rollout is " + updated.state().wireName() + " at "
                                + Rollout.percent(updated.bps()) + ".");
                        poll();
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        failed(e);
                        if (e instanceof ConflictException) {
                            // What was shown is out of date (changed meanwhile, or no longer in that state): reload it.
                            poll();
                        }
                    }
                })
                .andFinally(() -> busy.set(false))
                .run();
    }

    /** Null when the server can roll back on its own (armed release, or builtin stable); else built with the keys in memory. */
    private byte[] rollbackReleaseFor(PatchbayClient client, Rollout r) {
        if (r.stableBundle() == null || r.rollbackBundle() != null) {
            return null;
        }
        AppKeys k = keys.unlocked(r.appId()).orElseThrow(() -> new CryptoException("No rollback release is armed for this"
                + " rollout: unlock the keys of " + r.appId() + " (Keys page) so the console can build one"));
        return buildRollback(client, r.appId(), r.stableBundle(), k);
    }

    /** The rollback release of {@code stableVersion}, built with the unlocked keys {@code k}. Background. */
    byte[] buildRollback(PatchbayClient client, String appId, String stableVersion, AppKeys k) {
        Bundle stable = client.getBundle(appId, stableVersion);
        if (stable.envelope() == null) {
            throw new CryptoException("The server sent bundle " + stableVersion + " without its release envelope");
        }
        long sequence = 1 + client.listBundles(appId).stream().mapToLong(Bundle::sequence).max().orElse(0);
        byte[] envelope;
        try {
            envelope = Json.mapper().writeValueAsBytes(stable.envelope());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CryptoException("Cannot write the release envelope of " + stableVersion + ": " + e.getMessage());
        }
        return rollbackBuilder.build(envelope, k, sequence, clock.instant());
    }

    static int nextStage(Rollout r) {
        if (r == null || !r.active() || r.plan() == null) {
            return -1;
        }
        int next = r.stageIndex() == null ? 0 : r.stageIndex() + 1;
        return next < r.plan().stages().size() ? next : -1;
    }

    /** The plan's stages as lines: "2. 10 % · soak 1h · gate healthy", the current one with its soak time left. */
    public static List<StageLine> stageLines(Rollout r, Instant now) {
        if (r == null || r.plan() == null) {
            return List.of();
        }
        List<StageLine> out = new ArrayList<>();
        List<RolloutStage> stages = r.plan().stages();
        int current = r.stageIndex() == null ? -1 : r.stageIndex();
        for (int i = 0; i < stages.size(); i++) {
            RolloutStage s = stages.get(i);
            StringBuilder t = new StringBuilder().append(i + 1).append(". ").append(Rollout.percent(s.bps()))
                    .append(" · soak ").append(Durations.text(s.minSoakSeconds())).append(" · gate ").append(s.gate());
            if (i == current && r.active()) {
                if (r.stageStartedAt() != null) {
                    boolean paused = r.state() == RolloutState.PAUSED; // the soak waits (docs/rollouts.md §3)
                    long left = s.minSoakSeconds() - Duration.between(r.stageStartedAt(), paused ? r.updatedAt() : now)
                            .toSeconds();
                    t.append(left > 0 ? " · " + Durations.human(left) + " soak left" + (paused ? ", paused" : "")
                            : " · soak done");
                }
                t.append(i == stages.size() - 1 ? " (last stage)" : "");
            }
            out.add(new StageLine(i, t.toString(), i == current, i < current));
        }
        return out;
    }

    /** Bumped when the app, channel or connection changes: a task started before drops its result. */
    long generation() {
        return generation;
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    /** The Start form and the plan editor. */
    public RolloutStartForm forms() {
        return forms;
    }

    public ObjectProperty<Rollout> rolloutProperty() {
        return rollout;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty infoProperty() {
        return info;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    public ObservableList<RolloutChange> history() {
        return history;
    }

    /** The adoption and failure charts. */
    public RolloutChartsViewModel charts() {
        return charts;
    }

    /** The slider's position in percent (0–100). */
    public DoubleProperty sliderPercentProperty() {
        return sliderPercent;
    }

    /** The numeric field's text ("12.5"). */
    public StringProperty percentTextProperty() {
        return percentText;
    }

    public StringProperty percentErrorProperty() {
        return percentError;
    }

    /** The percentage the controls ask for, in basis points. */
    public IntegerProperty requestedBpsProperty() {
        return requestedBps;
    }

    public BooleanBinding hasChannelProperty() {
        return hasChannel;
    }

    public BooleanBinding activeProperty() {
        return active;
    }

    public BooleanBinding canStartProperty() {
        return canStart;
    }

    public BooleanBinding canEditPlanProperty() {
        return canEditPlan;
    }

    public String actor() {
        return actor;
    }
}
