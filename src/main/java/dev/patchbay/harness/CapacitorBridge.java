package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.UpdaterException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The native half of Capacitor's Android bridge for one app process (what Capacitor's {@code MessageHandler} and
 * {@code Bridge} do): reads each {@code androidBridge.postMessage} of a page, runs {@code CapacitorUpdater} calls on
 * the runtime (on the app's background executor), and answers through {@code Capacitor.fromNative} in that page
 * only. Listener calls ({@code addListener}) are kept per page and answered with {@code save: true} for each event.
 * Bad messages (not JSON, no plugin, unknown plugin or method, too large) get a clear log line and, when they carry
 * a callback, a rejection; nothing a page sends can throw out of here.
 */
final class CapacitorBridge {
    /** Larger messages are refused (a page cannot make the runtime parse megabytes of options). */
    static final int MAX_MESSAGE_CHARS = 1 << 20;

    /** Where answers and logs go: the WebView of this process. */
    interface Page {
        /** Runs {@code script} in page {@code generation} if it is still the one shown. */
        void run(long generation, String script);

        void log(String source, String message);

        /** The base path page {@code generation} was served from (null = builtin). */
        String basePathOf(long generation);
    }

    private record Listener(String callbackId, String event) {
    }

    private final DeviceProcess proc;
    private final Executor executor;
    private final Page page;
    private final Map<Long, List<Listener>> listeners = new ConcurrentHashMap<>();

    CapacitorBridge(DeviceProcess proc, Executor executor, Page page) {
        this.proc = proc;
        this.executor = executor;
        this.page = page;
    }

    /** One {@code postMessage} of page {@code gen} (any thread; returns at once). */
    void post(long gen, String json) {
        if (json == null || json.length() > MAX_MESSAGE_CHARS) {
            page.log("bridge", "page " + gen + " sent a bridge message of " + (json == null ? 0 : json.length())
                    + " characters (at most " + MAX_MESSAGE_CHARS + "); refused");
            String id = json == null ? null : callbackIdPrefix(json);
            if (id != null) {
                reject(gen, id, "?", "?", "the bridge message is larger than " + MAX_MESSAGE_CHARS
                        + " characters", "INVALID_ARGUMENT");
            }
            return;
        }
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(json);
        } catch (java.io.IOException | RuntimeException e) {
            page.log("bridge", "page " + gen + " sent a bridge message that is not JSON; ignored: "
                    + abbreviate(json));
            return;
        }
        if (msg == null || !msg.isObject()) {
            page.log("bridge", "page " + gen + " sent a bridge message that is not a JSON object; ignored: "
                    + abbreviate(json));
            return;
        }
        String type = msg.path("type").asText("message");
        if (type.equals("js.error")) {
            jsError(gen, msg.path("error"));
            return;
        }
        String callbackId = msg.path("callbackId").asText("-1");
        String pluginId = msg.path("pluginId").asText("");
        String method = msg.path("methodName").asText("");
        JsonNode options = msg.path("options").isObject() ? msg.get("options") : Json.mapper().createObjectNode();
        if (type.equals("cordova")) {
            reject(gen, callbackId, msg.path("service").asText("?"), msg.path("action").asText("?"),
                    "Cordova plugins are not available on this device", UpdaterPluginApi.UNIMPLEMENTED);
            return;
        }
        if (pluginId.equals("Console")) {
            page.log("webview", "console." + options.path("level").asText("log") + ": "
                    + options.path("message").asText("") + " (page " + gen + ")");
            return;
        }
        if (pluginId.isEmpty() || method.isEmpty()) {
            page.log("bridge", "page " + gen + " sent a bridge message without pluginId or methodName; "
                    + "rejected: " + abbreviate(json));
            reject(gen, callbackId, pluginId, method, "a plugin call needs pluginId and methodName",
                    "INVALID_ARGUMENT");
            return;
        }
        if (!pluginId.equals(UpdaterPluginApi.PLUGIN)) {
            page.log("bridge", "page " + gen + " called " + pluginId + "." + method + ": no such plugin");
            reject(gen, callbackId, pluginId, method, "\"" + pluginId + "\" plugin is not implemented on android",
                    UpdaterPluginApi.UNIMPLEMENTED);
            return;
        }
        pluginCall(gen, callbackId, method, options);
    }

    private void pluginCall(long gen, String callbackId, String method, JsonNode options) {
        switch (method) {
            case "addListener" -> {
                String event = options.path("eventName").asText("");
                if (!callbackId.equals("-1") && !event.isEmpty()) {
                    listeners.computeIfAbsent(gen, g -> new CopyOnWriteArrayList<>())
                            .add(new Listener(callbackId, event));
                    page.log("js", "page " + gen + " listens to " + event);
                }
                return;
            }
            case "removeListener" -> {
                String id = options.path("callbackId").asText("");
                List<Listener> l = listeners.get(gen);
                if (l != null) {
                    l.removeIf(x -> x.callbackId().equals(id));
                }
                return;
            }
            case "removeAllListeners" -> {
                listeners.remove(gen);
                resolve(gen, callbackId, method, Json.mapper().createObjectNode());
                return;
            }
            case "checkPermissions", "requestPermissions" -> {
                resolve(gen, callbackId, method, Json.mapper().createObjectNode());
                return;
            }
            default -> {
            }
        }
        String why = UpdaterPluginApi.unimplemented(method);
        if (why != null) {
            page.log("js", "page " + gen + " calls " + method + ": " + why);
            reject(gen, callbackId, UpdaterPluginApi.PLUGIN, method, why, UpdaterPluginApi.UNIMPLEMENTED);
            return;
        }
        String basePath = page.basePathOf(gen);
        page.log("js", "page " + gen + " calls " + method + "(" + abbreviate(String.valueOf(options)) + ")");
        try {
            executor.execute(() -> {
                java.util.concurrent.CompletableFuture<JsonNode> f;
                try {
                    f = proc.runtime().call(method, options, basePath);
                } catch (RuntimeException e) {
                    f = java.util.concurrent.CompletableFuture.failedFuture(e);
                }
                f.whenComplete((result, error) -> answer(gen, callbackId, method, result, error));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            reject(gen, callbackId, UpdaterPluginApi.PLUGIN, method, "the app process is not running",
                    "UNAVAILABLE");
        }
    }

    private void answer(long gen, String callbackId, String method, JsonNode result, Throwable error) {
        if (error == null) {
            JsonNode data = result == null ? Json.mapper().nullNode() : result;
            page.log("js", "page " + gen + " " + method + " -> " + abbreviate(String.valueOf(data)));
            resolve(gen, callbackId, method, data);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String code = cause instanceof UpdaterException u ? u.code() : null;
        if ("not_implemented".equals(code)) {
            code = UpdaterPluginApi.UNIMPLEMENTED;
        }
        String message = String.valueOf(cause.getMessage());
        page.log("js", "page " + gen + " " + method + " -> rejected " + message);
        reject(gen, callbackId, UpdaterPluginApi.PLUGIN, method, message, code);
    }

    private void resolve(long gen, String callbackId, String method, JsonNode data) {
        if (callbackId.equals("-1")) {
            return;
        }
        ObjectNode r = result(callbackId, UpdaterPluginApi.PLUGIN, method, false);
        r.put("success", true);
        if (!data.isNull()) {
            r.set("data", data);
        }
        page.run(gen, fromNative(r));
    }

    private void reject(long gen, String callbackId, String pluginId, String method, String message, String code) {
        if (callbackId == null || callbackId.equals("-1")) {
            return;
        }
        ObjectNode r = result(callbackId, pluginId, method, false);
        r.put("success", false);
        r.set("error", UpdaterPluginApi.error(message, code));
        page.run(gen, fromNative(r));
    }

    /** A runtime event for the listeners of the page shown now ({@code save: true}: the callbacks stay). */
    void dispatch(long gen, String event, JsonNode payload) {
        List<Listener> l = listeners.get(gen);
        if (l == null) {
            return;
        }
        for (Listener x : l) {
            if (x.event().equals(event)) {
                ObjectNode r = result(x.callbackId(), UpdaterPluginApi.PLUGIN, "addListener", true);
                r.put("success", true);
                r.set("data", payload);
                page.run(gen, fromNative(r));
            }
        }
    }

    /** A new page replaced the others: their kept listener calls are gone with them. */
    void pageChanged(long current) {
        listeners.keySet().removeIf(g -> g != current);
    }

    private static ObjectNode result(String callbackId, String pluginId, String method, boolean save) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("callbackId", callbackId);
        r.put("pluginId", pluginId);
        r.put("methodName", method);
        r.put("save", save);
        return r;
    }

    private void jsError(long gen, JsonNode e) {
        String kind = e.path("kind").asText("uncaught");
        if (kind.equals("resource")) {
            page.log("webview", "resource failed: " + e.path("url").asText("?") + " (page " + gen + ")");
            return;
        }
        String where = e.hasNonNull("url") && !e.path("url").asText().isEmpty()
                ? " at " + e.path("url").asText() + ":" + e.path("line").asInt() + ":" + e.path("col").asInt() : "";
        page.log("webview", "js error: " + e.path("message").asText("?") + where + " (page " + gen + ")");
    }

    /** {@code window.Capacitor.fromNative(result)}, as a script. */
    static String fromNative(JsonNode result) {
        return "window.Capacitor && window.Capacitor.fromNative && window.Capacitor.fromNative("
                + FxWebScreen.jsLiteral(result) + ")";
    }

    /** The callbackId of a message too large to parse, read from its start (so its promise still settles). */
    private static String callbackIdPrefix(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"callbackId\"\\s*:\\s*\"(\\d{1,12})\"")
                .matcher(json.substring(0, Math.min(json.length(), 200)));
        return m.find() ? m.group(1) : null;
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " characters)";
    }
}
