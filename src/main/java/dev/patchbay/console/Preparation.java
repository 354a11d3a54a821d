package dev.patchbay.console;

import dev.patchbay.cache.LocalCache;
import dev.patchbay.console.common.StartupTiming;
import dev.patchbay.console.connection.LocalSandbox;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.console.settings.SettingsStore;
import dev.patchbay.console.shell.MainWindow;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.scene.image.Image;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console reads from disk before its window: settings, secrets, the local cache (H2), the window icons, and
 * the (not yet started) Local sandbox. The installed console runs this on a thread of its own while the JavaFX toolkit
 * starts ({@link #early}), so neither waits for the other; tests run it in {@link ConsoleApp#init()} (ADR 0121).
 */
final class Preparation {
    final SettingsStore settingsStore;
    final Settings settings;
    final SecretStore secrets;
    final LocalCache cache;
    final String cacheProblem;
    final String cacheNotice;
    final LocalSandbox sandbox;
    final List<Image> icons;

    private Preparation(ConsoleOptions options) {
        // Logging first: its configuration is the first thing every later class with a logger waits for.
        Logger log = LoggerFactory.getLogger(Preparation.class);
        settingsStore = new SettingsStore(options.dataFolder(), options.settingsDelay());
        settings = settingsStore.load();
        SecretStore loaded;
        try {
            loaded = SecretStore.load(options.dataFolder());
        } catch (RuntimeException e) {
            // Saved servers then ask for their key again (Test connection fails with "API key ..."), the sandbox works.
            log.error("{}; remote connections start without API keys", e.getMessage());
            loaded = SecretStore.empty(options.dataFolder());
        }
        secrets = loaded;
        LocalCache opened;
        String problem = null;
        String notice = null;
        try {
            opened = LocalCache.open(options.dataFolder().resolve("cache"));
            if (opened.movedAside() != null) {
                notice = "The local cache could not be read and was started again (the old file is kept as "
                        + opened.movedAside() + "); cached lists and devices fill in from the server.";
            }
        } catch (RuntimeException e) {
            // Another console may hold the cache: work without offline data rather than not at all.
            log.warn("{}; using a cache in memory", e.getMessage());
            problem = e.getMessage();
            opened = LocalCache.inMemory();
        }
        cache = opened;
        cacheProblem = problem;
        cacheNotice = notice;
        sandbox = new LocalSandbox(options.dataFolder().resolve("sandbox"), options.sandboxPort());
        icons = MainWindow.loadIcons();
        StartupTiming.mark("prepared");
    }

    /** Does the work on the calling thread. */
    static Preparation run(ConsoleOptions options) {
        return new Preparation(options);
    }

    /** Starts the work on a new thread ("patchbay-prepare") and returns at once. */
    static CompletableFuture<Preparation> early(ConsoleOptions options) {
        CompletableFuture<Preparation> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(new Preparation(options));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "patchbay-prepare");
        t.setDaemon(true);
        t.start();
        return done;
    }
}
