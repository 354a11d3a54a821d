package dev.patchbay.console.emulator;

import dev.patchbay.client.Device;
import dev.patchbay.client.NotFoundException;
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
import dev.patchbay.domain.Names;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.harness.AppPackage;
import dev.patchbay.harness.BundleView;
import dev.patchbay.harness.DeviceState;
import dev.patchbay.harness.EmulatedDevice;
import dev.patchbay.harness.SimulatedBehaviour;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 * {@code <data folder>/emulator/<connection>/devices/<serial>/} for the console session and are closed on exit.
 * Every harness call that touches disk or network runs as a task; device reports reach the FX thread through
 * {@link TaskRunner#post}.
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

    /** One bundle the selected device holds; {@code role} says if it is current, next and/or last good. */
    public record BundleRow(String id, String version, long sequence, String status, String reason, String role) {
    }

    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    private static final int FIRST_PORT = 5554;

    private final ConnectionManager connection;
    private final TaskRunner tasks;
    private final ObservableList<App> apps;
    private final AppKeyStore keys;
    private final Path root;

    private final ObjectProperty<App> app = new SimpleObjectProperty<>(this, "app");
    private final StringProperty nativeVersion = new SimpleStringProperty(this, "nativeVersion", "1.0.0");
    private final StringProperty nativeBuild = new SimpleStringProperty(this, "nativeBuild", "100");
    private final StringProperty channel = new SimpleStringProperty(this, "channel", "");
    private final ObjectProperty<AutoUpdate> autoUpdate = new SimpleObjectProperty<>(this, "autoUpdate",
            AutoUpdate.AT_BACKGROUND);
    private final StringProperty appReadyTimeout = new SimpleStringProperty(this, "appReadyTimeout", "10000");
    private final ObjectProperty<Path> assetsFolder = new SimpleObjectProperty<>(this, "assetsFolder");
    private final BooleanProperty reportsEmulator = new SimpleBooleanProperty(this, "reportsEmulator");
    private final ObjectProperty<WebLayer> webLayer;
    private final StringProperty nativeVersionError = new SimpleStringProperty(this, "nativeVersionError", "");
    private final StringProperty nativeBuildError = new SimpleStringProperty(this, "nativeBuildError", "");
    private final StringProperty channelError = new SimpleStringProperty(this, "channelError", "");
    private final StringProperty appReadyTimeoutError = new SimpleStringProperty(this, "appReadyTimeoutError", "");
    private final StringProperty assetsError = new SimpleStringProperty(this, "assetsError", "");

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
    private final StringProperty process = new SimpleStringProperty(this, "process", "");
    private final StringProperty currentBundle = new SimpleStringProperty(this, "currentBundle", "");
    private final StringProperty nextBundle = new SimpleStringProperty(this, "nextBundle", "");
    private final StringProperty activeFaults = new SimpleStringProperty(this, "activeFaults", "");
    private final ObservableList<BundleRow> bundles = FXCollections.observableArrayList();
    private final BooleanProperty offline = new SimpleBooleanProperty(this, "offline");
    private final BooleanProperty slow = new SimpleBooleanProperty(this, "slow");
    private final BooleanProperty serverErrors = new SimpleBooleanProperty(this, "serverErrors");
    private final BooleanProperty diskFull = new SimpleBooleanProperty(this, "diskFull");
    private final BooleanProperty clockSkew = new SimpleBooleanProperty(this, "clockSkew");
    private final StringProperty upgradeVersion = new SimpleStringProperty(this, "upgradeVersion", "");
    private final StringProperty upgradeBuild = new SimpleStringProperty(this, "upgradeBuild", "");
    private final StringProperty upgradeError = new SimpleStringProperty(this, "upgradeError", "");

    private final ObjectProperty<Device> serverDevice = new SimpleObjectProperty<>(this, "serverDevice");
    private final StringProperty serverStatus = new SimpleStringProperty(this, "serverStatus", "");
    private final StringProperty serverChannel = new SimpleStringProperty(this, "serverChannel", "");
    private final StringProperty serverBundle = new SimpleStringProperty(this, "serverBundle", "");
    private final StringProperty serverLastCheck = new SimpleStringProperty(this, "serverLastCheck", "");
    private final StringProperty serverBundles = new SimpleStringProperty(this, "serverBundles", "");

    /** Every device made this session (all connections); closed on exit. */
    private final List<DeviceItem> all = new CopyOnWriteArrayList<>();
    private final Set<String> serials = ConcurrentHashMap.newKeySet();
    private final Set<String> cleaned = ConcurrentHashMap.newKeySet();
    private final ChangeListener<DeviceState> stateListener = (obs, old, now) -> stateChanged(now);
    private boolean syncingFaults;
    private boolean serverLoading;
    private boolean serverAgain;
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
        this.root = root;
        this.webLayer = new SimpleObjectProperty<>(this, "webLayer", webLayer);
        apps.addListener((ListChangeListener<App>) c -> AppChoice.keep(apps, app));
        app.addListener((obs, old, now) -> {
            if (old == null || now == null || !old.id().equals(now.id())) {
                checkConfig();
            }
        });
        connection.sessionProperty().addListener((obs, old, now) -> {
            showDevicesOfConnection();
            checkConfig();
        });
        selected.addListener((obs, old, now) -> selectionChanged(old, now));
        for (BooleanProperty toggle : List.of(offline, slow, serverErrors, diskFull, clockSkew)) {
            toggle.addListener((obs, old, now) -> applyFaults());
        }
        AppChoice.keep(apps, app);
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
            configProblem.set("Choose an app (create one on the Apps page).");
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
        KeyMaterial k = keyMaterial(appId);
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
    private KeyMaterial keyMaterial(String appId) {
        TrustRoot trust = keys.trust(appId).orElseThrow(() -> new SetupProblem("App " + appId + " has no keys in "
                + "this console: create them on the Keys page (devices embed its root public key and content key)."));
        AppKeys open = keys.unlocked(appId).orElseThrow(() -> new SetupProblem("The keys of " + appId
                + " are locked: unlock them on the Keys page (devices embed the content key, which needs the "
                + "passphrase). The root public key is read from trust.json."));
        return new KeyMaterial(trust.rootPublicKey(), trust.rootKeyId(), open.contentKey(), open.contentKeyId());
    }

    private record KeyMaterial(byte[] rootPublicKey, String rootKeyId, byte[] contentKey, String contentKeyId) {
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
        clearFormErrors();
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
        String version = nativeVersion.get() == null ? "" : nativeVersion.get().trim();
        if (!SEMVER.matcher(version).matches()) {
            nativeVersionError.set("A semantic version such as 1.4.0");
        }
        Long build = positive(nativeBuild.get(), nativeBuildError, "A whole number above 0, such as 140");
        Long readyMs = positive(appReadyTimeout.get(), appReadyTimeoutError, "Milliseconds, at least 1000");
        if (readyMs != null && readyMs < UpdaterConfig.MIN_APP_READY_TIMEOUT.toMillis()) {
            appReadyTimeoutError.set("At least " + UpdaterConfig.MIN_APP_READY_TIMEOUT.toMillis() + " ms");
        }
        String ch = channel.get() == null || channel.get().isBlank() ? null : channel.get().trim();
        if (ch != null) {
            try {
                Names.channelName(ch);
            } catch (ValidationException e) {
                channelError.set(e.getMessage());
            }
        }
        if (!nativeVersionError.get().isEmpty() || !nativeBuildError.get().isEmpty()
                || !appReadyTimeoutError.get().isEmpty() || !channelError.get().isEmpty()) {
            return;
        }
        Setup setup = new Setup(s.connectionId(), s.client().baseUrl(), a.id(), version, build, ch, autoUpdate.get(),
                Duration.ofMillis(readyMs), assetsFolder.get(), reportsEmulator.get(), webLayer.get());
        busy.set("Creating a device…");
        tasks.create("Creating an emulated device for " + a.id(), () -> build(setup))
                .onSuccess(item -> {
                    all.add(item);
                    showDevicesOfConnection();
                    selected.set(item);
                    info.set(item.serial() + " runs " + setup.appId() + " " + setup.version() + " (" + setup.build()
                            + "), autoUpdate " + setup.mode().wire() + ". Cold start it to let it ask for updates.");
                })
                .onError(e -> {
                    if (e instanceof AssetsProblem) {
                        assetsError.set(e.getMessage());
                    } else {
                        message.set(problem(e));
                    }
                })
                .andFinally(() -> busy.set(""))
                .run();
    }

    private record Setup(String connectionId, String serverUrl, String appId, String version, long build,
            String channel, AutoUpdate mode, Duration appReady, Path assets, boolean reportsEmulator, WebLayer layer) {
    }

    /** Background: folders, assets, config, device, install. */
    private DeviceItem build(Setup setup) throws IOException {
        if (setup.assets() != null && !Files.isRegularFile(setup.assets().resolve("index.html"))) {
            throw new AssetsProblem(setup.assets() + " has no index.html at its top level.");
        }
        KeyMaterial k = keyMaterial(setup.appId());
        Path connectionDir = connectionDir(setup.connectionId());
        if (cleaned.add(setup.connectionId())) {
            // Devices of an earlier session cannot be resumed (their app config is not kept): start clean.
            deleteTree(connectionDir);
        }
        String serial = reserveSerial(connectionDir.resolve("devices"));
        try {
            UpdaterConfig cfg = UpdaterConfig.builder(setup.serverUrl(), setup.appId(), k.rootPublicKey(),
                            k.contentKey())
                    .autoUpdate(setup.mode()).appReadyTimeout(setup.appReady()).defaultChannel(setup.channel())
                    .build();
            Path assets = setup.assets() != null ? setup.assets()
                    : GeneratedAssets.write(connectionDir.resolve("apk").resolve(serial + "-" + setup.build()),
                    setup.appId(), setup.version(), setup.build());
            EmulatedDevice.Builder b = EmulatedDevice.builder(connectionDir.resolve("devices"), serial)
                    .reportsEmulator(setup.reportsEmulator());
            if (setup.layer() == WebLayer.WEBVIEW) {
                b.webView();
            } else {
                b.simulated(Map.of(), SimulatedBehaviour.readyAfter(Duration.ZERO));
            }
            EmulatedDevice device = b.build();
            DeviceItem item = new DeviceItem(device, setup.connectionId(), setup.appId(), setup.channel(),
                    setup.assets() == null, tasks);
            item.attach();
            try {
                device.install(new AppPackage(setup.appId(), setup.version(), setup.build(), assets, cfg));
            } catch (RuntimeException e) {
                item.close();
                throw e;
            }
            return item;
        } catch (RuntimeException | IOException e) {
            serials.remove(connectionDir.getFileName() + "/" + serial);
            throw e;
        } finally {
            Arrays.fill(k.contentKey(), (byte) 0);
        }
    }

    private String reserveSerial(Path devicesDir) {
        for (int port = FIRST_PORT; ; port += 2) {
            String serial = "emulator-" + port;
            if (!Files.exists(devicesDir.resolve(serial))
                    && serials.add(devicesDir.getParent().getFileName() + "/" + serial)) {
                return serial;
            }
        }
    }

    private Path connectionDir(String connectionId) {
        return root.resolve(connectionId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    private static Long positive(String text, StringProperty error, String hint) {
        try {
            long v = Long.parseLong(text == null ? "" : text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // the hint says what is expected
        }
        error.set(hint);
        return null;
    }

    private void clearFormErrors() {
        nativeVersionError.set("");
        nativeBuildError.set("");
        channelError.set("");
        appReadyTimeoutError.set("");
        assetsError.set("");
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
        Long build = positive(upgradeBuild.get(), buildError, "build: a whole number above 0");
        if (!SEMVER.matcher(version).matches()) {
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
                    next = next.withWebAssets(GeneratedAssets.write(connectionDir(d.connectionId()).resolve("apk")
                            .resolve(d.serial() + "-" + build), d.appId(), version, build));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            device.nativeUpgrade(next);
        });
    }

    private void act(String what, Consumer<EmulatedDevice> action) {
        DeviceItem d = selected.get();
        if (d == null) {
            return;
        }
        message.set("");
        info.set("");
        tasks.create(what + " " + d.serial(), () -> {
                    action.accept(d.device());
                    return null;
                })
                .onSuccess(v -> refreshServerView())
                .onError(e -> message.set(what + " of " + d.serial() + " failed: " + problem(e)))
                .run();
    }

    /** Closes the selected device and deletes its folder. */
    public void removeSelected() {
        DeviceItem d = selected.get();
        if (d == null) {
            return;
        }
        tasks.create("Removing " + d.serial(), () -> {
                    d.close();
                    deleteTree(d.device().folder());
                    return null;
                })
                .onSuccess(v -> {
                    all.remove(d);
                    serials.remove(connectionDir(d.connectionId()).getFileName() + "/" + d.serial());
                    showDevicesOfConnection();
                    info.set(d.serial() + " removed.");
                })
                .onError(e -> message.set("Cannot remove " + d.serial() + ": " + problem(e)))
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
        serverDevice.set(null);
        showServerDevice(null, "");
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
        refreshServerView();
    }

    private void stateChanged(DeviceState s) {
        showState(s);
        refreshServerView();
    }

    private void showState(DeviceState s) {
        if (s == null) {
            process.set("");
            currentBundle.set("");
            nextBundle.set("");
            activeFaults.set("");
            bundles.clear();
            return;
        }
        process.set(describeProcess(s));
        currentBundle.set(s.current() == null ? "" : describe(s.current()));
        nextBundle.set(s.next() == null ? "none" : describe(s.next()));
        activeFaults.set(selected.get() == null ? "none" : selected.get().faults.describe());
        if (upgradeVersion.get().isEmpty() && s.nativeVersion() != null) {
            upgradeVersion.set(nextMinor(s.nativeVersion()));
            upgradeBuild.set(String.valueOf(s.nativeBuild() + 1));
        }
        List<BundleRow> rows = new ArrayList<>();
        for (BundleView b : s.bundles()) {
            List<String> roles = new ArrayList<>();
            if (s.current() != null && s.current().id().equals(b.id())) {
                roles.add("current");
            }
            if (s.next() != null && s.next().id().equals(b.id())) {
                roles.add("next");
            }
            if (s.fallback() != null && s.fallback().id().equals(b.id())) {
                roles.add("last good");
            }
            rows.add(new BundleRow(b.id(), b.version(), b.sequence(), b.status(), b.reason(), String.join(", ", roles)));
        }
        rows.sort(Comparator.comparing((BundleRow r) -> !r.id().equals(BundleView.BUILTIN))
                .thenComparingLong(BundleRow::sequence));
        bundles.setAll(rows);
    }

    private static String describeProcess(DeviceState s) {
        String p = switch (s.process()) {
            case NOT_INSTALLED -> "not installed";
            case STOPPED -> "stopped";
            case FOREGROUND -> "running, foreground (pid " + s.pid() + ")";
            case BACKGROUND -> "running, background (pid " + s.pid() + ")";
        };
        String app = s.appId() == null ? "" : s.appId() + " " + s.nativeVersion() + " (" + s.nativeBuild() + "), ";
        return app + p + (s.lastDeath() != null && !s.running() ? "; last exit: " + s.lastDeath() : "");
    }

    private static String describe(BundleView b) {
        return b.version() + (b.builtin() ? " (builtin)" : "") + " – " + b.status()
                + (b.reason() == null ? "" : ": " + b.reason());
    }

    private static String nextMinor(String version) {
        var m = SEMVER.matcher(version);
        return m.matches() ? m.group(1) + "." + (Long.parseLong(m.group(2)) + 1) + ".0" : version;
    }

    private void applyFaults() {
        DeviceItem d = selected.get();
        if (syncingFaults || d == null) {
            return;
        }
        d.faults = new FaultSet(offline.get(), slow.get(), serverErrors.get(), diskFull.get(), clockSkew.get());
        d.faults.applyTo(d.device().faults());
        activeFaults.set(d.faults.describe());
    }

    // ---- what the server knows --------------------------------------------------------------------------------

    /** Asks the server about the selected device (one request at a time; a request made meanwhile runs after). */
    public void refreshServerView() {
        DeviceItem d = selected.get();
        Session s = connection.session();
        if (d == null) {
            showServerDevice(null, "");
            return;
        }
        if (s == null || s.client() == null || !s.connectionId().equals(d.connectionId())) {
            showServerDevice(null, "Not connected to the server this device talks to.");
            return;
        }
        if (serverLoading) {
            serverAgain = true;
            return;
        }
        serverLoading = true;
        tasks.create("Asking the server about " + d.serial(), () -> lookUp(s, d))
                .onSuccess(r -> {
                    if (selected.get() == d) {
                        showServerDevice(r.device(), r.status());
                    }
                })
                .onError(e -> {
                    if (selected.get() == d) {
                        serverStatus.set("Cannot ask " + s.label() + ": " + problem(e));
                    }
                })
                .andFinally(() -> {
                    serverLoading = false;
                    if (serverAgain) {
                        serverAgain = false;
                        refreshServerView();
                    }
                })
                .run();
    }

    private record Lookup(Device device, String status) {
    }

    private static Lookup lookUp(Session s, DeviceItem d) {
        String id = d.device().readPrefs(EmulatedDevice.PREFS).get("deviceId");
        if (id == null) {
            return new Lookup(null, "The device has no id yet: cold start it.");
        }
        try {
            Device device = s.client().device(d.appId(), id);
            return new Lookup(device, "Device " + id + ", last seen " + dev.patchbay.console.common.Times.format(
                    device.lastSeen()) + ".");
        } catch (NotFoundException e) {
            return new Lookup(null, "The server has not heard from device " + id + " yet.");
        }
    }

    private void showServerDevice(Device d, String status) {
        serverDevice.set(d);
        serverStatus.set(status);
        if (d == null) {
            serverChannel.set("");
            serverBundle.set("");
            serverLastCheck.set("");
            serverBundles.set("");
            return;
        }
        serverChannel.set(d.channel() == null ? "none"
                : d.channel() + (d.channelSource() == null ? "" : " (" + d.channelSource() + ")")
                + (d.channelReason() == null ? "" : "; " + d.channelReason()));
        serverBundle.set((d.currentBundle() == null ? "unknown" : d.currentBundle())
                + (d.nextBundle() == null ? "" : ", next " + d.nextBundle()));
        serverLastCheck.set(d.lastOutcome() == null ? "none yet" : d.lastOutcome()
                + (d.lastError() == null ? "" : ": " + d.lastError())
                + (d.lastMessage() == null ? "" : " – " + d.lastMessage()));
        serverBundles.set(d.bundles().isEmpty() ? "none" : String.join(", ", d.bundles().stream()
                .map(b -> b.bundle() + " " + b.state() + (b.percent() == null ? "" : " " + b.percent() + " %")
                        + (b.reason() == null ? "" : " (" + b.reason() + ")")).toList()));
    }

    // ---- lifecycle of the page --------------------------------------------------------------------------------

    /** Closes every device (app processes, web servers, threads). On exit; not on the FX thread. */
    public void closeAll() {
        for (DeviceItem d : all) {
            try {
                d.close();
            } catch (RuntimeException ignored) {
                // closing the others matters more
            }
        }
    }

    private static String problem(Throwable e) {
        if (e instanceof SetupProblem || e instanceof AssetsProblem || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
            return e.getMessage();
        }
        return Problems.message(e);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- properties -------------------------------------------------------------------------------------------

    public ObservableList<App> apps() {
        return apps;
    }

    public ObjectProperty<App> appProperty() {
        return app;
    }

    public StringProperty nativeVersionProperty() {
        return nativeVersion;
    }

    public StringProperty nativeBuildProperty() {
        return nativeBuild;
    }

    public StringProperty channelProperty() {
        return channel;
    }

    public ObjectProperty<AutoUpdate> autoUpdateProperty() {
        return autoUpdate;
    }

    public StringProperty appReadyTimeoutProperty() {
        return appReadyTimeout;
    }

    /** The builtin web assets folder; null: a generated page that calls notifyAppReady. */
    public ObjectProperty<Path> assetsFolderProperty() {
        return assetsFolder;
    }

    public BooleanProperty reportsEmulatorProperty() {
        return reportsEmulator;
    }

    public ObjectProperty<WebLayer> webLayerProperty() {
        return webLayer;
    }

    public StringProperty nativeVersionErrorProperty() {
        return nativeVersionError;
    }

    public StringProperty nativeBuildErrorProperty() {
        return nativeBuildError;
    }

    public StringProperty channelErrorProperty() {
        return channelError;
    }

    public StringProperty appReadyTimeoutErrorProperty() {
        return appReadyTimeoutError;
    }

    public StringProperty assetsErrorProperty() {
        return assetsError;
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

    public StringProperty processProperty() {
        return process;
    }

    public StringProperty currentBundleProperty() {
        return currentBundle;
    }

    public StringProperty nextBundleProperty() {
        return nextBundle;
    }

    public StringProperty activeFaultsProperty() {
        return activeFaults;
    }

    public ObservableList<BundleRow> bundles() {
        return bundles;
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

    /** The server's record of the selected device (null when it has none or while unknown). */
    public ObjectProperty<Device> serverDeviceProperty() {
        return serverDevice;
    }

    public StringProperty serverStatusProperty() {
        return serverStatus;
    }

    public StringProperty serverChannelProperty() {
        return serverChannel;
    }

    public StringProperty serverBundleProperty() {
        return serverBundle;
    }

    public StringProperty serverLastCheckProperty() {
        return serverLastCheck;
    }

    public StringProperty serverBundlesProperty() {
        return serverBundles;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
