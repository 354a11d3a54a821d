package dev.patchbay.console.channels;

import dev.patchbay.client.ApiException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.client.ValidationFailedException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import java.util.Arrays;
import java.util.Comparator;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The rollout panel's two forms (docs/rollouts.md): Start (target bundle, plan or percentage, health policy, reason,
 * the rollback release built with the app's keys, the Preflight step) and the plan editor of the active rollout. Split
 * out of {@link RolloutViewModel}, which owns the rollout, the verbs and the polling; this form acts through it.
 */
public final class RolloutStartForm {
    private final RolloutViewModel host;
    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final AppKeyStore keys;
    private final ObservableValue<App> app;
    private final ObservableValue<Channel> channel;
    private final String actor;

    private final ObjectProperty<RolloutViewModel.Form> form = new SimpleObjectProperty<>(this, "form",
            RolloutViewModel.Form.NONE);
    private final ObservableList<String> targetChoices = FXCollections.observableArrayList();
    private final StringProperty target = new SimpleStringProperty(this, "target");
    private final PreflightViewModel preflight;
    private final BooleanProperty usePlan = new SimpleBooleanProperty(this, "usePlan", true);
    private final StringProperty startPercent = new SimpleStringProperty(this, "startPercent", "10");
    private final PlanEditor plan = new PlanEditor();
    private final StringProperty formReason = new SimpleStringProperty(this, "formReason", "");
    private final BooleanProperty withoutRollback = new SimpleBooleanProperty(this, "withoutRollback");
    private final StringProperty keysStatus = new SimpleStringProperty(this, "keysStatus", "");
    private final BooleanProperty needsPassphrase = new SimpleBooleanProperty(this, "needsPassphrase");
    private final StringProperty targetError = new SimpleStringProperty(this, "targetError", "");
    private final StringProperty startPercentError = new SimpleStringProperty(this, "startPercentError", "");
    private final StringProperty reasonError = new SimpleStringProperty(this, "reasonError", "");
    private final StringProperty passphraseError = new SimpleStringProperty(this, "passphraseError", "");
    private final StringProperty formError = new SimpleStringProperty(this, "formError", "");

    RolloutStartForm(RolloutViewModel host, ConnectionManager connection, TaskRunner tasks, AppKeyStore keys,
                     ObservableValue<App> app, ObservableValue<Channel> channel, String actor) {
        this.host = host;
        this.connection = connection;
        this.tasks = tasks;
        this.keys = keys;
        this.app = app;
        this.channel = channel;
        this.actor = actor;
        this.preflight = new PreflightViewModel(connection, tasks, keys, app, channel, target);
    }

    /** Opens the start form: targets are the app's bundles with a sequence above the channel's stable bundle. */
    public void openStart() {
        Session s = connection.session();
        App a = app.getValue();
        Channel c = channel.getValue();
        if (s == null || a == null || c == null || !host.canStartProperty().get()) {
            return;
        }
        preflight.reset();
        clearFormErrors();
        plan.load(null, null);
        usePlan.set(true);
        startPercent.set("10");
        formReason.set("");
        withoutRollback.set(false);
        target.set(null);
        targetChoices.clear();
        updateKeysStatus(a.id(), c);
        form.set(RolloutViewModel.Form.START);
        long gen = host.generation();
        tasks.create("Loading bundles of " + a.id(), () -> s.requireClient().listBundles(a.id()))
                .onSuccess(list -> {
                    if (gen != host.generation()) {
                        return;
                    }
                    long stableSeq = c.bundle() == null ? 0 : list.stream().filter(b -> b.version().equals(c.bundle()))
                            .mapToLong(Bundle::sequence).findFirst().orElse(0);
                    targetChoices.setAll(list.stream().filter(b -> b.sequence() > stableSeq)
                            .sorted(Comparator.comparingLong(Bundle::sequence).reversed()).map(Bundle::version).toList());
                    if (targetChoices.isEmpty()) {
                        targetError.set("No bundle newer than " + (c.bundle() == null ? "the builtin assets" : c.bundle())
                                + ": publish one on the Bundles page first.");
                    } else {
                        target.set(targetChoices.get(0));
                    }
                })
                .onError(e -> formError.set(Problems.message(e)))
                .run();
    }

    private void updateKeysStatus(String appId, Channel c) {
        if (c.bundle() == null) {
            keysStatus.set("The channel serves the builtin assets: rolling back needs no rollback release.");
            needsPassphrase.set(false);
        } else if (!keys.exists(appId)) {
            keysStatus.set("This console holds no keys of " + appId + ": it cannot build the rollback release of "
                    + c.bundle() + ". Start without one (health action other than roll back), or use the key holder's console.");
            needsPassphrase.set(false);
        } else if (keys.unlocked(appId).isPresent()) {
            keysStatus.set("The keys of " + appId + " are unlocked: the rollback release of " + c.bundle()
                    + " is built and attached.");
            needsPassphrase.set(false);
        } else {
            keysStatus.set("The keys of " + appId + " are locked: enter the passphrase to build the rollback release of "
                    + c.bundle() + ".");
            needsPassphrase.set(true);
        }
    }

    /** Opens the plan editor on the active rollout's plan and policy. */
    public void openPlan() {
        Rollout r = host.rolloutProperty().get();
        if (r == null || !host.canEditPlanProperty().get()) {
            return;
        }
        clearFormErrors();
        plan.load(r.plan(), r.health());
        usePlan.set(r.plan() != null);
        formReason.set("");
        form.set(RolloutViewModel.Form.PLAN);
    }

    public void closeForm() {
        clearFormErrors();
        form.set(RolloutViewModel.Form.NONE);
    }

    /** Starts the rollout in the form; {@code passphrase} (wiped here) unlocks the keys when they are locked. */
    public void submitStart(char[] passphrase) {
        try {
            Session s = connection.session();
            App a = app.getValue();
            Channel c = channel.getValue();
            if (s == null || a == null || c == null || form.get() != RolloutViewModel.Form.START || host.busyProperty().get()) {
                return;
            }
            clearFormErrors();
            boolean ok = plan.validate(usePlan.get());
            String t = target.get();
            if (t == null || t.isBlank()) {
                targetError.set("Choose the bundle to roll out");
                ok = false;
            }
            Integer bps = null;
            if (!usePlan.get()) {
                try {
                    bps = Percent.parse(startPercent.get(), "bps");
                } catch (ValidationException e) {
                    startPercentError.set(e.getMessage());
                    ok = false;
                }
            }
            String why = reason(formReason.get());
            ok &= why != null;
            if (preflight.blockReason() != null) {
                formError.set(preflight.blockReason());
                ok = false;
            }
            String note = preflight.note();
            HealthPolicy health = ok ? plan.health() : null;
            boolean withRelease = c.bundle() != null && !withoutRollback.get();
            if (c.bundle() != null && !withRelease && health != null && health.action() == HealthAction.ROLLBACK) {
                formError.set("A health policy that rolls back needs the rollback release: choose another action or"
                        + " build the release with the app's keys.");
                ok = false;
            }
            if (withRelease && !keys.exists(a.id())) {
                passphraseError.set("This console holds no keys of " + a.id() + ": start without a rollback release"
                        + " (health action pause or notify)");
                ok = false;
            } else if (withRelease && keys.unlocked(a.id()).isEmpty() && (passphrase == null || passphrase.length == 0)) {
                passphraseError.set("Enter the passphrase: the console builds the rollback release with the app's keys");
                ok = false;
            }
            if (!ok) {
                return;
            }
            RolloutPlan p = usePlan.get() ? plan.plan() : null;
            Integer startBps = bps;
            char[] pass = passphrase == null ? null : passphrase.clone();
            host.busyProperty().set(true);
            long gen = host.generation();
            tasks.create("Starting a rollout of " + t + " on " + c.name(), () -> {
                        try {
                            PatchbayClient client = s.requireClient();
                            byte[] release = null;
                            if (withRelease) {
                                Channel fresh = client.getChannel(a.id(), c.name());
                                if (fresh.bundle() != null) {
                                    AppKeys k = keys.unlocked(a.id()).orElse(null);
                                    if (k == null) {
                                        k = keys.unlock(a.id(), pass);
                                    }
                                    release = host.buildRollback(client, a.id(), fresh.bundle(), k);
                                }
                            }
                            return client.withActor(actor).startRollout(a.id(), c.name(),
                                    new RolloutStart(t, startBps, p, health, release, why, note));
                        } finally {
                            if (pass != null) {
                                Arrays.fill(pass, '\0');
                            }
                        }
                    })
                    .onSuccess(r -> {
                        if (gen == host.generation()) {
                            form.set(RolloutViewModel.Form.NONE);
                            host.rolloutProperty().set(r);
                            host.showPercent(r.bps());
                            host.infoProperty().set("Started: " + r.targetBundle() + " at " + Rollout.percent(r.bps()) + ".");
                            host.poll();
                        }
                    })
                    .onError(this::formFailed)
                    .andFinally(() -> host.busyProperty().set(false))
                    .run();
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** Saves the plan editor onto the active rollout. */
    public void submitPlan() {
        Session s = connection.session();
        App a = app.getValue();
        Channel c = channel.getValue();
        if (s == null || a == null || c == null || form.get() != RolloutViewModel.Form.PLAN || host.busyProperty().get()) {
            return;
        }
        clearFormErrors();
        boolean ok = plan.validate(usePlan.get());
        String why = reason(formReason.get());
        if (!ok || why == null) {
            return;
        }
        RolloutPlan p = usePlan.get() ? plan.plan() : null;
        HealthPolicy h = plan.health();
        host.busyProperty().set(true);
        long gen = host.generation();
        tasks.create("Saving the plan of " + c.name(), () -> s.requireClient().withActor(actor)
                        .updateRolloutPlan(a.id(), c.name(), p, h, why, rolloutRevision()))
                .onSuccess(r -> {
                    if (gen == host.generation()) {
                        form.set(RolloutViewModel.Form.NONE);
                        host.rolloutProperty().set(r);
                        host.infoProperty().set("Plan saved.");
                        host.poll();
                    }
                })
                .onError(this::formFailed)
                .andFinally(() -> host.busyProperty().set(false))
                .run();
    }

    private Long rolloutRevision() {
        Rollout r = host.rolloutProperty().get();
        return r == null ? null : r.revision();
    }

    private String reason(String text) {
        String why = text == null ? "" : text.strip();
        if (why.isEmpty()) {
            reasonError.set("Say why (1–500 characters): the audit log records it");
            return null;
        }
        if (why.length() > 500) {
            reasonError.set("The reason is at most 500 characters, not " + why.length());
            return null;
        }
        return why;
    }

    private void formFailed(Throwable e) {
        String field = e instanceof ValidationFailedException v ? v.field()
                : e instanceof ValidationException v ? v.field() : null;
        field = field == null ? "" : field;
        if (AppKeyStore.wrongPassphrase(e)) {
            passphraseError.set("Wrong passphrase: it does not open the keys of this app");
        } else if (field.equals("targetBundle") || e instanceof ApiException x
                && "targetBundle".equals(x.code())) {
            targetError.set(e.getMessage());
        } else if (field.startsWith("plan")) {
            plan.planErrorProperty().set(e.getMessage());
        } else if (field.startsWith("health")) {
            plan.healthErrorProperty().set(e.getMessage());
        } else if (field.equals("bps")) {
            startPercentError.set(e.getMessage());
        } else if (field.equals("reason")) {
            reasonError.set(e.getMessage());
        } else {
            if (e instanceof ServerUnreachableException u) {
                connection.markOffline(u);
            }
            formError.set(Problems.message(e));
        }
    }

    private void clearFormErrors() {
        plan.clearErrors();
        targetError.set("");
        startPercentError.set("");
        reasonError.set("");
        passphraseError.set("");
        formError.set("");
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObjectProperty<RolloutViewModel.Form> formProperty() {
        return form;
    }

    public ObservableList<String> targetChoices() {
        return targetChoices;
    }

    /** The start form's Preflight step. */
    public PreflightViewModel preflight() {
        return preflight;
    }

    public StringProperty targetProperty() {
        return target;
    }

    public BooleanProperty usePlanProperty() {
        return usePlan;
    }

    public StringProperty startPercentProperty() {
        return startPercent;
    }

    public PlanEditor plan() {
        return plan;
    }

    public StringProperty formReasonProperty() {
        return formReason;
    }

    public BooleanProperty withoutRollbackProperty() {
        return withoutRollback;
    }

    public StringProperty keysStatusProperty() {
        return keysStatus;
    }

    public BooleanProperty needsPassphraseProperty() {
        return needsPassphrase;
    }

    public StringProperty targetErrorProperty() {
        return targetError;
    }

    public StringProperty startPercentErrorProperty() {
        return startPercentError;
    }

    public StringProperty reasonErrorProperty() {
        return reasonError;
    }

    public StringProperty passphraseErrorProperty() {
        return passphraseError;
    }

    public StringProperty formErrorProperty() {
        return formError;
    }
}
