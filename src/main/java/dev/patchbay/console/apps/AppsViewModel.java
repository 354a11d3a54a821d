package dev.patchbay.console.apps;

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
import dev.patchbay.domain.App;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.ValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The Apps page: the connection's apps, and the form that creates or renames one. */
public final class AppsViewModel {
    private final ConnectionManager connection;
    private final ServerData data;
    private final TaskRunner tasks;

    private final ObservableList<App> apps = FXCollections.observableArrayList();
    private final ObjectProperty<App> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");

    private final ReadOnlyObjectWrapper<FormMode> formMode = new ReadOnlyObjectWrapper<>(this, "formMode", FormMode.CLOSED);
    private final StringProperty formId = new SimpleStringProperty(this, "formId", "");
    private final StringProperty formName = new SimpleStringProperty(this, "formName", "");
    private final StringProperty idError = new SimpleStringProperty(this, "idError", "");
    private final StringProperty nameError = new SimpleStringProperty(this, "nameError", "");
    private final StringProperty formError = new SimpleStringProperty(this, "formError", "");
    private final BooleanProperty saving = new SimpleBooleanProperty(this, "saving");
    private final BooleanBinding cannotModify;
    private final BooleanBinding cannotModifySelected;
    private long generation;

    public AppsViewModel(ConnectionManager connection, ServerData data, TaskRunner tasks) {
        this.connection = connection;
        this.data = data;
        this.tasks = tasks;
        this.cannotModify = connection.readOnlyProperty().or(saving);
        this.cannotModifySelected = cannotModify.or(selected.isNull());
        connection.sessionProperty().addListener((obs, old, now) -> {
            cancelForm();
            reload();
        });
    }

    // ---- list ---------------------------------------------------------------------------------------------------

    /** Shows the cached list at once, then asks the server. */
    public void reload() {
        Session s = connection.session();
        long gen = ++generation;
        if (s == null) {
            apps.clear();
            fetchedAt.set(null);
            return;
        }
        loading.set(true);
        tasks.create("Reading cached apps", () -> data.cachedApps(s))
                .onSuccess(cached -> {
                    if (gen == generation) {
                        show(cached);
                        fetch(s, gen);
                    }
                })
                .onError(e -> {
                    if (gen == generation) {
                        message.set(Problems.message(e));
                        fetch(s, gen);
                    }
                })
                .run();
    }

    /** Asks the server again (F5). */
    public void refresh() {
        Session s = connection.session();
        if (s != null) {
            loading.set(true);
            fetch(s, ++generation);
        }
    }

    private void fetch(Session s, long gen) {
        if (s.client() == null) {
            loading.set(false);
            return;
        }
        tasks.create("Loading apps from " + s.label(), () -> data.fetchApps(s))
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
                .andFinally(() -> {
                    if (gen == generation) {
                        loading.set(false);
                    }
                })
                .run();
    }

    private void show(Cached<List<App>> cached) {
        String keep = selected.get() == null ? null : selected.get().id();
        apps.setAll(cached.value());
        fetchedAt.set(cached.fetchedAt());
        selected.set(apps.stream().filter(a -> a.id().equals(keep)).findFirst().orElse(null));
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
        clearErrors();
        formId.set("");
        formName.set("");
        formMode.set(FormMode.CREATE);
    }

    public void startRename() {
        App app = selected.get();
        if (app == null) {
            return;
        }
        clearErrors();
        formId.set(app.id());
        formName.set(app.name());
        formMode.set(FormMode.EDIT);
    }

    public void cancelForm() {
        clearErrors();
        formMode.set(FormMode.CLOSED);
    }

    /** Checks the form locally, then sends it; errors land under the field they concern. */
    public void submit() {
        Session s = connection.session();
        FormMode mode = formMode.get();
        if (s == null || mode == FormMode.CLOSED || saving.get()) {
            return;
        }
        clearErrors();
        if (connection.readOnlyProperty().get()) {
            formError.set(connection.readOnlyReasonProperty().get());
            return;
        }
        String id;
        String name;
        try {
            id = mode == FormMode.CREATE ? Names.appId(formId.get()) : formId.get();
            name = Names.appName(formName.get());
        } catch (ValidationException e) {
            fieldError(e.field(), e.getMessage());
            return;
        }
        saving.set(true);
        String what = mode == FormMode.CREATE ? "Creating app " + id : "Renaming app " + id;
        tasks.create(what, () -> mode == FormMode.CREATE ? data.createApp(s, id, name) : data.renameApp(s, id, name))
                .onSuccess(app -> {
                    upsert(app);
                    selected.set(app);
                    formMode.set(FormMode.CLOSED);
                })
                .onError(e -> formFailed(mode, e))
                .andFinally(() -> saving.set(false))
                .run();
    }

    private void formFailed(FormMode mode, Throwable e) {
        if (e instanceof ValidationFailedException v && v.field() != null) {
            fieldError(v.field(), v.getMessage());
        } else if (e instanceof ConflictException && mode == FormMode.CREATE) {
            idError.set(e.getMessage());
        } else {
            if (e instanceof ServerUnreachableException u) {
                connection.markOffline(u);
            }
            formError.set(Problems.message(e));
        }
    }

    private void fieldError(String field, String text) {
        switch (field == null ? "" : field) {
            case "id", "appId" -> idError.set(text);
            case "name" -> nameError.set(text);
            default -> formError.set(text);
        }
    }

    private void clearErrors() {
        idError.set("");
        nameError.set("");
        formError.set("");
    }

    private void upsert(App app) {
        List<App> next = new ArrayList<>(apps.stream().filter(a -> !a.id().equals(app.id())).toList());
        next.add(app);
        next.sort(Comparator.comparing(App::id));
        apps.setAll(next);
    }

    // ---- Capgo-compatible delivery ----------------------------------------------------------------------------

    /** What the view says before the mode is switched on (docs/capgo-compat.md §1). */
    public static final String CAPGO_WARNING = "Devices running the reference updater plugin (@capgo/capacitor-updater)"
            + " will get this app's bundles from /compat/capgo/. The plugin checks much less than Patchbay's runtime:"
            + " no freshness (a stale or replayed answer is accepted), no anti-rollback (any older bundle is"
            + " installed), AES-128-CBC without a MAC, and a single key and IV per bundle. Without a Capgo key pair"
            + " the zips are uploaded unencrypted. Patchbay's own devices are not affected.";

    /** Switches Capgo-compatible delivery of the selected app; the view asks for confirmation first. */
    public void setCapgoCompat(boolean on) {
        Session s = connection.session();
        App app = selected.get();
        if (s == null || app == null || cannotModify.get() || app.capgoCompat() == on) {
            return;
        }
        saving.set(true);
        tasks.create((on ? "Switching on" : "Switching off") + " Capgo-compatible delivery of " + app.id(),
                        () -> data.setCapgoCompat(s, app.id(), on))
                .onSuccess(changed -> {
                    upsert(changed);
                    selected.set(changed);
                    message.set("");
                })
                .onError(this::failed)
                .andFinally(() -> saving.set(false))
                .run();
    }

    // ---- delete -------------------------------------------------------------------------------------------------

    /** Deletes the selected app (and, on the server, its channels). The view asks for confirmation first. */
    public void deleteSelected() {
        Session s = connection.session();
        App app = selected.get();
        if (s == null || app == null || cannotModify.get()) {
            return;
        }
        saving.set(true);
        tasks.create("Deleting app " + app.id(), () -> {
                    data.deleteApp(s, app.id());
                    return app;
                })
                .onSuccess(gone -> {
                    apps.removeIf(a -> a.id().equals(gone.id()));
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

    public ObjectProperty<App> selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<Instant> fetchedAtProperty() {
        return fetchedAt.getReadOnlyProperty();
    }

    /** A problem to show above the list ("" when none). */
    public StringProperty messageProperty() {
        return message;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FormMode> formModeProperty() {
        return formMode.getReadOnlyProperty();
    }

    public StringProperty formIdProperty() {
        return formId;
    }

    public StringProperty formNameProperty() {
        return formName;
    }

    public StringProperty idErrorProperty() {
        return idError;
    }

    public StringProperty nameErrorProperty() {
        return nameError;
    }

    public StringProperty formErrorProperty() {
        return formError;
    }

    public BooleanProperty savingProperty() {
        return saving;
    }

    /** Create is disabled (offline, connecting or busy). */
    public BooleanBinding cannotModifyProperty() {
        return cannotModify;
    }

    /** Rename and delete are disabled (as above, or nothing selected). */
    public BooleanBinding cannotModifySelectedProperty() {
        return cannotModifySelected;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
