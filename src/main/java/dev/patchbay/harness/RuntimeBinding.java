package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The seam between an emulated device and the updater runtime of one app process: the lifecycle calls Capacitor's
 * Bridge and the plugin would make, and the plugin's JS methods. {@link UpdaterBinding} binds the real
 * {@code dev.patchbay.updater.Updater}.
 */
interface RuntimeBinding {
    /** The plugin's {@code load()}, at cold start, before the first page load. */
    void load();

    /** The path the web layer serves from (null = builtin assets). */
    String serverBasePath();

    void onForeground();

    void onBackground();

    /** A page finished loading from {@code basePath} (null = builtin). */
    void onPageLoaded(String basePath);

    /**
     * A JS plugin call ({@code CapacitorUpdater.<method>(args)}) made by the page loaded from {@code callingBasePath}.
     * Runs on a background thread; completes with the JS result, or exceptionally with the JS error's message.
     */
    CompletableFuture<JsonNode> call(String method, JsonNode args, String callingBasePath);

    /** The process died: stop timers and background work (ports refuse every use already). */
    void shutdown();

    /** Runtime events: JS event name ({@code download}, {@code updateAvailable}, ...) and payload. */
    void addListener(BiConsumer<String, JsonNode> listener);

    /** Factory: one binding per app process. */
    interface Factory {
        RuntimeBinding create(dev.patchbay.updater.port.Ports ports, dev.patchbay.updater.UpdaterConfig config,
                java.util.function.Consumer<String> log);
    }
}
