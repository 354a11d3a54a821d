package dev.patchbay.console.connection;

import dev.patchbay.client.ApiException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.UnauthorizedException;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.settings.SavedConnection;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Which server the console talks to and whether it can: starts the Local sandbox or opens a saved remote connection,
 * and switches to offline (read-only) mode when a call finds the server unreachable. State lives on the FX thread.
 */
public final class ConnectionManager {
    public static final String SANDBOX_LABEL = "Local sandbox";

    private final Settings settings;
    private final SecretStore secrets;
    private final SandboxHost sandbox;
    private final TaskRunner tasks;
    private final Clock clock;

    private final ReadOnlyObjectWrapper<Session> session = new ReadOnlyObjectWrapper<>(this, "session");
    private final ReadOnlyObjectWrapper<ConnectionState> state =
            new ReadOnlyObjectWrapper<>(this, "state", ConnectionState.CONNECTING);
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyObjectWrapper<Instant> offlineSince = new ReadOnlyObjectWrapper<>(this, "offlineSince");
    private final ReadOnlyStringWrapper serverUrl = new ReadOnlyStringWrapper(this, "serverUrl", "");
    private final BooleanBinding readOnly;
    private final StringBinding readOnlyReason;
    private long generation;

    public ConnectionManager(Settings settings, SecretStore secrets, SandboxHost sandbox, TaskRunner tasks, Clock clock) {
        this.settings = settings;
        this.secrets = secrets;
        this.sandbox = sandbox;
        this.tasks = tasks;
        this.clock = clock;
        this.readOnly = state.isNotEqualTo(ConnectionState.ONLINE);
        this.readOnlyReason = Bindings.createStringBinding(() -> switch (state.get()) {
            case ONLINE -> "";
            case CONNECTING -> "Not connected yet: changes are possible once the server answers";
            case OFFLINE -> "Offline: the server cannot be reached, so changes are disabled (press F5 to retry)";
        }, state);
    }

    public ReadOnlyObjectProperty<Session> sessionProperty() {
        return session.getReadOnlyProperty();
    }

    public Session session() {
        return session.get();
    }

    public ReadOnlyObjectProperty<ConnectionState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** What is happening or went wrong ("Starting local sandbox…", "Cannot reach the server at ..."). */
    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Instant> offlineSinceProperty() {
        return offlineSince.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty serverUrlProperty() {
        return serverUrl.getReadOnlyProperty();
    }

    /** True unless the server answered: create, edit and delete are disabled. */
    public BooleanBinding readOnlyProperty() {
        return readOnly;
    }

    public StringBinding readOnlyReasonProperty() {
        return readOnlyReason;
    }

    /** Connects to the connection the settings name as active (the Local sandbox by default). */
    public void connectActive() {
        String id = settings.activeConnectionProperty().get();
        if (!Settings.SANDBOX_ID.equals(id) && find(id).isEmpty()) {
            id = Settings.SANDBOX_ID;
        }
        connect(id);
    }

    /** Switches to another connection; pages reload when {@link #sessionProperty()} changes. */
    public void connect(String connectionId) {
        long gen = ++generation;
        settings.activeConnectionProperty().set(connectionId);
        offlineSince.set(null);
        state.set(ConnectionState.CONNECTING);
        if (Settings.SANDBOX_ID.equals(connectionId)) {
            detail.set("Starting local sandbox…");
            serverUrl.set("");
            session.set(new Session(connectionId, SANDBOX_LABEL, null, "The local sandbox is still starting"));
            tasks.create("Starting local sandbox", sandbox::start)
                    .onSuccess(endpoint -> {
                        if (gen == generation) {
                            use(gen, connectionId, SANDBOX_LABEL, PatchbayClient.connect(endpoint.url(), endpoint.apiKey()));
                        }
                    })
                    .onError(e -> {
                        if (gen == generation) {
                            String reason = "The local sandbox could not start: " + message(e);
                            session.set(new Session(connectionId, SANDBOX_LABEL, null, reason));
                            offline(reason);
                        }
                    })
                    .run();
            return;
        }
        SavedConnection saved = find(connectionId).orElseThrow(() ->
                new IllegalArgumentException("No saved connection " + connectionId));
        PatchbayClient client;
        try {
            client = PatchbayClient.connect(saved.url(), secrets.apiKey(saved.id()).orElse(""));
        } catch (RuntimeException e) {
            session.set(new Session(connectionId, saved.name(), null, e.getMessage()));
            offline(e.getMessage());
            return;
        }
        detail.set("Connecting to " + saved.url() + "…");
        use(gen, connectionId, saved.name(), client);
    }

    private void use(long gen, String connectionId, String label, PatchbayClient client) {
        serverUrl.set(client.baseUrl());
        detail.set("Connecting to " + client.baseUrl() + "…");
        session.set(new Session(connectionId, label, client, null));
        PatchbayClient probe = client.withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5));
        tasks.create("Connecting to " + label, probe::whoami)
                .onSuccess(key -> {
                    if (gen == generation) {
                        markOnline();
                    }
                })
                .onError(e -> {
                    if (gen != generation) {
                        return;
                    }
                    if (e instanceof UnauthorizedException) {
                        // The server is there; only the key is wrong. Say so instead of pretending all is well.
                        markOnline();
                        detail.set("API key rejected: " + e.getMessage());
                    } else {
                        offline(message(e));
                    }
                })
                .run();
    }

    /** A call reached the server: leave offline mode. */
    public void markOnline() {
        offlineSince.set(null);
        detail.set("");
        state.set(ConnectionState.ONLINE);
    }

    /** A call found the server unreachable: enter offline (read-only) mode. */
    public void markOffline(ApiException e) {
        offline(e.getMessage());
    }

    private void offline(String reason) {
        if (state.get() != ConnectionState.OFFLINE) {
            offlineSince.set(clock.instant());
        }
        detail.set(reason);
        state.set(ConnectionState.OFFLINE);
    }

    /** One line for the status bar. */
    public String describe(Instant dataFetchedAt) {
        Session s = session.get();
        String label = s == null ? "" : s.label();
        return switch (state.get()) {
            case CONNECTING -> detail.get().isEmpty() ? "Connecting…" : detail.get();
            case ONLINE -> "Connected to " + label + (serverUrl.get().isEmpty() ? "" : " (" + serverUrl.get() + ")")
                    + (detail.get().isEmpty() ? "" : " – " + detail.get());
            case OFFLINE -> "Offline since " + Times.format(offlineSince.get()) + " – "
                    + (dataFetchedAt == null ? "no cached data for this page" : "showing cached data from " + Times.format(dataFetchedAt));
        };
    }

    public Optional<SavedConnection> find(String id) {
        return settings.connections().stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public String labelOf(String id) {
        return Settings.SANDBOX_ID.equals(id) ? SANDBOX_LABEL : find(id).map(SavedConnection::name).orElse(id);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
