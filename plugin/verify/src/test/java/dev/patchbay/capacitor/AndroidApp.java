package dev.patchbay.capacitor;

import static org.robolectric.Shadows.shadowOf;

import android.content.pm.PackageInfo;
import android.net.Uri;
import android.os.Looper;
import android.webkit.WebResourceRequest;
import android.webkit.WebResourceResponse;
import com.getcapacitor.Bridge;
import com.getcapacitor.MessageHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.robolectric.Robolectric;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.shadows.ShadowWebView;

/**
 * One run of the test app's process under Robolectric: Capacitor's real Bridge (BridgeActivity) with the plugin,
 * and what the app's WebView would do — finish loading a page, post a plugin call exactly as native-bridge.js does
 * — since Robolectric's WebView runs no JavaScript.
 */
final class AndroidApp implements AutoCloseable {
    private final ActivityController<TestAppActivity> controller;
    final TestAppActivity activity;
    final Bridge bridge;
    private int callbacks = 100;
    /** When this process started (before the Activity was created). */
    final long startedNanos;

    private AndroidApp(ActivityController<TestAppActivity> controller, long startedNanos) {
        this.startedNanos = startedNanos;
        this.controller = controller;
        this.activity = controller.get();
        this.bridge = activity.getBridge();
    }

    /** A cold start of the app's process: a new runtime, a new Activity and Bridge. */
    static AndroidApp coldStart(String capacitorConfig) {
        PackageInfo webView = new PackageInfo();
        webView.packageName = "com.google.android.webview";
        webView.versionName = "130.0.6723.58";
        ShadowWebView.setCurrentWebViewPackage(webView);
        TestAppActivity.capacitorConfig = capacitorConfig;
        org.robolectric.shadows.ShadowLog.stream = Boolean.getBoolean("plugin.test.log") ? System.out : null;
        long started = System.nanoTime();
        AndroidApp app = new AndroidApp(Robolectric.buildActivity(TestAppActivity.class).setup(), started);
        if (Boolean.getBoolean("plugin.test.log")) {
            ProcessRuntime.current().calls.addListener((name, payload) -> System.out.println("event " + name + " "
                    + payload));
        }
        app.idle();
        return app;
    }

    /** The process dies: Activity gone, the runtime's threads stopped, nothing more runs. */
    @Override
    public void close() {
        ProcessRuntime.end();
        controller.pause().stop().destroy();
        idle();
    }

    void idle() {
        shadowOf(Looper.getMainLooper()).idle();
    }

    /** Waits (running the main looper) until {@code condition} holds. */
    void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                ProcessRuntime r = ProcessRuntime.current();
                if (r != null && Boolean.getBoolean("plugin.test.log")) {
                    System.out.println("runtime: current " + r.updater.current() + " list " + r.updater.list());
                    Thread.getAllStackTraces().forEach((t, st) -> {
                        if (t.getName().startsWith("patchbay") || t.getName().startsWith("Capacitor")) {
                            System.out.println(t.getName() + " " + java.util.Arrays.toString(st));
                        }
                    });
                }
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            idle();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        idle();
    }

    /**
     * The WebView finished loading the page the Bridge serves: what Capacitor's BridgeWebViewClient does on
     * Chromium's onPageFinished at progress 100 (Robolectric's WebView reports no progress): tell the listeners.
     */
    void pageLoaded() {
        com.getcapacitor.PageLoads.finished(bridge);
        idle();
    }

    /**
     * A plugin call as native-bridge.js posts it to the {@code androidBridge} interface; returns the JS Capacitor
     * gets back ({@code window.Capacitor.fromNative({...})}).
     */
    String call(String method, String optionsJson) {
        String callbackId = String.valueOf(++callbacks);
        MessageHandler handler = (MessageHandler) shadowOf(bridge.getWebView()).getJavascriptInterface("androidBridge");
        handler.postMessage("{\"type\":\"message\",\"callbackId\":\"" + callbackId + "\",\"pluginId\":\""
                + "CapacitorUpdater\",\"methodName\":\"" + method + "\",\"options\":" + optionsJson + "}");
        String[] answer = new String[1];
        await(method + " answer", Duration.ofSeconds(20), () -> {
            String js = shadowOf(bridge.getWebView()).getLastEvaluatedJavascript();
            if (js != null && js.contains("\"callbackId\":\"" + callbackId + "\"")) {
                answer[0] = js;
                return true;
            }
            return false;
        });
        return answer[0];
    }

    /** What Capacitor's local server answers for {@code https://localhost/<path>} (the WebView's request). */
    String serve(String path) throws IOException {
        Uri url = Uri.parse(bridge.getAppUrl().replaceAll("/$", "") + "/" + path);
        WebResourceResponse r = bridge.getLocalServer().shouldInterceptRequest(new WebResourceRequest() {
            @Override
            public Uri getUrl() {
                return url;
            }

            @Override
            public boolean isForMainFrame() {
                return true;
            }

            @Override
            public boolean isRedirect() {
                return false;
            }

            @Override
            public boolean hasGesture() {
                return false;
            }

            @Override
            public String getMethod() {
                return "GET";
            }

            @Override
            public Map<String, String> getRequestHeaders() {
                return Map.of();
            }
        });
        if (r == null || r.getData() == null) {
            return null;
        }
        try (InputStream in = r.getData()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A SharedPreferences file as Android wrote it to disk ({@code shared_prefs/<name>.xml}). */
    String prefsFile(String name) throws IOException {
        Path f = activity.getDataDir().toPath().resolve("shared_prefs").resolve(name + ".xml");
        return Files.exists(f) ? Files.readString(f) : null;
    }
}
