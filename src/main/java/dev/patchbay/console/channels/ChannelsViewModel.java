package dev.patchbay.console.channels;

import dev.patchbay.cache.Cached;
import dev.patchbay.client.ConflictException;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.client.ValidationFailedException;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.data.ServerData;
import dev.patchbay.console.common.AppChoice;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.UpdateGate;
import dev.patchbay.domain.ValidationException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/** The Channels page: the channels of one app, and the form that creates or edits one. */
public final class ChannelsViewModel {
    private final ConnectionManager connection;
    private final ServerData data;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final Runnable refreshApps;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final ObservableList<Channel> channels = FXCollections.observableArrayList();
    private final ObjectProperty<Channel> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");

    private final ReadOnlyObjectWrapper<FormMode> formMode = new ReadOnlyObjectWrapper<>(this, "formMode", FormMode.CLOSED);
    private final StringProperty formName = new SimpleStringProperty(this, "formName", "");
    private final StringProperty formDescription = new SimpleStringProperty(this, "formDescription", "");
    static final String DEFAULTS_HINT = "A platform's default moves here from the app's other channels.";
    private final StringProperty defaultsHint = new SimpleStringProperty(this, "defaultsHint", DEFAULTS_HINT);
    private final BooleanProperty defaultAndroid = new SimpleBooleanProperty(this, "defaultAndroid");
    private final BooleanProperty defaultIos = new SimpleBooleanProperty(this, "defaultIos");
    private final BooleanProperty servesAndroid = new SimpleBooleanProperty(this, "servesAndroid", true);
    private final BooleanProperty servesIos = new SimpleBooleanProperty(this, "servesIos", true);
    private final BooleanProperty selfAssign = new SimpleBooleanProperty(this, "selfAssign");
    private final BooleanProperty emulators = new SimpleBooleanProperty(this, "emulators", true);
    private final BooleanProperty devBuilds = new SimpleBooleanProperty(this, "devBuilds", true);
    private final BooleanProperty physicalDevices = new SimpleBooleanProperty(this, "physicalDevices", true);
    private final BooleanProperty productionBuilds = new SimpleBooleanProperty(this, "productionBuilds", true);
    private final ObjectProperty<UpdateGate> updateGate = new SimpleObjectProperty<>(this, "updateGate", UpdateGate.NONE);
    private final ObservableList<UpdateGate> updateGateChoices =
            FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(UpdateGate.values()));
    private final StringProperty formBundle = new SimpleStringProperty(this, "formBundle", "");
    private final ObservableList<String> bundleChoices = FXCollections.observableArrayList("");
    private final StringProperty nameError = new SimpleStringProperty(this, "nameError", "");
    private final StringProperty descriptionError = new SimpleStringProperty(this, "descriptionError", "");
    private final StringProperty platformsError = new SimpleStringProperty(this, "platformsError", "");
    private final StringProperty formError = new SimpleStringProperty(this, "formError", "");
    private final BooleanProperty saving = new SimpleBooleanProperty(this, "saving");
    private final BooleanBinding cannotModify;
    private final BooleanBinding cannotModifySelected;
    private Channel editing;
    private long generation;

    /**
     * @param apps        the connection's apps, as the Apps page holds them
     * @param refreshApps asks the server for that list again (apps made elsewhere appear in the selector)
     */
    public ChannelsViewModel(ConnectionManager connection, ServerData data, TaskRunner tasks, ObservableList<App> apps,
                             Runnable refreshApps) {
        this.connection = connection;
        this.data = data;
        this.tasks = tasks;
        this.apps = apps;
        this.refreshApps = refreshApps;
        this.cannotModify = connection.readOnlyProperty().or(saving).or(app.isNull());
        this.cannotModifySelected = cannotModify.or(selected.isNull());
        apps.addListener((ListChangeListener<App>) c -> keepAppSelection());
        connection.sessionProperty().addListener((obs, old, now) -> {
            cancelForm();
            reload();
        });
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                cancelForm();
                channels.clear();
                fetchedAt.set(null);
                reload();
            }
        });
    }

    /** A channel to select when the list next loads ({@link #open}), else null. */
    private String pendingChannel;

    private void keepAppSelection() {
        AppChoice.keep(apps, app);
    }

    // ---- list ---------------------------------------------------------------------------------------------------

    public void reload() {
        Session s = connection.session();
        App a = app.get();
        long gen = ++generation;
        if (s == null || a == null) {
            channels.clear();
            fetchedAt.set(null);
            return;
        }
        tasks.create("Reading cached channels of " + a.id(), () -> data.cachedChannels(s, a.id()))
                .onSuccess(cached -> {
                    if (gen == generation) {
                        show(cached);
                        fetch(s, a, gen);
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        message.set(Problems.message(e));
                        fetch(s, a, gen);
                    }
                })
                .run();
    }

    /** Asks the server again for the apps (the selector) and the selected app's channels. */
    public void refresh() {
        refreshApps.run();
        Session s = connection.session();
        App a = app.get();
        if (s != null && a != null) {
            fetch(s, a, ++generation);
        }
    }

    private void fetch(Session s, App a, long gen) {
        if (s.client() == null) {
            return;
        }
        tasks.create("Loading channels of " + a.id(), () -> data.fetchChannels(s, a.id()))
                .onSuccess(fresh -> {
                    if (gen == generation) {
                        show(fresh);
                        message.set("");
                        connection.markOnline();
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        failed(e);
                    }
                })
                .run();
    }

    private void show(Cached<List<Channel>> cached) {
        String keep = pendingChannel != null ? pendingChannel
                : selected.get() == null ? null : selected.get().name();
        channels.setAll(cached.value());
        fetchedAt.set(cached.fetchedAt());
        selected.set(channels.stream().filter(c -> c.name().equals(keep)).findFirst().orElse(null));
        if (selected.get() != null) {
            pendingChannel = null;
        }
    }

    /**
     * Shows channel {@code channelName} of app {@code appId} (another page's link): the app is chosen and the channel's
     * row selected as soon as the channels are loaded.
     */
    public void open(String appId, String channelName) {
        App a = apps.stream().filter(x -> x.id().equals(appId)).findFirst().orElse(null);
        if (a == null) {
            return;
        }
        Channel here = channels.stream().filter(c -> c.name().equals(channelName)).findFirst().orElse(null);
        if (app.get() != null && app.get().id().equals(appId) && here != null) {
            selected.set(here);
            return;
        }
        pendingChannel = channelName;
        if (app.get() != null && app.get().id().equals(appId)) {
            reload();
        } else {
            app.set(a);
        }
    }

    private void failed(Throwable e) {
        if (e instanceof ServerUnreachableException u) {
            connection.markOffline(u);
            message.set("");
        } else {
            message.set(Problems.message(e));
        }
    }

    // ---- form ---------------------------------------------------------------------------------------------------

    public void startCreate() {
        if (app.get() == null) {
            return;
        }
        editing = null;
        clearErrors();
        ChannelDraft draft = ChannelDraft.named("").withDefaults();
        if (channels.isEmpty()) {
            // Without a default channel devices get no_channel: the first channel is the default for what it serves.
            draft = draft.withDefaultFor(draft.platforms());
            defaultsHint.set("The app's first channel: default for every platform it serves, so devices get it"
                    + " without asking for a channel. Uncheck to choose later.");
        } else {
            defaultsHint.set(DEFAULTS_HINT);
        }
        fill(draft);
        formBundle.set("");
        loadBundleChoices("");
        formMode.set(FormMode.CREATE);
    }

    public void startEdit() {
        Channel c = selected.get();
        if (c == null) {
            return;
        }
        editing = c;
        clearErrors();
        fill(new ChannelDraft(c.name(), c.description(), c.defaultFor(), c.platforms(),
                c.allowDeviceSelfAssign(), c.allowEmulators(), c.allowDevBuilds(), c.updateGate(),
                c.allowPhysicalDevices(), c.allowProductionBuilds()));
        formBundle.set(c.bundle() == null ? "" : c.bundle());
        loadBundleChoices(formBundle.get());
        formMode.set(FormMode.EDIT);
    }

    /** The bundle selector: "" (builtin assets) and the app's published versions, newest first. */
    private void loadBundleChoices(String current) {
        BundleChoices.load(connection.session(), tasks, app.get(), current, bundleChoices, formBundle);
    }

    private void fill(ChannelDraft d) {
        formName.set(d.name());
        formDescription.set(d.description() == null ? "" : d.description());
        defaultAndroid.set(d.defaultFor().contains(Platform.ANDROID));
        defaultIos.set(d.defaultFor().contains(Platform.IOS));
        servesAndroid.set(d.platforms().contains(Platform.ANDROID));
        servesIos.set(d.platforms().contains(Platform.IOS));
        selfAssign.set(d.allowDeviceSelfAssign());
        emulators.set(d.allowEmulators());
        devBuilds.set(d.allowDevBuilds());
        physicalDevices.set(d.allowPhysicalDevices() == null || d.allowPhysicalDevices());
        productionBuilds.set(d.allowProductionBuilds() == null || d.allowProductionBuilds());
        updateGate.set(d.updateGate() == null ? UpdateGate.NONE : d.updateGate());
    }

    public void cancelForm() {
        editing = null;
        clearErrors();
        formMode.set(FormMode.CLOSED);
    }

    public void submit() {
        Session s = connection.session();
        App a = app.get();
        FormMode mode = formMode.get();
        if (s == null || a == null || mode == FormMode.CLOSED || saving.get()) {
            return;
        }
        clearErrors();
        if (connection.readOnlyProperty().get()) {
            formError.set(connection.readOnlyReasonProperty().get());
            return;
        }
        ChannelDraft draft;
        try {
            draft = draft(mode);
        } catch (ValidationException e) {
            fieldError(e.field(), e.getMessage());
            return;
        }
        Channel before = editing;
        String bundleBefore = before == null || before.bundle() == null ? "" : before.bundle();
        String bundleAfter = formBundle.get() == null ? "" : formBundle.get();
        boolean bundleChanged = !bundleBefore.equals(bundleAfter);
        boolean draftEmpty = mode == FormMode.EDIT && isEmpty(draft);
        if (draftEmpty && !bundleChanged) {
            cancelForm();
            return;
        }
        saving.set(true);
        String what = (mode == FormMode.CREATE ? "Creating channel " : "Saving channel ") + draft.name();
        tasks.create(what, () -> {
                    Channel saved = mode == FormMode.CREATE ? data.createChannel(s, a.id(), draft)
                            : draftEmpty ? before : data.updateChannel(s, a.id(), before.name(), draft);
                    if (bundleChanged) {
                        saved = data.setChannelBundle(s, a.id(), saved.name(), bundleAfter.isEmpty() ? null : bundleAfter);
                    }
                    return saved;
                })
                .onSuccess(saved -> {
                    cancelForm();
                    selected.set(null);
                    // The server may have cleared this default on other channels: read the list again.
                    refreshSelecting(saved.name());
                })
                .onError(e -> formFailed(mode, e))
                .andFinally(() -> saving.set(false))
                .run();
    }

    private void refreshSelecting(String name) {
        Session s = connection.session();
        App a = app.get();
        long gen = ++generation;
        tasks.create("Loading channels of " + a.id(), () -> data.fetchChannels(s, a.id()))
                .onSuccess(fresh -> {
                    if (gen == generation) {
                        show(fresh);
                        selected.set(channels.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null));
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        failed(e);
                    }
                })
                .run();
    }

    /** The request for the form: every field on create, only the changed ones on edit. */
    ChannelDraft draft(FormMode mode) {
        String description = Names.description(formDescription.get());
        Set<Platform> platforms = set(servesAndroid.get(), servesIos.get());
        Set<Platform> defaults = set(defaultAndroid.get(), defaultIos.get());
        if (platforms.isEmpty()) {
            throw new ValidationException("platforms", "Choose at least one platform the channel serves");
        }
        for (Platform p : defaults) {
            if (!platforms.contains(p)) {
                throw new ValidationException("defaultFor", "A channel can be the default only for a platform it serves ("
                        + p.wireName() + ")");
            }
        }
        if (mode == FormMode.CREATE) {
            return new ChannelDraft(Names.channelName(formName.get()), description, defaults, platforms,
                    selfAssign.get(), emulators.get(), devBuilds.get(), gate(), physicalDevices.get(),
                    productionBuilds.get());
        }
        Channel c = editing;
        return new ChannelDraft(null,
                changed(c.description(), description),
                changed(c.defaultFor(), defaults),
                changed(c.platforms(), platforms),
                changed(c.allowDeviceSelfAssign(), selfAssign.get()),
                changed(c.allowEmulators(), emulators.get()),
                changed(c.allowDevBuilds(), devBuilds.get()),
                changed(c.updateGate(), gate()),
                changed(c.allowPhysicalDevices(), physicalDevices.get()),
                changed(c.allowProductionBuilds(), productionBuilds.get()));
    }

    private UpdateGate gate() {
        return updateGate.get() == null ? UpdateGate.NONE : updateGate.get();
    }

    private static <T> T changed(T before, T after) {
        return Objects.equals(before, after) ? null : after;
    }

    private static boolean isEmpty(ChannelDraft d) {
        return d.name() == null && d.description() == null && d.defaultFor() == null && d.platforms() == null
                && d.allowDeviceSelfAssign() == null && d.allowEmulators() == null && d.allowDevBuilds() == null
                && d.updateGate() == null && d.allowPhysicalDevices() == null && d.allowProductionBuilds() == null;
    }

    private static Set<Platform> set(boolean android, boolean ios) {
        EnumSet<Platform> out = EnumSet.noneOf(Platform.class);
        if (android) {
            out.add(Platform.ANDROID);
        }
        if (ios) {
            out.add(Platform.IOS);
        }
        return Set.copyOf(out);
    }

    private void formFailed(FormMode mode, Throwable e) {
        if (e instanceof ValidationFailedException v && v.field() != null) {
            fieldError(v.field(), v.getMessage());
        } else if (e instanceof ConflictException && mode == FormMode.CREATE) {
            nameError.set(e.getMessage());
        } else {
            if (e instanceof ServerUnreachableException u) {
                connection.markOffline(u);
            }
            formError.set(Problems.message(e));
        }
    }

    private void fieldError(String field, String text) {
        switch (field == null ? "" : field) {
            case "name" -> nameError.set(text);
            case "description" -> descriptionError.set(text);
            case "platforms", "defaultFor", "platform" -> platformsError.set(text);
            default -> formError.set(text);
        }
    }

    private void clearErrors() {
        nameError.set("");
        descriptionError.set("");
        platformsError.set("");
        formError.set("");
    }

    // ---- delete -------------------------------------------------------------------------------------------------

    public void deleteSelected() {
        Session s = connection.session();
        App a = app.get();
        Channel c = selected.get();
        if (s == null || a == null || c == null || cannotModify.get()) {
            return;
        }
        saving.set(true);
        tasks.create("Deleting channel " + c.name(), () -> {
                    data.deleteChannel(s, a.id(), c.name());
                    return c;
                })
                .onSuccess(gone -> {
                    channels.removeIf(x -> x.name().equals(gone.name()));
                    message.set("");
                })
                .onError(this::failed)
                .andFinally(() -> saving.set(false))
                .run();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObservableList<App> apps() {
        return apps;
    }

    public ObjectProperty<App> appProperty() {
        return app;
    }

    public ObservableList<Channel> channels() {
        return channels;
    }

    public ObjectProperty<Channel> selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<Instant> fetchedAtProperty() {
        return fetchedAt.getReadOnlyProperty();
    }

    public StringProperty messageProperty() {
        return message;
    }

    public ReadOnlyObjectProperty<FormMode> formModeProperty() {
        return formMode.getReadOnlyProperty();
    }

    public StringProperty formNameProperty() {
        return formName;
    }

    public StringProperty formDescriptionProperty() {
        return formDescription;
    }

    /** Under the form's "Default for": what checking it does (and why it is checked for an app's first channel). */
    public StringProperty defaultsHintProperty() {
        return defaultsHint;
    }

    public BooleanProperty defaultAndroidProperty() {
        return defaultAndroid;
    }

    public BooleanProperty defaultIosProperty() {
        return defaultIos;
    }

    public BooleanProperty servesAndroidProperty() {
        return servesAndroid;
    }

    public BooleanProperty servesIosProperty() {
        return servesIos;
    }

    public BooleanProperty selfAssignProperty() {
        return selfAssign;
    }

    public BooleanProperty physicalDevicesProperty() {
        return physicalDevices;
    }

    public BooleanProperty productionBuildsProperty() {
        return productionBuilds;
    }

    public BooleanProperty emulatorsProperty() {
        return emulators;
    }

    public BooleanProperty devBuildsProperty() {
        return devBuilds;
    }

    /** The channel's update gate in the form (none, major, minor, patch). */
    public ObjectProperty<UpdateGate> updateGateProperty() {
        return updateGate;
    }

    public ObservableList<UpdateGate> updateGateChoices() {
        return updateGateChoices;
    }

    /** The bundle the channel serves: a version, or "" for the builtin assets. */
    public StringProperty formBundleProperty() {
        return formBundle;
    }

    public ObservableList<String> bundleChoices() {
        return bundleChoices;
    }

    public StringProperty nameErrorProperty() {
        return nameError;
    }

    public StringProperty descriptionErrorProperty() {
        return descriptionError;
    }

    public StringProperty platformsErrorProperty() {
        return platformsError;
    }

    public StringProperty formErrorProperty() {
        return formError;
    }

    public BooleanProperty savingProperty() {
        return saving;
    }

    public BooleanBinding cannotModifyProperty() {
        return cannotModify;
    }

    public BooleanBinding cannotModifySelectedProperty() {
        return cannotModifySelected;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
