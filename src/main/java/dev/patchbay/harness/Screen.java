package dev.patchbay.harness;

import dev.patchbay.updater.port.WebViewHost;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web layer of one app process (a real JavaFX WebView, or a SIMULATED one for headless fleets). As Capacitor's
 * Bridge: it serves from a base path (null = builtin assets), switches path and reloads when the runtime says so, and
 * attributes each page load a generation so that calls from a replaced page stay attributed to that page.
 */
abstract class Screen implements WebViewHost {
    /** What a screen tells its device. */
    interface Events {
        void pageChanged(DeviceState.PageView page);

        void log(String source, String message);

        /** The page crashed the app (SIMULATED crash on load). */
        void crash(String reason);
    }

    protected final DeviceProcess proc;
    protected final Events events;
    private final AtomicLong generations;
    private final java.util.Map<Long, String> pathOfGeneration = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile DeviceState.PageView page;
    private volatile String basePath;
    private volatile boolean booted;
    private long reported;

    Screen(DeviceProcess proc, Events events, AtomicLong generations) {
        this.proc = proc;
        this.events = events;
        this.generations = generations;
    }

    /** The first load at cold start, after the runtime's {@code load()}. */
    final void boot(String path) {
        booted = true;
        load(path, "boot");
    }

    /** Before the first load (the plugin's {@code load()}) this only sets the path, as Capacitor's Bridge does. */
    @Override
    public final void setServerBasePath(String absolutePath) {
        proc.process().checkAlive();
        events.log("webview", "setServerBasePath(" + (absolutePath == null ? "builtin" : proc.relative(absolutePath))
                + ")");
        if (!booted) {
            basePath = absolutePath;
            return;
        }
        load(absolutePath, "setServerBasePath");
    }

    @Override
    public final void reload() {
        proc.process().checkAlive();
        if (booted) {
            load(basePath, "reload");
        }
    }

    private void load(String path, String why) {
        long gen = generations.incrementAndGet();
        basePath = path;
        pathOfGeneration.put(gen, path == null ? "" : path);
        String version = proc.versionOf(path);
        DeviceState.PageView p = new DeviceState.PageView(gen, path, version, null, false, simulated());
        page = p;
        events.pageChanged(p);
        startLoad(p, why);
    }

    /** The base path page {@code generation} was loaded from (null = builtin); unknown generations: null too. */
    String basePathOf(long generation) {
        String p = pathOfGeneration.get(generation);
        return p == null || p.isEmpty() ? null : p;
    }

    boolean knows(long generation) {
        return pathOfGeneration.containsKey(generation);
    }

    String basePath() {
        return basePath;
    }

    DeviceState.PageView page() {
        return page;
    }

    /** True if {@code generation} is the page shown now. */
    boolean isCurrent(long generation) {
        DeviceState.PageView p = page;
        return p != null && p.generation() == generation;
    }

    /**
     * The page of {@code generation} starts loading its document (Android: {@code WebViewClient.onPageStarted}),
     * before any of its scripts run: the runtime hears of the page load now, so that a bundle's inline
     * {@code notifyAppReady} always comes after it. Called once per page, on the thread that serves the document.
     */
    final void pageStarted(long generation) {
        started(generation);
    }

    protected final void started(long generation) {
        DeviceState.PageView p = page;
        if (p == null || p.generation() != generation || !proc.process().alive()) {
            return;
        }
        synchronized (this) {
            if (reported >= generation) {
                return;
            }
            reported = generation;
        }
        try {
            proc.runtime().onPageLoaded(p.basePath());
        } catch (ProcessKilled e) {
            // the process died meanwhile
        }
    }

    /** The page of {@code generation} finished loading (at {@code url}). */
    protected final void loaded(long generation, String url) {
        DeviceState.PageView p = page;
        if (p == null || p.generation() != generation || !proc.process().alive()) {
            return;
        }
        DeviceState.PageView done = new DeviceState.PageView(generation, p.basePath(), p.version(), url, true,
                p.simulated());
        page = done;
        events.pageChanged(done);
        events.log("webview", (simulated() ? "SIMULATED page" : "page") + " loaded: " + url + " (bundle "
                + p.version() + ", page " + generation + ")");
    }

    abstract boolean simulated();

    /** Starts loading {@code p} (asynchronously); calls {@link #loaded} when done. */
    protected abstract void startLoad(DeviceState.PageView p, String why);

    /** The process died: stop showing anything. */
    abstract void shutdown();

    /** A runtime event for the page's JS listeners ({@code addListener}). */
    abstract void dispatch(String event, com.fasterxml.jackson.databind.JsonNode payload);
}
