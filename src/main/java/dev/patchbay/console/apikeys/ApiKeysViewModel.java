package dev.patchbay.console.apikeys;

import dev.patchbay.client.ApiKey;
import dev.patchbay.client.ConflictException;
import dev.patchbay.client.NewApiKey;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.client.ValidationFailedException;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.settings.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/**
 * The API keys page (docs/console.md): the connected server's keys, read straight from the server (an admin key is
 * needed; another key sees the server's refusal), a side form that creates one, and revoke / rotate of the selected
 * key. A new secret is shown once, until the next action.
 */
public final class ApiKeysViewModel {
    private static final Pattern AFTER = Pattern.compile("(\\d{1,6})\\s*(m|h|d)");

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final Clock clock;

    private final ObservableList<ApiKey> keys = FXCollections.observableArrayList();
    private final ObjectProperty<ApiKey> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<Instant> fetchedAt = new ReadOnlyObjectWrapper<>(this, "fetchedAt");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final BooleanProperty showAll = new SimpleBooleanProperty(this, "showAll");

    private final ReadOnlyObjectWrapper<FormMode> formMode = new ReadOnlyObjectWrapper<>(this, "formMode", FormMode.CLOSED);
    private final StringProperty formName = new SimpleStringProperty(this, "formName", "");
    private final StringProperty formRole = new SimpleStringProperty(this, "formRole", "publisher");
    private final StringProperty formApps = new SimpleStringProperty(this, "formApps", "");
    private final StringProperty formExpires = new SimpleStringProperty(this, "formExpires", "");
    private final StringProperty nameError = new SimpleStringProperty(this, "nameError", "");
    private final StringProperty roleError = new SimpleStringProperty(this, "roleError", "");
    private final StringProperty appsError = new SimpleStringProperty(this, "appsError", "");
    private final StringProperty expiresError = new SimpleStringProperty(this, "expiresError", "");
    private final StringProperty formError = new SimpleStringProperty(this, "formError", "");
    private final StringProperty secret = new SimpleStringProperty(this, "secret", "");
    private final StringProperty secretNote = new SimpleStringProperty(this, "secretNote", "");
    private final BooleanProperty saving = new SimpleBooleanProperty(this, "saving");
    private final BooleanBinding cannotModify;
    private final BooleanBinding cannotModifySelected;
    private List<ApiKey> all = List.of();
    /** Said after the reconnect that follows rotating the Local sandbox's own admin key. */
    private String afterReconnect;
    private long generation;

    public ApiKeysViewModel(ConnectionManager connection, TaskRunner tasks, Clock clock) {
        this.connection = connection;
        this.tasks = tasks;
        this.clock = clock;
        this.cannotModify = connection.readOnlyProperty().or(saving);
        this.cannotModifySelected = cannotModify.or(Bindings.selectedInactive(selected));
        connection.sessionProperty().addListener((obs, old, now) -> {
            cancelForm();
            secret.set("");
            secretNote.set(afterReconnect == null ? "" : afterReconnect);
            keys.clear();
            all = List.of();
            fetchedAt.set(null);
            if (afterReconnect != null && now != null && now.client() != null) {
                afterReconnect = null;
                refresh();
            }
        });
        showAll.addListener((obs, old, now) -> show(all));
    }

    /** Small bindings kept out of the constructor. */
    private static final class Bindings {
        static BooleanBinding selectedInactive(ObjectProperty<ApiKey> selected) {
            return javafx.beans.binding.Bindings.createBooleanBinding(
                    () -> selected.get() == null || !selected.get().active(), selected);
        }
    }

    // ---- list ---------------------------------------------------------------------------------------------------

    /** Asks the server for the keys (F5, and each time the page is shown). */
    public void refresh() {
        Session s = connection.session();
        if (s == null || s.client() == null) {
            return;
        }
        long gen = ++generation;
        loading.set(true);
        tasks.create("Loading API keys from " + s.label(), () -> s.client().apiKeys().list())
                .onSuccess(list -> {
                    if (gen == generation) {
                        all = list;
                        show(list);
                        fetchedAt.set(clock.instant());
                        message.set("");
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

    private void show(List<ApiKey> list) {
        String keep = selected.get() == null ? null : selected.get().id();
        keys.setAll(list.stream().filter(k -> showAll.get() || k.active()).toList());
        selected.set(keys.stream().filter(k -> k.id().equals(keep)).findFirst().orElse(null));
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
        formName.set("");
        formRole.set("publisher");
        formApps.set("");
        formExpires.set("");
        formMode.set(FormMode.CREATE);
    }

    public void cancelForm() {
        clearErrors();
        formMode.set(FormMode.CLOSED);
    }

    /** Checks the form locally, then creates the key; its secret is then shown once. */
    public void submit() {
        Session s = connection.session();
        if (s == null || formMode.get() == FormMode.CLOSED || saving.get()) {
            return;
        }
        clearErrors();
        if (connection.readOnlyProperty().get()) {
            formError.set(connection.readOnlyReasonProperty().get());
            return;
        }
        String name = formName.get() == null ? "" : formName.get().strip();
        if (name.isEmpty()) {
            nameError.set("Give the key a name (shown as the actor in the audit log), e.g. ci-shop");
            return;
        }
        String role = formRole.get();
        List<String> apps = Arrays.stream((formApps.get() == null ? "" : formApps.get()).split("[,\\s]+"))
                .filter(a -> !a.isBlank()).toList();
        if ("admin".equals(role) && !apps.isEmpty()) {
            appsError.set("An admin key cannot be limited to apps: leave this empty or choose another role");
            return;
        }
        Instant expires;
        try {
            expires = expiry(formExpires.get(), clock.instant());
        } catch (IllegalArgumentException e) {
            expiresError.set(e.getMessage());
            return;
        }
        saving.set(true);
        secret.set("");
        tasks.create("Creating API key " + name, () -> s.requireClient().apiKeys().create(name, role, apps, expires))
                .onSuccess(k -> {
                    shown(k, "Key " + k.key().name() + " created. Copy its secret now: it is not shown again.");
                    formMode.set(FormMode.CLOSED);
                })
                .onError(this::formFailed)
                .andFinally(() -> saving.set(false))
                .run();
    }

    /** "" → never; "90d", "12h", "30m" → from now; else an ISO-8601 instant in the future. */
    static Instant expiry(String text, Instant now) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return null;
        }
        Matcher m = AFTER.matcher(t);
        Instant at;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            at = now.plus(switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        } else {
            try {
                at = Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Write a delay such as 90d, 12h or 30m, or a time such as"
                        + " 2027-01-31T00:00:00Z (empty: never)");
            }
        }
        if (!at.isAfter(now)) {
            throw new IllegalArgumentException("The expiry must be in the future");
        }
        return at;
    }

    private void formFailed(Throwable e) {
        if (e instanceof ValidationFailedException v && v.field() != null) {
            switch (v.field()) {
                case "name" -> nameError.set(v.getMessage());
                case "role" -> roleError.set(v.getMessage());
                case "apps" -> appsError.set(v.getMessage());
                case "expiresAt" -> expiresError.set(v.getMessage());
                default -> formError.set(v.getMessage());
            }
        } else if (e instanceof ConflictException) {
            nameError.set(e.getMessage());
        } else {
            if (e instanceof ServerUnreachableException u) {
                connection.markOffline(u);
            }
            formError.set(Problems.message(e));
        }
    }

    private void clearErrors() {
        nameError.set("");
        roleError.set("");
        appsError.set("");
        expiresError.set("");
        formError.set("");
    }

    // ---- revoke and rotate --------------------------------------------------------------------------------------

    /** Revokes the selected key (the view asks first): refused by the server from the next request on. */
    public void revokeSelected() {
        Session s = connection.session();
        ApiKey k = selected.get();
        if (s == null || k == null || cannotModifySelected.get()) {
            return;
        }
        saving.set(true);
        secret.set("");
        tasks.create("Revoking API key " + k.name(), () -> s.requireClient().apiKeys().revoke(k.id()))
                .onSuccess(revoked -> {
                    message.set("");
                    secretNote.set("Key " + revoked.name() + " revoked.");
                    refresh();
                })
                .onError(this::failed)
                .andFinally(() -> saving.set(false))
                .run();
    }

    /** Gives the selected key a new secret (the view asks first); the old secret stops working at once. */
    public void rotateSelected() {
        Session s = connection.session();
        ApiKey k = selected.get();
        if (s == null || k == null || cannotModifySelected.get()) {
            return;
        }
        saving.set(true);
        secret.set("");
        tasks.create("Rotating API key " + k.name(), () -> s.requireClient().apiKeys().rotate(k.id()))
                .onSuccess(n -> {
                    if (n.adminKeyFileRewritten() && Settings.SANDBOX_ID.equals(s.connectionId())) {
                        // The console itself used that key: reconnect, the sandbox hands out the new one.
                        afterReconnect = "The Local sandbox's admin key was rotated; the console reconnected with"
                                + " the new one (kept in the sandbox's admin-api-key file).";
                        connection.connect(s.connectionId());
                        return;
                    }
                    shown(n, "Key " + n.key().name() + " has a new secret; the old one no longer works."
                            + (n.adminKeyFileRewritten() ? " The server's admin-api-key file holds the new one." : "")
                            + " Copy it now: it is not shown again. A saved connection that uses this key needs"
                            + " the new one.");
                })
                .onError(this::failed)
                .andFinally(() -> saving.set(false))
                .run();
    }

    private void shown(NewApiKey k, String note) {
        secret.set(k.secret());
        secretNote.set(note);
        refresh();
    }

    /** Forgets the secret on screen. */
    public void hideSecret() {
        secret.set("");
        secretNote.set("");
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObservableList<ApiKey> keys() {
        return keys;
    }

    public ObjectProperty<ApiKey> selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<Instant> fetchedAtProperty() {
        return fetchedAt.getReadOnlyProperty();
    }

    public StringProperty messageProperty() {
        return message;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Revoked and expired keys are listed too. */
    public BooleanProperty showAllProperty() {
        return showAll;
    }

    public ReadOnlyObjectProperty<FormMode> formModeProperty() {
        return formMode.getReadOnlyProperty();
    }

    public StringProperty formNameProperty() {
        return formName;
    }

    public StringProperty formRoleProperty() {
        return formRole;
    }

    public StringProperty formAppsProperty() {
        return formApps;
    }

    public StringProperty formExpiresProperty() {
        return formExpires;
    }

    public StringProperty nameErrorProperty() {
        return nameError;
    }

    public StringProperty roleErrorProperty() {
        return roleError;
    }

    public StringProperty appsErrorProperty() {
        return appsError;
    }

    public StringProperty expiresErrorProperty() {
        return expiresError;
    }

    public StringProperty formErrorProperty() {
        return formError;
    }

    /** The secret of the key just created or rotated ("" when none is shown). */
    public StringProperty secretProperty() {
        return secret;
    }

    public StringProperty secretNoteProperty() {
        return secretNote;
    }

    public BooleanProperty savingProperty() {
        return saving;
    }

    public BooleanBinding cannotModifyProperty() {
        return cannotModify;
    }

    /** Revoke and rotate are disabled (as above, or no active key selected). */
    public BooleanBinding cannotModifySelectedProperty() {
        return cannotModifySelected;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
