package dev.patchbay.console.settings;

import dev.patchbay.domain.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code settings.json} and saves it on its own daemon thread, by writing a temporary file, syncing it and
 * moving it over the old one. Window, theme and page changes are saved a short while after the last change
 * (debounced); a change to the saved connections — something the user created, which the server cannot give back —
 * is saved at once.
 */
public final class SettingsStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    public static final String FILE = "settings.json";

    private final Path file;
    private final Duration delay;
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-settings-saver");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pending;
    private SettingsData pendingData;
    private boolean pendingAtOnce;

    public SettingsStore(Path dataFolder, Duration delay) {
        this.file = dataFolder.resolve(FILE);
        this.delay = delay;
    }

    /** Reads the settings; a missing or unreadable file gives the defaults (and is logged). Blocks on disk. */
    public Settings load() {
        Settings settings = new Settings();
        if (Files.exists(file)) {
            try {
                settings.apply(Json.mapper().readValue(file.toFile(), SettingsData.class));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Ignoring unreadable settings file {}: {}", file, e.getMessage());
            }
        }
        return settings;
    }

    /** Saves {@code settings} after every change: connections at once, the rest debounced. Call on the FX thread. */
    public void watch(Settings settings) {
        for (var o : settings.observables()) {
            boolean userCreated = o == settings.connections();
            o.addListener(x -> schedule(settings.snapshot(), userCreated ? Duration.ZERO : delay));
        }
    }

    public void schedule(SettingsData data) {
        schedule(data, delay);
    }

    /**
     * Writes {@code data} after {@code after}: a later change restarts the wait (debounce), except that a write due at
     * once is never postponed; it writes the newest data.
     */
    public synchronized void schedule(SettingsData data, Duration after) {
        if (saver.isShutdown()) {
            return; // closed (the console quit): a late change of window bounds is not saved
        }
        pendingData = data;
        if (pending != null && pendingAtOnce) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pendingAtOnce = after.isZero();
        pending = saver.schedule(this::writePending, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes a pending change now and waits for it (at exit). */
    public void flush() {
        try {
            saver.submit(this::writePending).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Could not flush settings: {}", e.toString());
        }
    }

    private void writePending() {
        SettingsData data;
        synchronized (this) {
            data = pendingData;
            pendingData = null;
            pending = null;
            pendingAtOnce = false;
        }
        if (data == null) {
            return;
        }
        try {
            AtomicFiles.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(data), false);
        } catch (IOException e) {
            LOG.error("Cannot save settings to {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        flush();
        saver.shutdown();
    }
}
