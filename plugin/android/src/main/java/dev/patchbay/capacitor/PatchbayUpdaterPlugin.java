package dev.patchbay.capacitor;

import android.webkit.WebView;
import com.fasterxml.jackson.databind.JsonNode;
import com.getcapacitor.JSObject;
import com.getcapacitor.Plugin;
import com.getcapacitor.PluginCall;
import com.getcapacitor.PluginConfig;
import com.getcapacitor.PluginMethod;
import com.getcapacitor.WebViewListener;
import com.getcapacitor.annotation.CapacitorPlugin;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.UpdaterException;
import dev.patchbay.updater.js.PluginMethods;
import java.util.concurrent.CompletionException;
import org.json.JSONException;

/**
 * Patchbay's updater runtime as a Capacitor plugin: {@code registerPlugin('CapacitorUpdater')}, the same JS API as
 * the reference plugin ({@link PluginMethods} says which methods are refused and why). Reads its settings from
 * {@code plugins.PatchbayUpdater} in capacitor.config. Every call goes to the runtime through
 * {@link dev.patchbay.updater.js.PluginCalls}, the mapping the emulator harness uses too.
 */
@CapacitorPlugin(name = PluginMethods.PLUGIN)
public class PatchbayUpdaterPlugin extends Plugin {
    /** The capacitor.config key of the runtime's settings (serverUrl, appId, keys, autoUpdate, ...). */
    static final String CONFIG = "PatchbayUpdater";
    private ProcessRuntime runtime;

    @Override
    public void load() {
        PluginConfig config = getBridge().getConfig().getPluginConfiguration(CONFIG);
        if (config.isEmpty()) {
            throw new IllegalStateException("capacitor.config has no plugins." + CONFIG + " (serverUrl, appId, "
                    + "rootPublicKey, contentKey): copy it from the Patchbay console's Keys page");
        }
        runtime = ProcessRuntime.get(getContext(), UpdaterConfig.fromJson(config.getConfigJSON().toString()));
        runtime.ports.webView.attach(getBridge());
        runtime.calls.addListener((name, payload) -> notifyListeners(name, toJs(payload)));
        // Runs once Bridge.Builder.create() has returned (the plugin loads inside it, before the Builder sets the
        // Bridge's WebView listeners, which would drop one added now) and the local server has started.
        getBridge().executeOnMainThread(this::bridgeStarted);
    }

    private void bridgeStarted() {
        getBridge().addWebViewListener(new WebViewListener() {
            @Override
            public void onPageLoaded(WebView webView) {
                runtime.updater.onPageLoaded(runtime.ports.webView.served());
            }
        });
        // When Capacitor ignored the persisted folder (a new native build), serve the one the runtime chose.
        String wanted = runtime.updater.serverBasePath();
        if (wanted != null && !wanted.equals(runtime.ports.webView.served())) {
            runtime.ports.webView.setServerBasePath(wanted);
        }
    }

    @Override
    protected void handleOnStart() {
        if (runtime != null) {
            runtime.updater.onForeground();
        }
    }

    @Override
    protected void handleOnStop() {
        if (runtime != null) {
            runtime.updater.onBackground();
        }
    }

    /** Runs a JS call on the runtime: resolves with its result or rejects with its message and code. */
    private void run(PluginCall call) {
        String method = call.getMethodName();
        String why = PluginMethods.unimplemented(method, "android");
        if (why != null) {
            call.unimplemented(why);
            return;
        }
        JsonNode args;
        try {
            args = Json.mapper().readTree(call.getData().toString());
        } catch (java.io.IOException e) {
            call.reject("the call's options are not JSON: " + e.getMessage(), "invalid_argument");
            return;
        }
        String page = method.equals("notifyAppReady") ? runtime.ports.webView.served() : null;
        runtime.calls.call(method, args, page).whenComplete((result, error) -> {
            if (error == null) {
                call.resolve(toJs(result));
                return;
            }
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String code = e instanceof UpdaterException u ? u.code() : null;
            call.reject(e.getMessage() == null ? e.toString() : e.getMessage(), code);
        });
    }

    private static JSObject toJs(JsonNode node) {
        if (node == null || !node.isObject()) {
            return new JSObject();
        }
        try {
            return new JSObject(node.toString());
        } catch (JSONException e) {
            throw new IllegalStateException("the runtime answered with JSON Android cannot parse", e);
        }
    }

    @PluginMethod
    public void notifyAppReady(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void current(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getLatest(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void download(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void next(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void set(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void reset(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void reload(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void list(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void delete(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setMultiDelay(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void cancelDelay(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setChannel(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void unsetChannel(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getChannel(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void listChannels(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getDeviceId(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getBuiltinVersion(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getPluginVersion(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getNextBundle(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getFailedUpdate(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setBundleError(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setCustomId(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void triggerUpdateCheck(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void isAutoUpdateEnabled(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void isAutoUpdateAvailable(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getAppId(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setAppId(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setUpdateUrl(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setStatsUrl(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setChannelUrl(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void startPreviewSession(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void listPreviews(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setPreview(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void resetPreview(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void deletePreview(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void checkPreviewUpdate(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void updatePreview(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getMissingBundleFiles(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getBundleDownloadSize(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setShakeMenu(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void isShakeMenuEnabled(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void setShakeChannelSelector(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void isShakeChannelSelectorEnabled(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void getAppUpdateInfo(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void openAppStore(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void performImmediateUpdate(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void startFlexibleUpdate(PluginCall call) {
        run(call);
    }

    @PluginMethod
    public void completeFlexibleUpdate(PluginCall call) {
        run(call);
    }
}
