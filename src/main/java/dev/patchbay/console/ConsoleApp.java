package dev.patchbay.console;

import dev.patchbay.cache.LocalCache;
import dev.patchbay.console.activity.ActivityPage;
import dev.patchbay.console.apikeys.ApiKeysPage;
import dev.patchbay.console.apikeys.ApiKeysViewModel;
import dev.patchbay.console.activity.ActivityViewModel;
import dev.patchbay.console.apps.AppsPage;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.console.bundles.BundlesPage;
import dev.patchbay.console.bundles.BundlesViewModel;
import dev.patchbay.console.channels.ChannelsPage;
import dev.patchbay.console.channels.ChannelsViewModel;
import dev.patchbay.console.channels.RolloutViewModel;
import dev.patchbay.console.common.FxTaskRunner;
import dev.patchbay.console.common.StartupTiming;
import dev.patchbay.console.common.TaskRunner;
import dev.patchbay.console.connection.ConnectionManager;
import dev.patchbay.console.connection.LocalSandbox;
import dev.patchbay.console.connection.SandboxHost;
import dev.patchbay.console.connections.ConnectionsPage;
import dev.patchbay.console.connections.ConnectionsViewModel;
import dev.patchbay.console.data.ServerData;
import dev.patchbay.console.devices.DeviceDetailViewModel;
import dev.patchbay.console.devices.DevicesPage;
import dev.patchbay.console.devices.DevicesViewModel;
import dev.patchbay.console.devices.FailedDevicesLink;
import dev.patchbay.console.emulator.EmulatorPage;
import dev.patchbay.console.emulator.EmulatorViewModel;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.console.keys.KeysPage;
import dev.patchbay.console.keys.KeysViewModel;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.console.settings.SettingsStore;
import dev.patchbay.console.overview.OverviewPage;
import dev.patchbay.console.overview.OverviewViewModel;
import dev.patchbay.console.shell.LazyPage;
import dev.patchbay.console.shell.MainWindow;
import dev.patchbay.console.shell.Page;
import dev.patchbay.console.shell.ShellViewModel;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Application;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.kordamp.ikonli.feather.Feather;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JavaFX application. Files are read in {@link #init()} (the launcher thread), the window is built in
 * {@link #start(Stage)}, and {@link #stop()} hands the closing of the sandbox, the cache and the settings to a
 * shutdown thread so the FX thread never waits on disk or network.
 */
public final class ConsoleApp extends Application {

    private final ConsoleOptions options;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private Thread shutdownHook;
    private SettingsStore settingsStore;
    private Settings settings;
    private SecretStore secrets;
    private LocalCache cache;
    private String cacheProblem;
    private String cacheNotice;
    private SandboxHost sandbox;
    private TaskRunner tasks;
    private ConnectionManager connection;
    private AppKeyStore keyStore;
    private BundlesViewModel bundles;
    private EmulatorViewModel emulator;
    private RolloutViewModel rollouts;
    private DevicesViewModel devices;
    private List<Image> icons = List.of();
    private List<Page> pages = List.of();

    public ConsoleApp() {
        this(ConsoleOptions.defaults());
    }

    public ConsoleApp(ConsoleOptions options) {
        this.options = options;
    }

    /**
     * The installed program's console. Quit ends the process within about 2 s whatever ran: emulated devices and the
     * harness turn implicit exit off and keep threads of their own, so after the toolkit stopped this waits for the
     * closing of the sandbox, cache and settings (at most {@link #CLOSE_WAIT}) and then exits the JVM.
     */
    public static void main(String[] args) {
        StartupTiming.mark("main");
        standalone = true;
        // Disk work (settings, secrets, the H2 cache, logging's set-up) runs while the JavaFX toolkit starts.
        early = Preparation.early(ConsoleOptions.defaults());
        Application.launch(ConsoleApp.class, args);
        ConsoleApp app = launched;
        if (app != null) {
            try {
                app.stopped.get(CLOSE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log().warn("Closing took longer than {} ms; exiting anyway", CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                log().warn("Closing failed: {}", e.toString());
            }
        }
        System.exit(0);
    }

    /** How long {@link #main} waits for the sandbox, cache and settings to close after the window went away. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofMillis(1500);
    private static volatile boolean standalone;
    /** Started by {@link #main} before the toolkit; taken by {@link #init()}. */
    private static volatile CompletableFuture<Preparation> early;
    private static volatile ConsoleApp launched;

    /** The console started by {@link #main} once its window is shown (for the quit test's child process). */
    static ConsoleApp launched() {
        return launched;
    }

    /** File → Quit, Ctrl+Q, the window's close button. In tests (not started by {@link #main}) only hides the window. */
    void quit(Stage stage) {
        if (standalone) {
            javafx.application.Platform.exit();
        } else {
            stage.hide();
        }
    }

    @Override
    public void init() {
        StartupTiming.mark("init");
        CompletableFuture<Preparation> started = early;
        early = null;
        Preparation p;
        try {
            p = started != null ? started.join() : Preparation.run(options);
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        settingsStore = p.settingsStore;
        settings = p.settings;
        secrets = p.secrets;
        cache = p.cache;
        cacheNotice = p.cacheNotice;
        cacheProblem = p.cacheProblem;
        sandbox = p.sandbox;
        icons = p.icons;
        // Sealed blobs of a publish cut short by quitting (only ciphertext; never needed again).
        deleteTree(options.dataFolder().resolve("tmp"));
        // Also on SIGTERM (session end, kill): stop the sandbox and close both databases cleanly.
        shutdownHook = new Thread(this::closeAll, "patchbay-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        StartupTiming.mark("init-done");
    }

    @Override
    public void start(Stage stage) {
        if (settings == null) {
            init();
        }
        StartupTiming.mark("start");
        // The theme before the first control: otherwise JavaFX parses its default stylesheet (Modena) first.
        MainWindow.applyTheme(settings.themeProperty().get());
        tasks = new FxTaskRunner();
        Clock clock = Clock.systemUTC();
        connection = new ConnectionManager(settings, secrets, sandbox, tasks, clock);
        ServerData data = new ServerData(cache, clock);
        AppsViewModel apps = new AppsViewModel(connection, data, tasks);
        ChannelsViewModel channels = new ChannelsViewModel(connection, data, tasks, apps.apps(), apps::refresh);
        keyStore = new AppKeyStore(options.dataFolder().resolve("keys"), options.keyOptions());
        rollouts = new RolloutViewModel(connection, tasks, keyStore, ROLLBACK_RELEASES, channels.appProperty(),
                channels.selectedProperty(), actor(), clock);
        ConnectionsViewModel connections = new ConnectionsViewModel(settings, secrets, connection, tasks, cache::forgetConnection);
        if (cacheNotice != null) {
            apps.messageProperty().set(cacheNotice);
        }
        if (cacheProblem != null) {
            apps.messageProperty().set("Offline data is unavailable this session: " + cacheProblem);
        }
        bundles = new BundlesViewModel(connection, tasks, apps.apps(), keyStore, options.dataFolder().resolve("tmp"));
        KeysViewModel keys = new KeysViewModel(connection, tasks, apps.apps(), keyStore);
        emulator = new EmulatorViewModel(connection, tasks, apps.apps(), keyStore,
                options.dataFolder().resolve("emulator"), EmulatorViewModel.WebLayer.WEBVIEW);
        devices = new DevicesViewModel(connection, tasks, apps.apps(), cache.devices(), clock,
                new DeviceDetailViewModel(connection, tasks));
        // A failure bar (and an Overview rollout line) opens its failed devices on the Devices page.
        FailedDevicesLink failedDevices = new FailedDevicesLink(connection, tasks, devices,
                () -> settings.lastPageProperty().set("devices"));
        rollouts.charts().setOpener(failedDevices::open);
        rollouts.charts().byStageProperty().bindBidirectional(settings.failuresByStageProperty());
        OverviewViewModel overview = new OverviewViewModel(connection, tasks, apps.apps(), apps::refresh,
                (appId, channel) -> {
                    // A rollout's channel on the Channels page: its app chosen and its row selected there.
                    channels.open(appId, channel);
                    settings.lastPageProperty().set("channels");
                });
        overview.setOpenFailedDevices(failedDevices::open);
        overview.setOpenDevices((appId, state) -> {
            devices.open(appId, state);
            settings.lastPageProperty().set("devices");
        });
        ActivityViewModel activity = new ActivityViewModel(connection, tasks, apps.apps());
        // Built when first shown (ADR 0121): the first frame waits only for the page it shows.
        List<Page> pages = List.of(
                new LazyPage("connections", "Connections", Feather.GLOBE, () -> new ConnectionsPage(connections)),
                new LazyPage("apps", "Apps", Feather.PACKAGE, () -> new AppsPage(apps)),
                new LazyPage("channels", "Channels & Rollouts", Feather.GIT_BRANCH, 
                        () -> new ChannelsPage(channels, rollouts)),
                new LazyPage("bundles", "Bundles", Feather.PACKAGE, () -> new BundlesPage(bundles, apps::refresh,
                        new dev.patchbay.console.bundles.BundleDeleter(bundles, connection, tasks),
                        new dev.patchbay.console.bundles.BundleRetentionViewModel(bundles, connection, tasks))),
                new LazyPage("keys", "Keys", Feather.KEY, () -> new KeysPage(keys, apps::refresh)),
                new LazyPage("emulator", "Emulator", Feather.SMARTPHONE, () -> new EmulatorPage(emulator, apps::refresh)),
                new LazyPage("devices", "Devices", Feather.TABLET, () -> new DevicesPage(devices)),
                new LazyPage("overview", "Overview", Feather.ACTIVITY, () -> new OverviewPage(overview)),
                new LazyPage("activity", "Activity", Feather.LIST, () -> new ActivityPage(activity)),
                new LazyPage("api-keys", "API keys", Feather.LOCK, () -> new ApiKeysPage(new ApiKeysViewModel(connection, tasks, clock))));
        StartupTiming.mark("pages");
        ShellViewModel shell = new ShellViewModel(settings, connection, tasks, pages.stream().map(Page::id).toList());
        this.pages = pages;
        MainWindow window = new MainWindow(shell, settings, pages, icons, () -> quit(stage));
        window.show(stage);
        StartupTiming.mark("shown");
        launched = this;
        settingsStore.watch(settings);
        StartupTiming.install(window.scene(), connection.stateProperty(), exit -> afterStartupRun(shell, pages.size(), exit));
        // Not earlier: started in parallel with the window on 2 cores, the sandbox's start delays the first frame and
        // gains the connection little (bench/startup.sh, ADR 0121). Settings' last page is shown meanwhile.
        StartupTiming.onFirstFrame(window.scene(), connection::connectActive);
    }

    /**
     * For the class-data sharing archive's training run (packaging, ADR 0121: {@code -Dpatchbay.startup.train=true}):
     * once connected, show every page in turn, one per pulse, so their classes are in the archive too; then quit.
     */
    private static void afterStartupRun(ShellViewModel shell, int pageCount, Runnable exit) {
        if (!Boolean.getBoolean("patchbay.startup.train")) {
            exit.run();
            return;
        }
        Runnable[] next = new Runnable[1];
        int[] index = {0};
        next[0] = () -> {
            if (index[0] < pageCount) {
                shell.selectPage(index[0]++);
                javafx.application.Platform.runLater(next[0]);
            } else {
                StartupTiming.mark("trained");
                exit.run();
            }
        };
        next[0].run();
    }

    @Override
    public void stop() {
        if (tasks != null) {
            tasks.shutdown();
        }
        Thread closer = new Thread(this::closeAll, "patchbay-shutdown");
        closer.setDaemon(false);
        closer.start();
    }

    private void closeAll() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (emulator != null) {
                quietly("emulated devices", emulator::closeAll);
            }
            if (keyStore != null) {
                quietly("unlocked keys", keyStore::lockAll);
            }
            quietly("settings", settingsStore::close);
            quietly("local sandbox", sandbox::close);
            quietly("cache", cache::close);
        } finally {
            stopped.complete(null);
            removeHook();
        }
    }

    private static void deleteTree(java.nio.file.Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    java.nio.file.Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    log().debug("Cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (java.io.IOException e) {
            log().debug("Cannot clean {}: {}", dir, e.toString());
        }
    }

    /** Not a static field: that would set logging up before {@link #main} could hand it to another thread. */
    private static Logger log() {
        return LoggerFactory.getLogger(ConsoleApp.class);
    }

    private static void quietly(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            log().warn("Error while closing the {}: {}", what, e.toString());
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself.
        }
    }

    /** Completes when the settings are saved and the sandbox and cache are closed after {@link #stop()}. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** For tests that stop the server under a running console ("the server went away"). */
    public SandboxHost sandbox() {
        return sandbox;
    }

    /** For UI tests: a file chooser or a drop cannot be driven headless, so they set the publish source here. */
    public BundlesViewModel bundles() {
        return bundles;
    }

    /** For UI tests: the rollout panel of the Channels & Rollouts page. */
    public RolloutViewModel rollouts() {
        return rollouts;
    }

    /** The name the audit log records behind the API key ({@code X-Patchbay-Actor}): the OS user. */
    static String actor() {
        String user = System.getProperty("user.name");
        String name = user == null || user.isBlank() ? "console" : user.strip();
        return name.length() > 100 ? name.substring(0, 100) : name;
    }

    /** Builds the rollback release of a rollout (docs/rollouts.md §3). */
    private static final RolloutViewModel.RollbackBuilder ROLLBACK_RELEASES = dev.patchbay.crypto.RollbackReleases::build;

    /** For UI tests: the Devices page's view model. */
    public DevicesViewModel devices() {
        return devices;
    }

    /** For UI tests: the Emulator page's devices and what the page shows of them. */
    public EmulatorViewModel emulator() {
        return emulator;
    }

    /** For the start-up test: the ids of the pages built so far (pages are built when first shown). */
    List<String> builtPages() {
        return pages.stream().filter(p -> !(p instanceof LazyPage lazy) || lazy.built()).map(Page::id).toList();
    }

    /** For the quit test's child process: the app keys of this console. */
    AppKeyStore keyStore() {
        return keyStore;
    }

    public ConnectionManager connection() {
        return connection;
    }
}
