package dev.patchbay.updater.js;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every JS method of the {@code CapacitorUpdater} plugin (the reference plugin's {@code definitions.ts}), each
 * either answered by the runtime through {@link PluginCalls} or refused with the reason. The harness's bridge and
 * the Android Capacitor plugin expose exactly this table.
 */
public final class PluginMethods {
    /** The plugin's name in Capacitor ({@code registerPlugin('CapacitorUpdater')}). */
    public static final String PLUGIN = "CapacitorUpdater";

    /** Method name → null when the runtime answers it, else why it is not implemented. */
    private static final Map<String, String> METHODS = new LinkedHashMap<>();

    static {
        for (String m : new String[] {"notifyAppReady", "current", "getLatest", "download", "next", "set", "reset",
            "reload", "list", "delete", "setMultiDelay", "cancelDelay", "setChannel", "unsetChannel", "getChannel",
            "listChannels", "getDeviceId", "getBuiltinVersion", "getPluginVersion", "getNextBundle",
            "getFailedUpdate", "setBundleError", "setCustomId", "triggerUpdateCheck", "isAutoUpdateEnabled",
            "isAutoUpdateAvailable", "getAppId", "setAppId", "setUpdateUrl", "setStatsUrl", "setChannelUrl",
            "removeAllListeners", "checkPermissions", "requestPermissions"}) {
            METHODS.put(m, null);
        }
        String preview = "preview sessions are a Capgo cloud feature (preview links of unpublished bundles); "
                + "Patchbay has no preview channel";
        for (String m : new String[] {"startPreviewSession", "listPreviews", "setPreview", "resetPreview",
            "deletePreview", "checkPreviewUpdate", "updatePreview"}) {
            METHODS.put(m, preview);
        }
        String delta = "Patchbay bundles are whole signed archives; there are no per-file (delta) downloads";
        METHODS.put("getMissingBundleFiles", delta);
        METHODS.put("getBundleDownloadSize", delta);
        String shake = "the shake gesture menu is a device UI for manual testing; Patchbay does not provide it";
        for (String m : new String[] {"setShakeMenu", "isShakeMenuEnabled", "setShakeChannelSelector",
            "isShakeChannelSelectorEnabled"}) {
            METHODS.put(m, shake);
        }
        String store = "native app-store updates (Google Play in-app updates) are outside a live-update runtime";
        for (String m : new String[] {"getAppUpdateInfo", "openAppStore", "performImmediateUpdate",
            "startFlexibleUpdate", "completeFlexibleUpdate"}) {
            METHODS.put(m, store);
        }
    }

    private PluginMethods() {
    }

    /** Method name → null when the runtime answers it, else why it is not implemented (listener methods excluded). */
    public static Map<String, String> all() {
        return Collections.unmodifiableMap(METHODS);
    }

    /** Null when {@code method} is answered by the runtime; else the reason it is not (unknown methods too). */
    public static String unimplemented(String method, String platform) {
        if (!METHODS.containsKey(method)) {
            return PLUGIN + "." + method + "() is not a method of the updater plugin";
        }
        String why = METHODS.get(method);
        return why == null ? null : PLUGIN + "." + method + "() is not implemented on " + platform + ": " + why;
    }
}
