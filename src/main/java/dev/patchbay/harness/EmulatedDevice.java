package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.port.AppInfo;
import dev.patchbay.updater.port.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An emulated Android device running one Capacitor app with the real updater runtime. Everything the runtime keeps
 * is on disk under {@code <root>/<serial>/} as on a device:
 * <pre>
 *   data/app/&lt;appId&gt;/assets/public/     the installed "APK"'s builtin web assets
 *   data/data/&lt;appId&gt;/shared_prefs/      CapacitorUpdater.xml, CapWebViewSettings.xml
 *   data/data/&lt;appId&gt;/files/             bundles (versions/), downloads
 * </pre>
 * Lifecycle as Android's: {@link #install}, {@link #coldStart} (a new app process: new ports, a new runtime over the
 * same folders, the web layer loads the current bundle), {@link #background}, {@link #foreground}, {@link #kill},
 * {@link #reboot}, {@link #nativeUpgrade}. {@link #faults()} injects network, disk, clock and kill faults at run time.
 * {@link #state()} and {@link #log()} (with listeners) show what the device holds and did.
 *
 * <p>The web layer is a real JavaFX WebView ({@link Builder#webView}) over a loopback origin with a Capacitor-style
 * JS bridge, or SIMULATED for headless fleets ({@link Builder#simulated}). Lifecycle methods block while the runtime
 * handles the callback (disk I/O); never call them on the JavaFX application thread. Thread-safe.
 */
public final class EmulatedDevice implements AutoCloseable {
    public static final String PREFS = "CapacitorUpdater";
    public static final String WEBVIEW_PREFS = "CapWebViewSettings";
    private static final int LOG_LIMIT = 5000;

    private final String serial;
    private final Path root;
    private final DeviceEnvironment env;
    private final boolean ownsEnv;
    private final boolean webView;
    private final Map<String, SimulatedBehaviour> simulated;
    private final SimulatedBehaviour simulatedDefault;
    private final RuntimeBinding.Factory runtimeFactory;
    private final boolean reportsEmulator;
    private final String platform;
    private final String osVersion;
    private final boolean devBuild;
    private final String deviceId;
    private final List<Consumer<String>> deathListeners = new CopyOnWriteArrayList<>();
    private final Faults faults = new Faults();
    private final Traffic traffic = new Traffic();
    private final Deque<LogEntry> log = new ArrayDeque<>();
    private final List<Consumer<LogEntry>> logListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DeviceState>> stateListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<String, JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger pids = new AtomicInteger(1000);
    private final AtomicLong generations = new AtomicLong();
    private final Object lifecycle = new Object();
    private volatile AppPackage app;
    private volatile Process current;
    private volatile DeviceState.ProcessState processState = DeviceState.ProcessState.NOT_INSTALLED;
    private volatile String lastDeath;
    private volatile long bootMillis;
    private volatile LocalWebServer webServer;
    private volatile boolean closed;

    private EmulatedDevice(Builder b) {
        this.serial = b.serial;
        this.root = b.root.resolve(b.serial).toAbsolutePath().normalize();
        this.ownsEnv = b.env == null;
        this.env = b.env == null ? DeviceEnvironment.create(4) : b.env;
        this.webView = b.webView;
        this.simulated = new ConcurrentHashMap<>(b.simulated);
        this.simulatedDefault = b.simulatedDefault;
        this.runtimeFactory = b.runtime == null ? UpdaterBinding::new : b.runtime;
        this.reportsEmulator = b.reportsEmulator;
        this.platform = b.platform;
        this.osVersion = b.osVersion;
        this.devBuild = b.devBuild;
        this.deviceId = b.deviceId;
        this.bootMillis = env.time().monotonicMillis();
    }

    /** A device {@code serial} with its folder under {@code root}. */
    public static Builder builder(Path root, String serial) {
        return new Builder(root, serial);
    }

    /** How a device is made. */
    public static final class Builder {
        private final Path root;
        private final String serial;
        private DeviceEnvironment env;
        private boolean webView;
        private final Map<String, SimulatedBehaviour> simulated = new ConcurrentHashMap<>();
        private SimulatedBehaviour simulatedDefault = SimulatedBehaviour.readyAfter(Duration.ZERO);
        private RuntimeBinding.Factory runtime;
        private boolean reportsEmulator;
        private String platform = "android";
        private String osVersion = "14";
        private boolean devBuild;
        private String deviceId;

        private Builder(Path root, String serial) {
            this.root = Objects.requireNonNull(root);
            if (!serial.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("Invalid serial " + serial);
            }
            this.serial = serial;
        }

        /** Shared threads and time (a fleet's); without one the device has its own. */
        public Builder environment(DeviceEnvironment e) {
            this.env = e;
            return this;
        }

        /** A real JavaFX WebView runs the bundles' JS (needs the JavaFX toolkit; headless Monocle works). */
        public Builder webView() {
            this.webView = true;
            return this;
        }

        /**
         * SIMULATED web layer (the default): no WebView, no JS; each bundle behaves as {@code behaviours} says for
         * its version, else as its index.html meta tag says, else as {@code fallback}.
         */
        public Builder simulated(Map<String, SimulatedBehaviour> behaviours, SimulatedBehaviour fallback) {
            this.webView = false;
            this.simulated.putAll(behaviours);
            this.simulatedDefault = Objects.requireNonNull(fallback);
            return this;
        }

        /** Whether the device says it is an emulator ({@code isEmulator}); false: it passes for a phone. */
        public Builder reportsEmulator(boolean yes) {
            this.reportsEmulator = yes;
            return this;
        }

        /**
         * The platform the device reports ({@code android} or {@code ios}) and its OS version; the default is
         * Android 14. The runtime and the emulated ports are the same either way (an iOS device is an Android one
         * that says it is an iPhone); the server sees the platform in every request.
         */
        public Builder platform(String platform, String osVersion) {
            if (!platform.equals("android") && !platform.equals("ios")) {
                throw new IllegalArgumentException("A platform is android or ios, not " + platform);
            }
            this.platform = platform;
            this.osVersion = Objects.requireNonNull(osVersion);
            return this;
        }

        /** Whether the app is a development build (debuggable: {@code isProduction} false); default false. */
        public Builder devBuild(boolean yes) {
            this.devBuild = yes;
            return this;
        }

        /**
         * The device id the runtime uses (a lower-case UUID), as if an earlier run of the app had generated and
         * stored it: each {@link #install} stores it in the runtime's preferences. Without one the runtime makes a
         * random id at its first start, as on a device. Fleets set it so a rerun is the same devices.
         */
        public Builder deviceId(String id) {
            if (id != null && !id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
                throw new IllegalArgumentException("A device id is a lower-case UUID, not " + id);
            }
            this.deviceId = id;
            return this;
        }

        /** Another runtime binding (tests of the harness itself). */
        Builder runtime(RuntimeBinding.Factory f) {
            this.runtime = f;
            return this;
        }

        public EmulatedDevice build() {
            return new EmulatedDevice(this);
        }
    }

    // ---------------------------------------------------------------- identity and folders

    public String serial() {
        return serial;
    }

    /** {@code <root>/<serial>}. */
    public Path folder() {
        return root;
    }

    /** The app's data folder {@code data/data/<appId>}; null before install. */
    public Path appDataFolder() {
        AppPackage a = app;
        return a == null ? null : root.resolve("data/data").resolve(a.appId());
    }

    public Path filesFolder() {
        Path d = appDataFolder();
        return d == null ? null : d.resolve("files");
    }

    public Path sharedPrefsFolder() {
        Path d = appDataFolder();
        return d == null ? null : d.resolve("shared_prefs");
    }

    private Path apkAssets(String appId) {
        return root.resolve("data/app").resolve(appId).resolve("assets/public");
    }

    public AppPackage app() {
        return app;
    }

    public Faults faults() {
        return faults;
    }

    /** The device's HTTP exchanges (newest 10,000). */
    public Traffic traffic() {
        return traffic;
    }

    public boolean usesWebView() {
        return webView;
    }

    /** SIMULATED behaviour of a bundle version from now on (headless devices). */
    public void simulate(String version, SimulatedBehaviour behaviour) {
        simulated.put(version, behaviour);
    }

    // ---------------------------------------------------------------- lifecycle

    /** A fresh install: any app data of a previous install is wiped; the app is not started. */
    public void install(AppPackage pkg) {
        pkg.check();
        synchronized (lifecycle) {
            checkOpen();
            stopProcess("install");
            try {
                AppPackage old = app;
                if (old != null) {
                    DeviceFileStore.deleteTree(root.resolve("data/data").resolve(old.appId()), null);
                    DeviceFileStore.deleteTree(root.resolve("data/app").resolve(old.appId()), null);
                }
                DeviceFileStore.deleteTree(root.resolve("data/data").resolve(pkg.appId()), null);
                copyAssets(pkg);
                Files.createDirectories(root.resolve("data/data").resolve(pkg.appId()).resolve("files"));
                Path prefsDir = Files.createDirectories(root.resolve("data/data").resolve(pkg.appId())
                        .resolve("shared_prefs"));
                if (deviceId != null) {
                    Files.write(prefsDir.resolve(PREFS + ".xml"), SharedPrefsFile.format(Map.of("deviceId", deviceId)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot install " + pkg.appId() + ": " + e.getMessage(), e);
            }
            app = pkg;
            processState = DeviceState.ProcessState.STOPPED;
            lastDeath = null;
            log("device", 0, "installed " + pkg.appId() + " " + pkg.versionName() + " (" + pkg.versionCode()
                    + "), updater: " + pkg.updater().serverUrl() + ", " + pkg.updater().autoUpdate().wire()
                    + ", appReadyTimeout " + pkg.updater().appReadyTimeout().toMillis() + " ms");
        }
        changed();
    }

    /**
     * The device is switched on again with {@code pkg} installed by an earlier session (its folders kept): nothing is
     * copied or wiped, the app is stopped, as after a reboot. Throws if the folder holds no install of that app.
     */
    public void resume(AppPackage pkg) {
        synchronized (lifecycle) {
            checkOpen();
            if (app != null) {
                throw new IllegalStateException(serial + " has " + app.appId() + " installed already");
            }
            if (!Files.isRegularFile(apkAssets(pkg.appId()).resolve("index.html"))
                    || !Files.isDirectory(root.resolve("data/data").resolve(pkg.appId()))) {
                throw new IllegalStateException(serial + " has no install of " + pkg.appId() + " in " + root);
            }
            app = pkg;
            processState = DeviceState.ProcessState.STOPPED;
            lastDeath = null;
            log("device", 0, "switched on with " + pkg.appId() + " " + pkg.versionName() + " ("
                    + pkg.versionCode() + ") installed");
        }
        changed();
    }

    /**
     * An app store update of the native app: same app id, new version name/code and builtin assets; the app data
     * stays. The running process is killed, as the package manager does; the app is not started.
     */
    public void nativeUpgrade(AppPackage pkg) {
        pkg.check();
        synchronized (lifecycle) {
            checkOpen();
            AppPackage old = requireInstalled();
            if (!old.appId().equals(pkg.appId())) {
                throw new IllegalArgumentException("An upgrade must keep the app id " + old.appId());
            }
            stopProcess("native upgrade");
            try {
                copyAssets(pkg);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot upgrade " + pkg.appId() + ": " + e.getMessage(), e);
            }
            app = pkg;
            processState = DeviceState.ProcessState.STOPPED;
            log("device", 0, "native upgrade " + old.versionName() + " (" + old.versionCode() + ") -> "
                    + pkg.versionName() + " (" + pkg.versionCode() + ")");
        }
        changed();
    }

    private void copyAssets(AppPackage pkg) throws IOException {
        Path target = apkAssets(pkg.appId());
        DeviceFileStore.deleteTree(target, null);
        Path src = pkg.webAssets().toAbsolutePath().normalize();
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = target.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.createDirectories(t.getParent());
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * Starts the app in a new process: new ports and a new runtime over the device's folders, the runtime's
     * {@code load()}, the web layer loading the current bundle, then the app comes to the foreground. A no-op if
     * the app runs already.
     */
    public void coldStart() {
        Process p;
        synchronized (lifecycle) {
            checkOpen();
            AppPackage a = requireInstalled();
            if (current != null && current.process.alive()) {
                return;
            }
            p = new Process(a);
            current = p;
            processState = DeviceState.ProcessState.FOREGROUND;
            lastDeath = null;
            log("device", p.pid(), "cold start " + a.appId() + " " + a.versionName() + " (pid " + p.pid() + ")");
        }
        changed();
        p.guard("load", () -> {
            if (p.screen instanceof FxWebScreen f) {
                f.prepare();
            }
            p.runtime.load();
            String path = p.runtime.serverBasePath();
            p.screen.boot(path);
            p.runtime.onForeground();
        });
        changed();
    }

    /** The user leaves the app (Home): the runtime's background handling runs (a queued bundle may install). */
    public void background() {
        Process p;
        synchronized (lifecycle) {
            p = current;
            if (p == null || !p.process.alive() || processState != DeviceState.ProcessState.FOREGROUND) {
                return;
            }
            processState = DeviceState.ProcessState.BACKGROUND;
            log("device", p.pid(), "background");
        }
        changed();
        p.guard("onBackground", p.runtime::onBackground);
        changed();
    }

    /** The user returns to the app; cold-starts it if its process is gone. A closed device ignores it. */
    public void foreground() {
        Process p;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            p = current;
            if (p == null || !p.process.alive()) {
                p = null;
            } else if (processState != DeviceState.ProcessState.BACKGROUND) {
                return;
            } else {
                processState = DeviceState.ProcessState.FOREGROUND;
                log("device", p.pid(), "foreground");
            }
        }
        if (p == null) {
            coldStart();
            return;
        }
        changed();
        p.guard("onForeground", p.runtime::onForeground);
        changed();
    }

    /** The device id given to the builder, or null (then the runtime made its own: see {@link #updater()}). */
    public String deviceId() {
        return deviceId;
    }

    /** The platform the device reports ({@code android} or {@code ios}). */
    public String platform() {
        return platform;
    }

    /** Calls {@code l} with the reason each time the app's process dies (kill, crash, reboot, ...). */
    public Runnable onDeath(Consumer<String> l) {
        deathListeners.add(l);
        return () -> deathListeners.remove(l);
    }

    /** The process is killed (swiped away, low memory, {@code am kill}); nothing of it runs any more. */
    public void kill() {
        synchronized (lifecycle) {
            stopProcess("killed");
        }
        changed();
    }

    /** The device restarts: the app's process ends and the monotonic clock restarts; the app is not started. */
    public void reboot() {
        synchronized (lifecycle) {
            stopProcess("reboot");
            bootMillis = env.time().monotonicMillis();
            log("device", 0, "reboot");
        }
        changed();
    }

    private void stopProcess(String why) {
        Process p = current;
        if (p != null) {
            p.process.die(why);
        }
    }

    /** Called by an {@link AppProcess} when it dies, whatever the cause. */
    private void died(Process p, String reason) {
        synchronized (lifecycle) {
            if (current == p) {
                processState = app == null ? DeviceState.ProcessState.NOT_INSTALLED : DeviceState.ProcessState.STOPPED;
                lastDeath = reason;
            }
        }
        log("device", p.pid(), "process " + p.pid() + " died: " + reason);
        for (Consumer<String> l : deathListeners) {
            try {
                l.accept(reason);
            } catch (RuntimeException ignored) {
                // a listener's problem is not the device's
            }
        }
        if (p.screen != null) {
            p.screen.shutdown();
        }
        try {
            p.runtime.shutdown();
        } catch (Throwable ignored) {
            // a dead process's runtime may fail any way while it stops
        }
        changed();
    }

    private AppPackage requireInstalled() {
        AppPackage a = app;
        if (a == null) {
            throw new IllegalStateException("No app installed on " + serial);
        }
        return a;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Device " + serial + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            stopProcess("device closed");
            closed = true;
        }
        LocalWebServer s = webServer;
        if (s != null) {
            s.close();
        }
        if (ownsEnv) {
            env.close();
        }
    }

    // ---------------------------------------------------------------- state and log

    /** What the device holds now, read from its disk. */
    public DeviceState state() {
        AppPackage a = app;
        Process p = current;
        int pid = p != null && p.process.alive() ? p.pid() : 0;
        if (a == null) {
            return new DeviceState(serial, null, null, 0, DeviceState.ProcessState.NOT_INSTALLED, 0, null, null,
                    null, List.of(), null, null, lastDeath, faults.describe());
        }
        Map<String, String> prefs = readPrefs(PREFS);
        Map<String, String> web = readPrefs(WEBVIEW_PREFS);
        BundleView builtin = new BundleView(BundleView.BUILTIN, a.versionName(), -1, "success", null);
        List<BundleView> bundles = new ArrayList<>();
        bundles.add(builtin);
        for (Map.Entry<String, String> e : prefs.entrySet()) {
            if (e.getKey().startsWith("bundle.")) {
                bundles.add(bundleView(e.getKey().substring("bundle.".length()), e.getValue()));
            }
        }
        DeviceState.PageView page = p != null && p.process.alive() ? p.screen.page() : null;
        return new DeviceState(serial, a.appId(), a.versionName(), a.versionCode(), processState, pid,
                find(bundles, prefs.get("current"), builtin), find(bundles, prefs.get("next"), null),
                find(bundles, prefs.get("fallback"), builtin), List.copyOf(bundles), web.get("serverBasePath"),
                page, lastDeath, faults.describe());
    }

    private static BundleView find(List<BundleView> bundles, String id, BundleView otherwise) {
        if (id == null || id.isEmpty()) {
            return otherwise;
        }
        return bundles.stream().filter(b -> b.id().equals(id)).findFirst()
                .orElse(new BundleView(id, "?", -1, "missing", "no bundle." + id + " entry"));
    }

    private static BundleView bundleView(String id, String json) {
        try {
            JsonNode n = Json.mapper().readTree(json);
            return new BundleView(id, n.path("version").asText("?"), n.path("sequence").asLong(-1),
                    n.path("status").asText("?"), n.hasNonNull("reason") ? n.get("reason").asText() : null);
        } catch (IOException | RuntimeException e) {
            return new BundleView(id, "?", -1, "unreadable", e.getMessage());
        }
    }

    /** A preferences file of the app as it is on disk (empty when missing). */
    public Map<String, String> readPrefs(String name) {
        Path dir = sharedPrefsFolder();
        if (dir == null) {
            return Map.of();
        }
        Path f = dir.resolve(name + ".xml");
        try {
            return Files.exists(f) ? SharedPrefsFile.parse(Files.readAllBytes(f)) : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** The log so far (the newest {@value #LOG_LIMIT} lines). */
    public List<LogEntry> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Calls {@code l} with each new log line (on the thread that logs); the returned handle unsubscribes. */
    public Runnable onLog(Consumer<LogEntry> l) {
        logListeners.add(l);
        return () -> logListeners.remove(l);
    }

    /** Calls {@code l} with a fresh state after each lifecycle step, page change and runtime event. */
    public Runnable onState(Consumer<DeviceState> l) {
        stateListeners.add(l);
        return () -> stateListeners.remove(l);
    }

    /**
     * Calls {@code l} with each event of the runtime (JS event name as in {@code addListener}, and its payload as the
     * page's JS gets it), on the runtime's thread.
     */
    public Runnable onRuntimeEvent(java.util.function.BiConsumer<String, JsonNode> l) {
        eventListeners.add(l);
        return () -> eventListeners.remove(l);
    }

    /** Waits until the device's state satisfies {@code condition}; the last state is in the exception otherwise. */
    public DeviceState await(Predicate<DeviceState> condition, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        DeviceState s = state();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Device " + serial + " did not reach the expected state in " + timeout
                        + "; state: " + s + "\nlog:\n" + tail(60));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted");
            }
            s = state();
        }
        return s;
    }

    /** Waits for a log line containing {@code text} (from any source). */
    public LogEntry awaitLog(String text, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (LogEntry e : log()) {
                if (e.message().contains(text)) {
                    return e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("No log line with \"" + text + "\" on " + serial + " in " + timeout
                        + "; state: " + state() + "\nlog:\n" + tail(60));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted");
            }
        }
    }

    /** The last {@code n} log lines, one per line. */
    public String tail(int n) {
        List<LogEntry> all = log();
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()).stream()
                .map(LogEntry::toString).toList());
    }

    void log(String source, int pid, String message) {
        LogEntry e = new LogEntry(Instant.now(), source, pid, message);
        synchronized (log) {
            log.addLast(e);
            if (log.size() > LOG_LIMIT) {
                log.removeFirst();
            }
        }
        for (Consumer<LogEntry> l : logListeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ignored) {
                // a listener's problem is not the device's
            }
        }
    }

    private void changed() {
        if (stateListeners.isEmpty()) {
            return;
        }
        DeviceState s = state();
        for (Consumer<DeviceState> l : stateListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException ignored) {
                // a listener's problem is not the device's
            }
        }
    }

    /**
     * The updater runtime of the running app process (null when the app is not running), to drive its API the way
     * the app's JS would.
     */
    public dev.patchbay.updater.Updater updater() {
        Process p = current;
        return p != null && p.process.alive() && p.runtime instanceof UpdaterBinding u ? u.updater() : null;
    }

    /** The real WebView of the running app (null when headless or not running), for the console to show. */
    public javafx.scene.web.WebView webView() {
        Process p = current;
        return p != null && p.screen instanceof FxWebScreen f ? f.view() : null;
    }

    /** The loopback origin the WebView loads from ({@code http://127.0.0.1:PORT}), or null when headless. */
    public String origin() {
        LocalWebServer s = webServer;
        return s == null ? null : s.origin();
    }

    synchronized LocalWebServer webServer() {
        if (webServer == null) {
            webServer = LocalWebServer.start(this);
        }
        return webServer;
    }

    java.util.concurrent.Executor environmentPool() {
        return env.pool();
    }

    TimeSource environmentTime() {
        return env.time();
    }

    Process currentProcess() {
        return current;
    }

    // ---------------------------------------------------------------- one app process

    /** One incarnation of the app: its ports, runtime and web layer. */
    final class Process implements Screen.Events {
        private final AppProcess process;
        private final AppPackage app;
        private final ProcessExecutor executor;
        private final SharedPrefsFile prefs;
        private final SharedPrefsFile webSettings;
        private final DeviceFileStore files;
        private final ApkAssets assets;
        private final Screen screen;
        private final RuntimeBinding runtime;

        Process(AppPackage app) {
            this.app = app;
            int pid = pids.incrementAndGet();
            this.process = new AppProcess(pid, faults.killSwitch(), reason -> died(this, reason));
            this.executor = new ProcessExecutor(env.pool(), process, (msg, t) -> {
                EmulatedDevice.this.log("device", pid, msg);
                process.die("crashed: " + t);
            });
            Path data = root.resolve("data/data").resolve(app.appId());
            this.prefs = new SharedPrefsFile(data.resolve("shared_prefs"), PREFS, process, faults.disk(),
                    env.fsync());
            this.webSettings = new SharedPrefsFile(data.resolve("shared_prefs"), WEBVIEW_PREFS, process,
                    faults.disk(), env.fsync());
            this.files = new DeviceFileStore(data.resolve("files"), process, faults.disk(), env.fsync());
            this.assets = new ApkAssets(apkAssets(app.appId()));
            DeviceHttp http = new DeviceHttp(faults.network(), process,
                    m -> EmulatedDevice.this.log("fault", pid, m), traffic);
            DeviceClock clock = new DeviceClock(env.time(), faults, bootMillis, process, executor);
            this.screen = webView ? new FxWebScreen(this, this, generations)
                    : new SimulatedWebView(this, this, generations);
            AppInfo info = new AppInfo(app.versionName(), app.versionCode(), platform, osVersion, reportsEmulator,
                    !devBuild);
            Ports ports = new Ports(info, prefs, webSettings, files, assets, http, clock, screen, executor);
            this.runtime = runtimeFactory.create(ports, app.updater(), m -> EmulatedDevice.this.log("updater", pid, m));
            runtime.addListener((event, payload) -> {
                EmulatedDevice.this.log("updater", pid, "event " + event + " " + payload);
                screen.dispatch(event, payload);
                for (var l : eventListeners) {
                    try {
                        l.accept(event, payload);
                    } catch (RuntimeException ignored) {
                        // a listener's problem is not the device's
                    }
                }
                changed();
            });
        }

        int pid() {
            return process.pid();
        }

        AppProcess process() {
            return process;
        }

        ProcessExecutor executor() {
            return executor;
        }

        RuntimeBinding runtime() {
            return runtime;
        }

        AppPackage app() {
            return app;
        }

        Screen screenForServer() {
            return screen;
        }

        ApkAssets assets() {
            return assets;
        }

        DeviceFileStore files() {
            return files;
        }

        Faults faults() {
            return faults;
        }

        EmulatedDevice device() {
            return EmulatedDevice.this;
        }

        SimulatedBehaviour simulatedBehaviour(String version, String indexHtml) {
            SimulatedBehaviour b = version == null ? null : simulated.get(version);
            if (b == null && indexHtml != null) {
                try {
                    b = SimulatedBehaviour.fromHtml(indexHtml);
                } catch (IllegalArgumentException e) {
                    EmulatedDevice.this.log("simulated", pid(), "SIMULATED: ignoring bad meta tag: " + e.getMessage());
                }
            }
            return b == null ? simulatedDefault : b;
        }

        /** A path relative to the files folder, for logs. */
        String relative(String absolutePath) {
            Path p = Path.of(absolutePath);
            Path filesRoot = root.resolve("data/data").resolve(app.appId()).resolve("files");
            return p.startsWith(filesRoot) ? "files/" + filesRoot.relativize(p).toString().replace('\\', '/')
                    : absolutePath;
        }

        /** The bundle version served from {@code basePath} (null = builtin), as the runtime records it. */
        String versionOf(String basePath) {
            if (basePath == null) {
                return app.versionName();
            }
            String id = Path.of(basePath).getFileName().toString();
            String json = prefs.snapshot().get("bundle." + id);
            if (json == null) {
                return id;
            }
            return bundleView(id, json).version();
        }

        /** Runs a lifecycle callback of the runtime on the caller's thread; a kill or crash ends the process. */
        void guard(String what, Runnable r) {
            try {
                r.run();
            } catch (ProcessKilled e) {
                // died at a kill point
            } catch (RuntimeException | Error e) {
                EmulatedDevice.this.log("device", pid(), "FATAL EXCEPTION in " + what + ": " + e);
                process.die("crashed in " + what + ": " + e);
            }
        }

        @Override
        public void pageChanged(DeviceState.PageView page) {
            changed();
        }

        @Override
        public void log(String source, String message) {
            EmulatedDevice.this.log(source, pid(), message);
        }

        @Override
        public void crash(String reason) {
            EmulatedDevice.this.log("device", pid(), "FATAL: " + reason);
            process.die(reason);
        }
    }
}
