package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;
import javafx.concurrent.Worker;
import javafx.scene.web.PromptData;
import javafx.scene.web.WebEngine;
import javafx.scene.web.WebView;

/**
 * The real web layer: a JavaFX WebView (WebKit) loading the current bundle from the device's loopback origin, with
 * the injected Capacitor-style bridge. JS calls arrive through the prompt handler (synchronous, answered at once with
 * a call id); the runtime handles them on the app's background executor, never on the FX thread, and the promise is
 * resolved later through {@code Platform.runLater} + {@code executeScript}, only in the page that made the call.
 * Each call is attributed to the page generation it carries, so an old page's {@code notifyAppReady} names the old
 * page's base path.
 */
final class FxWebScreen extends Screen {
    static final String PROMPT_TAG = "patchbay-bridge:";
    private final AtomicLong callIds = new AtomicLong();
    private volatile WebView view;
    private volatile boolean shut;

    FxWebScreen(EmulatedDevice.Process proc, Events events, AtomicLong generations) {
        super(proc, events, generations);
        Fx.ensureStarted();
    }

    WebView view() {
        return view;
    }

    /**
     * Creates the WebView and waits for it, as an Android activity has its WebView before any plugin loads (the
     * first WebView of a JVM takes seconds to initialise WebKit; that must not eat a bundle's app-ready time).
     */
    void prepare() {
        java.util.concurrent.CompletableFuture<Void> made = new java.util.concurrent.CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                engine();
                made.complete(null);
            } catch (RuntimeException | Error e) {
                made.completeExceptionally(e);
            }
        });
        try {
            made.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the WebView was made", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The WebView could not be made: " + e, e);
        }
    }

    @Override
    boolean simulated() {
        return false;
    }

    @Override
    protected void startLoad(DeviceState.PageView p, String why) {
        String origin = proc.device().webServer().origin();
        String url = origin + "/";
        Platform.runLater(() -> {
            if (shut || !isCurrent(p.generation())) {
                return;
            }
            WebEngine engine = engine();
            events.log("webview", "loading " + url + " (bundle " + p.version() + ", page " + p.generation() + ", "
                    + why + ")");
            engine.load(url);
        });
    }

    /** The engine, made on first use (FX thread). */
    private WebEngine engine() {
        if (view == null) {
            view = new WebView();
            WebEngine engine = view.getEngine();
            engine.setPromptHandler(this::prompt);
            engine.setOnAlert(e -> events.log("webview", "alert: " + e.getData()));
            engine.getLoadWorker().stateProperty().addListener((obs, old, state) -> {
                if (state == Worker.State.SUCCEEDED) {
                    Object g = engine.executeScript("window.__patchbay ? window.__patchbay.g : -1");
                    long gen = g instanceof Number n ? n.longValue() : -1;
                    loaded(gen, engine.getLocation());
                } else if (state == Worker.State.FAILED) {
                    events.log("webview", "page load failed: " + engine.getLocation() + " "
                            + engine.getLoadWorker().getException());
                }
            });
        }
        return view.getEngine();
    }

    /** JS → native (FX thread): answers at once; the call itself runs in the background. */
    private String prompt(PromptData data) {
        if (!PROMPT_TAG.equals(data.getDefaultValue())) {
            return null;
        }
        try {
            JsonNode msg = Json.mapper().readTree(data.getMessage());
            long gen = msg.path("g").asLong(-1);
            String method = msg.path("m").asText();
            JsonNode args = msg.path("a");
            if (method.equals("__log")) {
                events.log("webview", "console." + args.path("level").asText("log") + ": " + args.path("text").asText()
                        + " (page " + gen + ")");
                return "{\"id\":0}";
            }
            if (!knows(gen)) {
                return "{\"error\":\"unknown page\"}";
            }
            long id = callIds.incrementAndGet();
            String basePath = basePathOf(gen);
            events.log("js", "page " + gen + " calls " + method + "(" + args + ")");
            proc.executor().execute(() -> proc.runtime().call(method, args, basePath)
                    .whenComplete((result, error) -> answer(gen, id, method, result, error)));
            return "{\"id\":" + id + "}";
        } catch (java.io.IOException | RuntimeException e) {
            return "{\"error\":" + Json.mapper().valueToTree(String.valueOf(e.getMessage())) + "}";
        }
    }

    private void answer(long gen, long id, String method, JsonNode result, Throwable error) {
        JsonNode value;
        boolean ok = error == null;
        if (ok) {
            value = result == null ? Json.mapper().createObjectNode() : result;
        } else {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            ObjectNode e = Json.mapper().createObjectNode();
            e.put("message", String.valueOf(cause.getMessage()));
            value = e;
        }
        events.log("js", "page " + gen + " " + method + " -> " + (ok ? "" : "rejected ") + value);
        String script = "window.__patchbay && window.__patchbay.g === " + gen + " && window.__patchbay.resolve(" + id
                + "," + ok + "," + jsLiteral(value) + ")";
        runInPage(script);
    }

    @Override
    void dispatch(String event, JsonNode payload) {
        DeviceState.PageView p = page();
        if (p == null) {
            return;
        }
        runInPage("window.__patchbay && window.__patchbay.g === " + p.generation() + " && window.__patchbay.event("
                + jsLiteral(Json.mapper().valueToTree(event)) + "," + jsLiteral(payload) + ")");
    }

    private void runInPage(String script) {
        Platform.runLater(() -> {
            if (shut || view == null) {
                return;
            }
            try {
                view.getEngine().executeScript(script);
            } catch (RuntimeException e) {
                events.log("webview", "script failed: " + e.getMessage());
            }
        });
    }

    /** JSON as a JS expression (JSON is JS but for U+2028/U+2029). */
    static String jsLiteral(JsonNode n) {
        return String.valueOf(n).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    @Override
    void shutdown() {
        shut = true;
        Platform.runLater(() -> {
            if (view != null) {
                view.getEngine().load("about:blank");
            }
        });
    }
}
