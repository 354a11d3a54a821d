package dev.patchbay.console.emulator;

import dev.patchbay.console.common.AppChoice;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.Session;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.console.keys.ServerTrust;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.App;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.DeviceState;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.SimulatedBehaviour;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The Emulator page: emulated Android devices (the harness's {@link EmulatedDevice}, running the real updater
 * runtime) for the selected app, talking to the connected server as a phone would. Devices live in
 * {@code <data folder>/emulator/<connection>/devices/<device id>/} and come back, stopped, when the console starts
 * again ({@link EmulatorDevices}, ADR 0109); they are closed on exit. Every harness call that touches disk or network
 * runs as a task; device reports reach the FX thread through {@link TaskRunner#post}. What the server knows about the
 * selected device is {@link #server()}.
 */
public final class EmulatorViewModel {
    /** How the device shows its web layer. */
    public enum WebLayer {
        /** A real JavaFX WebView runs the bundle's JavaScript (shown on the page). */
        WEBVIEW("WebView (runs the bundle's JavaScript)"),
        /** No WebView, no JS: each bundle calls notifyAppReady at once (or as its meta tag says). */
        SIMULATED("Simulated (no JavaScript; every bundle is ready at once)");

        private final String label;

        WebLayer(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final AppKeyStore keys;
    private final EmulatorDevices store;
    private final ServerView server;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final NewDeviceForm form;

    private final StringProperty config = new SimpleStringProperty(this, "config", "");
    private final StringProperty configProblem = new SimpleStringProperty(this, "configProblem", "");
    private final StringProperty serverTrust = new SimpleStringProperty(this, "serverTrust", "");
    private final BooleanProperty serverTrusted = new SimpleBooleanProperty(this, "serverTrusted");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");
    private final StringProperty busy = new SimpleStringProperty(this, "busy", "");
    private final BooleanBinding working = busy.isNotEmpty();

    private final ObservableList<DeviceItem> devices = FXCollections.observableArrayList();
    private final ObjectProperty<DeviceItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final DeviceStateView state = new DeviceStateView();
    private final BooleanProperty offline = new SimpleBooleanProperty(this, "offline");
    private final BooleanProperty slow = new SimpleBooleanProperty(this, "slow");
    private final BooleanProperty serverErrors = new SimpleBooleanProperty(this, "serverErrors");
    private final BooleanProperty diskFull = new SimpleBooleanProperty(this, "diskFull");
    private final BooleanProperty clockSkew = new SimpleBooleanProperty(this, "clockSkew");
    private final StringProperty upgradeVersion = new SimpleStringProperty(this, "upgradeVersion", "");
    private final StringProperty upgradeBuild = new SimpleStringProperty(this, "upgradeBuild", "");
    private final StringProperty upgradeError = new SimpleStringProperty(this, "upgradeError", "");

    /** Every device of this session (all connections); the page shows those of the current one. */
    private final List<DeviceItem> all = new CopyOnWriteArrayList<>();
    /** Connections whose devices of earlier sessions were read back (or are being). */
    private final Set<String> restored = ConcurrentHashMap.newKeySet();
    private final ChangeListener<DeviceState> stateListener = (obs, old, now) -> stateChanged(now);
    private boolean syncingFaults;
    private long configGeneration;

    /**
     * @param root      {@code <data folder>/emulator}
     * @param webLayer  the web layer new devices get unless the user picks another (tests use SIMULATED)
     */
    public EmulatorViewModel(ConnectionManager connection, TaskRunner tasks, ObservableList<App> apps,
            AppKeyStore keys, Path root, WebLayer webLayer) {
        this.connection = connection;
        this.tasks = tasks;
        this.apps = apps;
        this.keys = keys;
        this.store = new EmulatorDevices(root, tasks);
        this.server = new ServerView(connection, tasks, selected::get);
        this.form = new NewDeviceForm(webLayer);
        apps.addListener((ListChangeListener<App>) c -> AppChoice.keep(apps, app));
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                checkConfig();
            }
        });
        connection.sessionProperty().addListener((obs, old, now) -> {
            showDevicesOfConnection();
            restoreDevicesOfConnection();
            checkConfig();
        });
        selected.addListener((obs, old, now) -> selectionChanged(old, now));
        for (BooleanProperty toggle : List.of(offline, slow, serverErrors, diskFull, clockSkew)) {
            toggle.addListener((obs, old, now) -> applyFaults());
        }
        AppChoice.keep(apps, app);
        restoreDevicesOfConnection();
    }

    /**
     * Reads back the devices earlier sessions made for the current connection, once per connection, when it is
     * online (their apps are pointed at its address).
     */
    private void restoreDevicesOfConnection() {
        Session s = connection.session();
        if (s == null || s.client() == null || !restored.add(s.connectionId())) {
            return;
        }
        String id = s.connectionId();
        String url = s.client().baseUrl();
        tasks.create("Reading the emulated devices of " + s.label(), () -> store.restore(id, url))
                .onSuccess(r -> {
                    all.addAll(r.devices());
                    showDevicesOfConnection();
                    if (!r.problems().isEmpty()) {
                        message.set(String.join(" ", r.problems()));
                    }
                })
                .onError(e -> message.set("Cannot read the emulated devices of " + s.label() + ": " + problem(e)))
                .run();
    }

    // ---- configuration ----------------------------------------------------------------------------------------

    /** What devices of the selected app would be given; says what is missing (keys, unlock, connection). */
    public void checkConfig() {
        App a = app.get();
        Session s = connection.session();
        long gen = ++configGeneration;
        config.set("");
        serverTrust.set("");
        serverTrusted.set(false);
        if (a == null) {
            configProblem.set(dev.patchbay.console.common.AppSelector.noAppText(connection.readOnlyProperty().get()));
            return;
        }
        if (s == null || s.client() == null) {
            configProblem.set("Not connected to a server: devices need one to ask for updates.");
            return;
        }
        configProblem.set("");
        tasks.create("Reading the trust material of " + a.id(), () -> describeConfig(s, a.id()))
                .onSuccess(text -> {
                    if (gen == configGeneration) {
                        config.set(text);
                        checkServerTrust(s, a.id(), gen);
                    }
                })
                .onError(e -> {
                    if (gen == configGeneration) {
                        configProblem.set(problem(e));
                    }
                })
                .run();
    }

    private String describeConfig(Session s, String appId) {
        EmulatorDevices.Keys k = keyMaterial(appId);
        Arrays.fill(k.contentKey(), (byte) 0);
        return "Server " + s.client().baseUrl() + ", app " + appId + ", root key " + k.rootKeyId() + " (trust.json), "
                + "content key " + k.contentKeyId() + ".";
    }

    private void checkServerTrust(Session s, String appId, long gen) {
        tasks.create("Checking whether " + s.label() + " is trusted", () -> {
                    TrustRoot t = keys.trust(appId).orElseThrow();
                    return ServerTrust.check(s.client(), appId, t.rootKeyId(), s.label());
                })
                .onSuccess(t -> {
                    if (gen == configGeneration) {
                        serverTrusted.set(t.trusted());
                        serverTrust.set(t.text());
                    }
                })
                .onError(e -> {
                    if (gen == configGeneration) {
                        serverTrust.set("Cannot tell whether " + s.label() + " is trusted: " + problem(e));
                    }
                })
                .run();
    }

    /** The trust material a device of {@code appId} embeds; the content key needs the keys unlocked this session. */
    private EmulatorDevices.Keys keyMaterial(String appId) {
        TrustRoot trust = keys.trust(appId).orElseThrow(() -> new SetupProblem("App " + appId + " has no keys in "
                + "this console: create them on the Keys page (devices embed its root public key and content key)."));
        AppKeys open = keys.unlocked(appId).orElseThrow(() -> new SetupProblem("The keys of " + appId
                + " are locked: unlock them on the Keys page (devices embed the content key, which needs the "
                + "passphrase). The root public key is read from trust.json."));
        return new EmulatorDevices.Keys(trust.rootPublicKey(), trust.rootKeyId(), open.contentKey(),
                open.contentKeyId());
    }

    /** A reason the user can act on, shown as is. */
    static final class SetupProblem extends RuntimeException {
        SetupProblem(String message) {
            super(message);
        }
    }

    /** The chosen web assets folder lacks index.html. */
    static final class AssetsProblem extends RuntimeException {
        AssetsProblem(String message) {
            super(message);
        }
    }

    // ---- creating a device ------------------------------------------------------------------------------------

    /** Makes an emulated device for the selected app with the form's settings and installs the app on it. */
    public void create() {
        form.clearErrors();
        message.set("");
        info.set("");
        App a = app.get();
        Session s = connection.session();
        if (working.get()) {
            return;
        }
        if (a == null) {
            message.set("Choose an app first.");
            return;
        }
        if (s == null || s.client() == null) {
            message.set("Not connected to a server: devices need one to ask for updates.");
            return;
        }
        EmulatorDevices.Setup setup = form.check(s, a);
        if (setup == null) {
            return;
        }
        busy.set("Creating a device…");
        tasks.create("Creating an emulated device for " + a.id(), () -> {
                    EmulatorDevices.Keys k = keyMaterial(setup.appId());
                    try {
                        return store.create(setup, k);
                    } finally {
                        Arrays.fill(k.contentKey(), (byte) 0);
                    }
                })
                .onSuccess(item -> {
                    all.add(item);
                    showDevicesOfConnection();
                    selected.set(item);
                    info.set("Device " + item.deviceId() + " runs " + setup.appId() + " " + setup.version() + " ("
                            + setup.build() + "), autoUpdate " + setup.mode().wire() + ". Cold start it to let it ask for updates.");
                })
                .onError(e -> {
                    if (e instanceof AssetsProblem) {
                        form.assetsErrorProperty().set(e.getMessage());
                    } else {
                        message.set(problem(e));
                    }
                })
                .andFinally(() -> busy.set(""))
                .run();
    }

    // ---- the selected device ----------------------------------------------------------------------------------

    public void coldStart() {
        act("Cold start", EmulatedDevice::coldStart);
    }

    public void background() {
        act("Background", EmulatedDevice::background);
    }

    public void foreground() {
        act("Foreground", EmulatedDevice::foreground);
    }

    public void kill() {
        act("Kill", EmulatedDevice::kill);
    }

    public void reboot() {
        act("Reboot", EmulatedDevice::reboot);
    }

    /** An app store update of the native app to {@link #upgradeVersionProperty()} / build; app data stays. */
    public void nativeUpgrade() {
        DeviceItem d = selected.get();
        upgradeError.set("");
        if (d == null) {
            return;
        }
        String version = upgradeVersion.get() == null ? "" : upgradeVersion.get().trim();
        StringProperty buildError = new SimpleStringProperty("");
        Long build = NewDeviceForm.positive(upgradeBuild.get(), buildError, "build: a whole number above 0");
        if (!NewDeviceForm.SEMVER.matcher(version).matches()) {
            upgradeError.set("A semantic version such as 1.5.0, and a build number");
            return;
        }
        if (build == null) {
            upgradeError.set(buildError.get());
            return;
        }
        act("Native upgrade to " + version, device -> {
            AppPackage now = device.app();
            AppPackage next = now.withVersion(version, build);
            if (d.generatedAssets()) {
                try {
                    next = next.withWebAssets(GeneratedAssets.write(store.apkDir(d.connectionId(), d.deviceId(),
                            build), d.appId(), version, build));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            device.nativeUpgrade(next);
            try {
                store.saveChange(d);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("The upgrade is installed but not recorded for the next "
                        + "session: " + e.getMessage(), e);
            }
        });
    }

    private void act(String what, Consumer<EmulatedDevice> action) {
        DeviceItem d = selected.get();
        if (d == null) {
            return;
        }
        message.set("");
        info.set("");
        tasks.create(what + " " + d.deviceId(), () -> {
                    action.accept(d.device());
                    return null;
                })
                .onSuccess(v -> server.refresh())
                .onError(e -> message.set(what + " of " + d.deviceId() + " failed: " + problem(e)))
                .run();
    }

    /** Closes the selected device and deletes its folder (it does not come back at the next start). */
    public void removeSelected() {
        DeviceItem d = selected.get();
        if (d == null) {
            return;
        }
        tasks.create("Removing " + d.deviceId(), () -> {
                    store.remove(d);
                    return null;
                })
                .onSuccess(v -> {
                    all.remove(d);
                    showDevicesOfConnection();
                    info.set("Device " + d.deviceId() + " removed.");
                })
                .onError(e -> message.set("Cannot remove " + d.deviceId() + ": " + problem(e)))
                .run();
    }

    private void showDevicesOfConnection() {
        Session s = connection.session();
        String id = s == null ? null : s.connectionId();
        DeviceItem keep = selected.get();
        devices.setAll(all.stream().filter(d -> d.connectionId().equals(id)).toList());
        selected.set(keep != null && devices.contains(keep) ? keep : devices.isEmpty() ? null : devices.get(0));
    }

    private void selectionChanged(DeviceItem old, DeviceItem now) {
        if (old != null) {
            old.stateProperty().removeListener(stateListener);
        }
        server.show(null, "");
        syncingFaults = true;
        try {
            FaultSet f = now == null ? FaultSet.NONE : now.faults;
            offline.set(f.offline());
            slow.set(f.slow());
            serverErrors.set(f.serverErrors());
            diskFull.set(f.diskFull());
            clockSkew.set(f.clockSkew());
        } finally {
            syncingFaults = false;
        }
        upgradeVersion.set("");
        upgradeBuild.set("");
        upgradeError.set("");
        if (now != null) {
            now.stateProperty().addListener(stateListener);
        }
        showState(now == null ? null : now.state());
        server.refresh();
    }

    private void stateChanged(DeviceState s) {
        showState(s);
        server.refresh();
    }

    private void showState(DeviceState s) {
        state.show(s, selected.get() == null ? "none" : selected.get().faults.describe());
        if (s != null && upgradeVersion.get().isEmpty() && s.nativeVersion() != null) {
            upgradeVersion.set(nextMinor(s.nativeVersion()));
            upgradeBuild.set(String.valueOf(s.nativeBuild() + 1));
        }
    }

    private static String nextMinor(String version) {
        var m = NewDeviceForm.SEMVER.matcher(version);
        return m.matches() ? m.group(1) + "." + (Long.parseLong(m.group(2)) + 1) + ".0" : version;
    }

    private void applyFaults() {
        DeviceItem d = selected.get();
        if (syncingFaults || d == null) {
            return;
        }
        d.faults = new FaultSet(offline.get(), slow.get(), serverErrors.get(), diskFull.get(), clockSkew.get());
        d.faults.applyTo(d.device().faults());
        state.activeFaultsProperty().set(d.faults.describe());
        // Kept in the device's emulator.json, so the toggles come back with the device after a restart.
        tasks.create("Saving the faults of " + d.deviceId(), () -> {
            store.saveChange(d);
            return null;
        }).onError(e -> message.set("The faults are set but not kept for the next session: "
                + dev.patchbay.console.data.Problems.message(e))).run();
    }

    // ---- lifecycle of the page --------------------------------------------------------------------------------

    /** Closes every device (app processes, web servers, threads). On exit; not on the FX thread. */
    public void closeAll() {
        store.closeAll();
    }

    private static String problem(Throwable e) {
        if (e instanceof SetupProblem || e instanceof AssetsProblem || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
            return e.getMessage();
        }
        return Problems.message(e);
    }

    // ---- properties -------------------------------------------------------------------------------------------

    public ObservableList<App> apps() {
        return apps;
    }

    public ObjectProperty<App> appProperty() {
        return app;
    }

    /** The New device form. */
    public NewDeviceForm form() {
        return form;
    }

    /** What devices are given (server, app, key ids), "" while unknown. */
    public StringProperty configProperty() {
        return config;
    }

    /** What is missing before a device can be made ("" when nothing). */
    public StringProperty configProblemProperty() {
        return configProblem;
    }

    public StringProperty serverTrustProperty() {
        return serverTrust;
    }

    public BooleanProperty serverTrustedProperty() {
        return serverTrusted;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty infoProperty() {
        return info;
    }

    public StringProperty busyProperty() {
        return busy;
    }

    public BooleanBinding workingProperty() {
        return working;
    }

    /** The devices of the current connection. */
    public ObservableList<DeviceItem> devices() {
        return devices;
    }

    public ObjectProperty<DeviceItem> selectedProperty() {
        return selected;
    }

    /** What the selected device holds. */
    public DeviceStateView state() {
        return state;
    }

    public BooleanProperty offlineProperty() {
        return offline;
    }

    public BooleanProperty slowProperty() {
        return slow;
    }

    public BooleanProperty serverErrorsProperty() {
        return serverErrors;
    }

    public BooleanProperty diskFullProperty() {
        return diskFull;
    }

    public BooleanProperty clockSkewProperty() {
        return clockSkew;
    }

    public StringProperty upgradeVersionProperty() {
        return upgradeVersion;
    }

    public StringProperty upgradeBuildProperty() {
        return upgradeBuild;
    }

    public StringProperty upgradeErrorProperty() {
        return upgradeError;
    }

    /** What the connected server knows about the selected device. */
    public ServerView server() {
        return server;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
