package dev.patchbay.harness;

import dev.patchbay.updater.port.AppInfo;
import dev.patchbay.updater.port.Ports;
import java.nio.file.Path;

/**
 * One incarnation of an {@link EmulatedDevice}'s app (from a cold start to its death): its process, ports, runtime and
 * web layer (a real WebView or the simulated one) over the device's folders and faults.
 */
final class DeviceProcess implements Screen.Events {
    private final EmulatedDevice device;
    private final AppProcess process;
    private final AppPackage app;
    private final ProcessExecutor executor;
    private final SharedPrefsFile prefs;
    private final SharedPrefsFile webSettings;
    private final DeviceFileStore files;
    private final ApkAssets assets;
    private final Screen screen;
    private final RuntimeBinding runtime;

    DeviceProcess(EmulatedDevice device, AppPackage app) {
        this.device = device;
        this.app = app;
        Faults faults = device.faults();
        DeviceEnvironment env = device.environment();
        int pid = device.nextPid();
        this.process = new AppProcess(pid, faults.killSwitch(), reason -> device.died(this, reason));
        this.executor = new ProcessExecutor(env.pool(), process, (msg, t) -> {
            device.log("device", pid, msg);
            process.die("crashed: " + t);
        });
        Path data = device.folder().resolve("data/data").resolve(app.appId());
        this.prefs = new SharedPrefsFile(data.resolve("shared_prefs"), EmulatedDevice.PREFS, process, faults.disk(),
                env.fsync());
        this.webSettings = new SharedPrefsFile(data.resolve("shared_prefs"), EmulatedDevice.WEBVIEW_PREFS, process,
                faults.disk(), env.fsync());
        this.files = new DeviceFileStore(data.resolve("files"), process, faults.disk(), env.fsync());
        this.assets = new ApkAssets(device.apkAssets(app.appId()));
        DeviceHttp http = new DeviceHttp(faults.network(), process,
                m -> device.log("fault", pid, m), device.traffic());
        DeviceClock clock = new DeviceClock(env.time(), faults, device.bootMillis(), process, executor);
        this.screen = device.usesWebView() ? new FxWebScreen(this, this, device.generations())
                : new SimulatedWebView(this, this, device.generations());
        AppInfo info = device.appInfo(app);
        Ports ports = new Ports(info, prefs, webSettings, files, assets, http, clock, screen, executor);
        this.runtime = device.runtimeFactory().create(ports, app.updater(), m -> device.log("updater", pid, m));
        runtime.addListener((event, payload) -> {
            device.log("updater", pid, "event " + event + " " + payload);
            screen.dispatch(event, payload);
            device.runtimeEvent(event, payload);
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

    Screen screen() {
        return screen;
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
        return device.faults();
    }

    EmulatedDevice device() {
        return device;
    }

    SimulatedBehaviour simulatedBehaviour(String version, String indexHtml) {
        SimulatedBehaviour b = version == null ? null : device.simulated(version);
        if (b == null && indexHtml != null) {
            try {
                b = SimulatedBehaviour.fromHtml(indexHtml);
            } catch (IllegalArgumentException e) {
                device.log("simulated", pid(), "SIMULATED: ignoring bad meta tag: " + e.getMessage());
            }
        }
        return b == null ? device.simulatedDefault() : b;
    }

    /** A path relative to the files folder, for logs. */
    String relative(String absolutePath) {
        Path p = Path.of(absolutePath);
        Path filesRoot = device.folder().resolve("data/data").resolve(app.appId()).resolve("files");
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
        return DeviceStates.bundleView(id, json).version();
    }

    /** Runs a lifecycle callback of the runtime on the caller's thread; a kill or crash ends the process. */
    void guard(String what, Runnable r) {
        try {
            r.run();
        } catch (ProcessKilled e) {
            // died at a kill point
        } catch (RuntimeException | Error e) {
            device.log("device", pid(), "FATAL EXCEPTION in " + what + ": " + e);
            process.die("crashed in " + what + ": " + e);
        }
    }

    @Override
    public void pageChanged(DeviceState.PageView page) {
        device.changed();
    }

    @Override
    public void log(String source, String message) {
        device.log(source, pid(), message);
    }

    @Override
    public void crash(String reason) {
        device.log("device", pid(), "FATAL: " + reason);
        process.die(reason);
    }
}
