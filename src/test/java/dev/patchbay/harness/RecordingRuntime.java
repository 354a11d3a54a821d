package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.port.Ports;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A runtime binding that records what the device's web layer and lifecycle hand to it, for tests of the harness's
 * own machinery (bridge, page generations, lifecycle); scenario tests use the real updater instead.
 */
final class RecordingRuntime implements RuntimeBinding {
    record Call(String method, JsonNode args, String basePath, String thread) {
    }

    final Ports ports;
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<String> lifecycle = new CopyOnWriteArrayList<>();
    final List<BiConsumer<String, JsonNode>> listeners = new CopyOnWriteArrayList<>();
    volatile String basePath;

    RecordingRuntime(Ports ports, UpdaterConfig config, Consumer<String> log) {
        this.ports = ports;
    }

    @Override
    public void load() {
        lifecycle.add("load");
        basePath = ports.webViewSettings().get("serverBasePath");
    }

    @Override
    public String serverBasePath() {
        return basePath;
    }

    @Override
    public void onForeground() {
        lifecycle.add("foreground");
    }

    @Override
    public void onBackground() {
        lifecycle.add("background");
    }

    @Override
    public void onPageLoaded(String path) {
        lifecycle.add("pageLoaded " + (path == null ? "builtin" : path.substring(path.lastIndexOf('/') + 1)));
    }

    @Override
    public void shutdown() {
        lifecycle.add("shutdown");
    }

    @Override
    public CompletableFuture<JsonNode> call(String method, JsonNode args, String callingBasePath) {
        calls.add(new Call(method, args, callingBasePath, Thread.currentThread().getName()));
        if (method.equals("getDeviceId")) {
            return CompletableFuture.completedFuture(Json.mapper().createObjectNode().put("deviceId", "dev-1"));
        }
        if (method.equals("cancelDelay")) {
            throw new IllegalStateException("a runtime bug in cancelDelay");
        }
        if (method.equals("delete")) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot delete the current bundle"));
        }
        return CompletableFuture.completedFuture(Json.mapper().createObjectNode().put("ok", true));
    }

    @Override
    public void addListener(BiConsumer<String, JsonNode> listener) {
        listeners.add(listener);
    }

    /** Switches the web layer as the runtime would (persisting the path first, as Capacitor does). */
    void switchTo(String path) {
        if (path == null) {
            ports.webViewSettings().remove("serverBasePath");
        } else {
            ports.webViewSettings().put("serverBasePath", path);
        }
        basePath = path;
        ports.webView().setServerBasePath(path);
    }

    void emit(String event, JsonNode payload) {
        listeners.forEach(l -> l.accept(event, payload));
    }
}
