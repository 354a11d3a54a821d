package dev.patchbay.console.connections;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ServerInfo;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.settings.SavedConnection;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.domain.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.Bindings;
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

/** The Connections page: the Local sandbox and saved remote servers; add, edit, remove, test, switch. */
public final class ConnectionsViewModel {
    static final int NAME_MAX = 100;

    private final Consumer<String> forgetCached;
    private final Settings settings;
    private final SecretStore secrets;
    private final ConnectionManager connection;
    private final TaskRunner tasks;

    private final ObservableList<ConnectionItem> items = FXCollections.observableArrayList();
    private final ObjectProperty<ConnectionItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<FormMode> formMode = new ReadOnlyObjectWrapper<>(this, "formMode", FormMode.CLOSED);
    private final StringProperty formName = new SimpleStringProperty(this, "formName", "");
    private final StringProperty formUrl = new SimpleStringProperty(this, "formUrl", "");
    private final StringProperty formApiKey = new SimpleStringProperty(this, "formApiKey", "");
    private final StringProperty nameError = new SimpleStringProperty(this, "nameError", "");
    private final StringProperty urlError = new SimpleStringProperty(this, "urlError", "");
    private final StringProperty apiKeyError = new SimpleStringProperty(this, "apiKeyError", "");
    private final StringProperty formError = new SimpleStringProperty(this, "formError", "");
    private final StringProperty testResult = new SimpleStringProperty(this, "testResult", "");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");
    private final BooleanBinding selectedIsRemote;
    private final BooleanBinding selectedIsActive;
    private String editingId;

    /** @param forgetCached drops what the local cache holds for a connection (blocking; called off the FX thread) */
    public ConnectionsViewModel(Settings settings, SecretStore secrets, ConnectionManager connection, TaskRunner tasks,
                                Consumer<String> forgetCached) {
        this.forgetCached = forgetCached;
        this.settings = settings;
        this.secrets = secrets;
        this.connection = connection;
        this.tasks = tasks;
        this.selectedIsRemote = Bindings.createBooleanBinding(() -> selected.get() != null && !selected.get().sandbox(), selected);
        this.selectedIsActive = Bindings.createBooleanBinding(() -> selected.get() != null
                && selected.get().id().equals(settings.activeConnectionProperty().get()), selected, settings.activeConnectionProperty());
        settings.connections().addListener((ListChangeListener<SavedConnection>) c -> rebuild());
        rebuild();
    }

    private void rebuild() {
        String keep = selected.get() == null ? null : selected.get().id();
        List<ConnectionItem> next = new ArrayList<>();
        next.add(new ConnectionItem(Settings.SANDBOX_ID, ConnectionManager.SANDBOX_LABEL, "127.0.0.1, in this console", true));
        settings.connections().forEach(c -> next.add(new ConnectionItem(c.id(), c.name(), c.url(), false)));
        items.setAll(next);
        selected.set(items.stream().filter(i -> i.id().equals(keep)).findFirst().orElse(null));
    }

    /** Makes the selected connection the console's connection. */
    public void useSelected() {
        ConnectionItem item = selected.get();
        if (item != null) {
            connection.connect(item.id());
        }
    }

    /** Connects again to the connection in use (F5 on this page). */
    public void reconnect() {
        connection.connectActive();
    }

    public void startAdd() {
        editingId = null;
        clearErrors();
        formName.set("");
        formUrl.set("https://");
        formApiKey.set("");
        formMode.set(FormMode.CREATE);
    }

    public void startEdit() {
        ConnectionItem item = selected.get();
        if (item == null || item.sandbox()) {
            return;
        }
        editingId = item.id();
        clearErrors();
        formName.set(item.name());
        formUrl.set(item.url());
        formApiKey.set("");
        formMode.set(FormMode.EDIT);
    }

    public void cancelForm() {
        editingId = null;
        clearErrors();
        formMode.set(FormMode.CLOSED);
    }

    private record Checked(String name, String url, String apiKey) {
    }

    /** Validates the form; the API key may stay empty when editing (keeps the stored one). */
    private Checked check() {
        String name = formName.get() == null ? "" : formName.get().strip();
        if (name.isEmpty()) {
            throw new ValidationException("name", "Name is required");
        }
        if (name.length() > NAME_MAX) {
            throw new ValidationException("name", "Name is longer than " + NAME_MAX + " characters");
        }
        String url = PatchbayClient.connect(formUrl.get(), "").baseUrl();
        String key = formApiKey.get() == null ? "" : formApiKey.get().strip();
        if (key.isEmpty() && formMode.get() == FormMode.CREATE) {
            throw new ValidationException("apiKey", "API key is required");
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            throw new ValidationException("apiKey", "API key must not contain spaces");
        }
        return new Checked(name, url, key);
    }

    public void save() {
        FormMode mode = formMode.get();
        if (mode == FormMode.CLOSED || busy.get()) {
            return;
        }
        clearErrors();
        Checked c;
        try {
            c = check();
        } catch (ValidationException e) {
            fieldError(e.field(), e.getMessage());
            return;
        }
        String id = mode == FormMode.CREATE ? "remote-" + UUID.randomUUID().toString().substring(0, 8) : editingId;
        busy.set(true);
        tasks.create("Saving connection " + c.name(), () -> {
                    if (!c.apiKey().isEmpty()) {
                        secrets.put(id, c.apiKey());
                    }
                    return id;
                })
                .onSuccess(savedId -> {
                    SavedConnection saved = new SavedConnection(savedId, c.name(), c.url());
                    int at = indexOf(savedId);
                    if (at >= 0) {
                        settings.connections().set(at, saved);
                    } else {
                        settings.connections().add(saved);
                    }
                    cancelForm();
                    selected.set(items.stream().filter(i -> i.id().equals(savedId)).findFirst().orElse(null));
                    if (savedId.equals(settings.activeConnectionProperty().get())) {
                        connection.connect(savedId);
                    }
                })
                .onError(e -> formError.set("Cannot store the API key: " + Problems.message(e)))
                .andFinally(() -> busy.set(false))
                .run();
    }

    /** Removes the selected remote connection and its key; the console falls back to the sandbox if it was active. */
    public void removeSelected() {
        ConnectionItem item = selected.get();
        if (item == null || item.sandbox() || busy.get()) {
            return;
        }
        busy.set(true);
        tasks.create("Removing connection " + item.name(), () -> {
                    secrets.remove(item.id());
                    forgetCached.accept(item.id());
                    return item;
                })
                .onSuccess(gone -> {
                    boolean wasActive = gone.id().equals(settings.activeConnectionProperty().get());
                    settings.connections().removeIf(c -> c.id().equals(gone.id()));
                    if (wasActive) {
                        connection.connect(Settings.SANDBOX_ID);
                    }
                })
                .onError(e -> formError.set(Problems.message(e)))
                .andFinally(() -> busy.set(false))
                .run();
    }

    /** Checks the form's server and key without saving: health, then a call that needs the key. */
    public void testConnection() {
        clearErrors();
        testResult.set("");
        Checked c;
        try {
            c = check();
        } catch (ValidationException e) {
            fieldError(e.field(), e.getMessage());
            return;
        }
        String key = !c.apiKey().isEmpty() ? c.apiKey()
                : editingId == null ? "" : secrets.apiKey(editingId).orElse("");
        PatchbayClient client = PatchbayClient.connect(c.url(), key).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(10));
        busy.set(true);
        testResult.set("Testing " + c.url() + "…");
        tasks.create("Testing connection to " + c.url(), () -> {
                    ServerInfo info = client.health();
                    int apps = client.listApps().size();
                    return "Connection works: Patchbay " + (info.version() == null ? "" : info.version() + " ")
                            + "answered, " + apps + (apps == 1 ? " app" : " apps") + " visible with this key";
                })
                .onSuccess(testResult::set)
                .onError(e -> testResult.set("Connection failed: " + Problems.message(e)))
                .andFinally(() -> busy.set(false))
                .run();
    }

    private int indexOf(String id) {
        for (int i = 0; i < settings.connections().size(); i++) {
            if (settings.connections().get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private void fieldError(String field, String text) {
        switch (field == null ? "" : field) {
            case "name" -> nameError.set(text);
            case "url" -> urlError.set(text);
            case "apiKey" -> apiKeyError.set(text);
            default -> formError.set(text);
        }
    }

    private void clearErrors() {
        nameError.set("");
        urlError.set("");
        apiKeyError.set("");
        formError.set("");
    }

    public ObservableList<ConnectionItem> items() {
        return items;
    }

    public ObjectProperty<ConnectionItem> selectedProperty() {
        return selected;
    }

    public StringProperty activeIdProperty() {
        return settings.activeConnectionProperty();
    }

    public ReadOnlyObjectProperty<FormMode> formModeProperty() {
        return formMode.getReadOnlyProperty();
    }

    public StringProperty formNameProperty() {
        return formName;
    }

    public StringProperty formUrlProperty() {
        return formUrl;
    }

    public StringProperty formApiKeyProperty() {
        return formApiKey;
    }

    public StringProperty nameErrorProperty() {
        return nameError;
    }

    public StringProperty urlErrorProperty() {
        return urlError;
    }

    public StringProperty apiKeyErrorProperty() {
        return apiKeyError;
    }

    public StringProperty formErrorProperty() {
        return formError;
    }

    public StringProperty testResultProperty() {
        return testResult;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    public BooleanBinding selectedIsRemoteProperty() {
        return selectedIsRemote;
    }

    public BooleanBinding selectedIsActiveProperty() {
        return selectedIsActive;
    }
}
