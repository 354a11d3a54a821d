package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.updater.Updater;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.js.PluginCalls;
import dev.patchbay.updater.port.Ports;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Binds the real updater runtime ({@link Updater}) to an emulated device's app process, one per process: the
 * platform glue calls, and the plugin's JS methods through {@link PluginCalls} (the same mapping the Android
 * Capacitor plugin in {@code plugin/} uses).
 */
final class UpdaterBinding implements RuntimeBinding {
    private final Updater updater;
    private final PluginCalls calls;

    UpdaterBinding(Ports ports, UpdaterConfig config, Consumer<String> log) {
        this.updater = new Updater(config, ports);
        this.calls = new PluginCalls(updater, ports, config);
    }

    Updater updater() {
        return updater;
    }

    @Override
    public void load() {
        updater.onColdStart();
    }

    @Override
    public String serverBasePath() {
        return updater.serverBasePath();
    }

    @Override
    public void onForeground() {
        updater.onForeground();
    }

    @Override
    public void onBackground() {
        updater.onBackground();
    }

    @Override
    public void onPageLoaded(String basePath) {
        updater.onPageLoaded(basePath);
    }

    @Override
    public void shutdown() {
        updater.shutdown();
    }

    @Override
    public void addListener(BiConsumer<String, JsonNode> listener) {
        calls.addListener(listener);
    }

    @Override
    public CompletableFuture<JsonNode> call(String method, JsonNode args, String callingBasePath) {
        return calls.call(method, args, callingBasePath);
    }
}
