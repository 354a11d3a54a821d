package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;
import javafx.concurrent.Worker;
import javafx.scene.web.PromptData;
import javafx.scene.web.WebEngine;
import javafx.scene.web.WebView;

/**
 * The real web layer: a JavaFX WebView (WebKit) loading the current bundle from the device's loopback origin, with
 * Capacitor's Android bridge injected (native-bridge.js, ADR 0060). {@code androidBridge.postMessage} arrives through
 * the prompt handler and returns at once; {@link CapacitorBridge} runs the call on the app's background executor,
 * never on the FX thread, and answers later through {@code Capacitor.fromNative} ({@code Platform.runLater} +
 * {@code executeScript}), only in the page that made the call.
 * Each call is attributed to the page generation it carries, so an old page's {@code notifyAppReady} names the old
 * page's base path.
 */
final class FxWebScreen extends Screen {
    static final String PROMPT_TAG = "patchbay-bridge:";
    private final CapacitorBridge bridge;
    private volatile WebView view;
    private volatile boolean shut;

    FxWebScreen(DeviceProcess proc, Events events, AtomicLong generations) {
        super(proc, events, generations);
        Fx.ensureStarted();
        this.bridge = new CapacitorBridge(proc, proc.executor(), new CapacitorBridge.Page() {
            @Override
            public void run(long generation, String script) {
                runInPage(generation, script);
            }

            @Override
            public void log(String source, String message) {
                events.log(source, message);
            }

            @Override
            public String basePathOf(long generation) {
                return FxWebScreen.this.basePathOf(generation);
            }
        });
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
            bridge.pageChanged(p.generation());
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

    /**
     * JS → native (FX thread): {@code androidBridge.postMessage} arrives as a prompt tagged with the page's
     * generation; it returns at once, the call itself runs in the background ({@link CapacitorBridge}).
     */
    private String prompt(PromptData data) {
        String tag = data.getDefaultValue();
        if (tag == null || !tag.startsWith(PROMPT_TAG)) {
            return null;
        }
        long gen;
        try {
            gen = Long.parseLong(tag.substring(PROMPT_TAG.length()));
        } catch (NumberFormatException e) {
            return "";
        }
        if (!knows(gen)) {
            events.log("bridge", "a message from an unknown page (" + gen + ") was ignored");
            return "";
        }
        bridge.post(gen, data.getMessage());
        return "";
    }

    @Override
    void dispatch(String event, JsonNode payload) {
        DeviceState.PageView p = page();
        if (p == null) {
            return;
        }
        bridge.dispatch(p.generation(), event, payload);
    }

    /** Runs {@code script} in page {@code gen} only, if it is still the page shown when the script runs. */
    private void runInPage(long gen, String script) {
        runInPage("window.__patchbay && window.__patchbay.g === " + gen + " && (" + script + ")");
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
