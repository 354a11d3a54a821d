package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.updater.port.AppInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * <p>The web layer is a real JavaFX WebView ({@link DeviceBuilder#webView}) over a loopback origin with a Capacitor-style
 * JS bridge, or SIMULATED for headless fleets ({@link DeviceBuilder#simulated}). Lifecycle methods block while the runtime
 * handles the callback (disk I/O); never call them on the JavaFX application thread. Thread-safe.
 */
public final class EmulatedDevice implements AutoCloseable {
    public static final String PREFS = "CapacitorUpdater";
    public static final String WEBVIEW_PREFS = "CapWebViewSettings";

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
    private final DeviceLog log;
    private final List<Consumer<DeviceState>> stateListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<String, JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger pids = new AtomicInteger(1000);
    private final AtomicLong generations = new AtomicLong();
    private final Object lifecycle = new Object();
    private volatile AppPackage app;
    private volatile DeviceProcess current;
    private volatile DeviceState.ProcessState processState = DeviceState.ProcessState.NOT_INSTALLED;
    private volatile String lastDeath;
    private volatile long bootMillis;
    private volatile LocalWebServer webServer;
    private volatile boolean closed;

    EmulatedDevice(DeviceBuilder b) {
        this.serial = b.serial;
        this.log = new DeviceLog(b.serial);
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
    public static DeviceBuilder builder(Path root, String serial) {
        return new DeviceBuilder(root, serial);
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

    Path apkAssets(String appId) {
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
        DeviceProcess p;
        synchronized (lifecycle) {
            checkOpen();
            AppPackage a = requireInstalled();
            if (current != null && current.process().alive()) {
                return;
            }
            p = new DeviceProcess(this, a);
            current = p;
            processState = DeviceState.ProcessState.FOREGROUND;
            lastDeath = null;
            log("device", p.pid(), "cold start " + a.appId() + " " + a.versionName() + " (pid " + p.pid() + ")");
        }
        changed();
        p.guard("load", () -> {
            if (p.screen() instanceof FxWebScreen f) {
                f.prepare();
            }
            p.runtime().load();
            String path = p.runtime().serverBasePath();
            p.screen().boot(path);
            p.runtime().onForeground();
        });
        changed();
    }

    /** The user leaves the app (Home): the runtime's background handling runs (a queued bundle may install). */
    public void background() {
        DeviceProcess p;
        synchronized (lifecycle) {
            p = current;
            if (p == null || !p.process().alive() || processState != DeviceState.ProcessState.FOREGROUND) {
                return;
            }
            processState = DeviceState.ProcessState.BACKGROUND;
            log("device", p.pid(), "background");
        }
        changed();
        p.guard("onBackground", p.runtime()::onBackground);
        changed();
    }

    /** The user returns to the app; cold-starts it if its process is gone. A closed device ignores it. */
    public void foreground() {
        DeviceProcess p;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            p = current;
            if (p == null || !p.process().alive()) {
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
        p.guard("onForeground", p.runtime()::onForeground);
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
        DeviceProcess p = current;
        if (p != null) {
            p.process().die(why);
        }
    }

    /** Called by an {@link AppProcess} when it dies, whatever the cause. */
    void died(DeviceProcess p, String reason) {
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
        if (p.screen() != null) {
            p.screen().shutdown();
        }
        try {
            p.runtime().shutdown();
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
        DeviceProcess p = current;
        boolean alive = p != null && p.process().alive();
        if (a == null) {
            return new DeviceState(serial, null, null, 0, DeviceState.ProcessState.NOT_INSTALLED, 0, null, null,
                    null, List.of(), null, null, lastDeath, faults.describe());
        }
        return DeviceStates.installed(serial, a, processState, alive ? p.pid() : 0, alive ? p.screen().page() : null,
                lastDeath, faults.describe(), readPrefs(PREFS), readPrefs(WEBVIEW_PREFS));
    }

    /** A preferences file of the app as it is on disk (empty when missing). */
    public Map<String, String> readPrefs(String name) {
        return DeviceStates.readPrefs(sharedPrefsFolder(), name);
    }

    /** The log so far (the newest {@value DeviceLog#LIMIT} lines). */
    public List<LogEntry> log() {
        return log.lines();
    }

    /** Calls {@code l} with each new log line (on the thread that logs); the returned handle unsubscribes. */
    public Runnable onLog(Consumer<LogEntry> l) {
        return log.onLog(l);
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
        return log.await(text, timeout, this::state);
    }

    /** The last {@code n} log lines, one per line. */
    public String tail(int n) {
        return log.tail(n);
    }

    void log(String source, int pid, String message) {
        log.add(source, pid, message);
    }

    void changed() {
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
        DeviceProcess p = current;
        return p != null && p.process().alive() && p.runtime() instanceof UpdaterBinding u ? u.updater() : null;
    }

    /** The real WebView of the running app (null when headless or not running), for the console to show. */
    public javafx.scene.web.WebView webView() {
        DeviceProcess p = current;
        return p != null && p.screen() instanceof FxWebScreen f ? f.view() : null;
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

    DeviceEnvironment environment() {
        return env;
    }

    int nextPid() {
        return pids.incrementAndGet();
    }

    long bootMillis() {
        return bootMillis;
    }

    AtomicLong generations() {
        return generations;
    }

    RuntimeBinding.Factory runtimeFactory() {
        return runtimeFactory;
    }

    SimulatedBehaviour simulated(String version) {
        return simulated.get(version);
    }

    SimulatedBehaviour simulatedDefault() {
        return simulatedDefault;
    }

    /** What the app reports of itself (version, platform, emulator, production build). */
    AppInfo appInfo(AppPackage a) {
        return new AppInfo(a.versionName(), a.versionCode(), platform, osVersion, reportsEmulator, !devBuild);
    }

    /** A runtime event: to the listeners, then a fresh state. */
    void runtimeEvent(String event, JsonNode payload) {
        for (var l : eventListeners) {
            try {
                l.accept(event, payload);
            } catch (RuntimeException ignored) {
                // a listener's problem is not the device's
            }
        }
        changed();
    }

    DeviceProcess currentProcess() {
        return current;
    }
}
