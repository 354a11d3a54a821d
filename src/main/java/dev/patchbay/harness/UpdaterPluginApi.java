package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code CapacitorUpdater} plugin as the device's Capacitor bridge exports it: every method the reference
 * plugin's JS declares (its {@code definitions.ts}), each either answered by the runtime or refused with Capacitor's
 * {@code UNIMPLEMENTED} code and the reason. The plugin header handed to {@code @capacitor/core} lists all of them
 * (so an app's call reaches the runtime instead of the plugin's web implementation); docs/harness.md has the table.
 */
final class UpdaterPluginApi {
    static final String PLUGIN = "CapacitorUpdater";
    /** Capacitor's code for a method a platform does not implement ({@code ExceptionCode.Unimplemented}). */
    static final String UNIMPLEMENTED = "UNIMPLEMENTED";

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
        String shake = "the shake gesture menu is a device UI for manual testing; an emulated device has no sensors";
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

    private UpdaterPluginApi() {
    }

    /** Every method the plugin declares, implemented or not (listener methods excluded). */
    static Map<String, String> methods() {
        return java.util.Collections.unmodifiableMap(METHODS);
    }

    /** Null when {@code method} is answered by the runtime; else the reason it is not (unknown methods too). */
    static String unimplemented(String method) {
        if (!METHODS.containsKey(method)) {
            return "CapacitorUpdater." + method + "() is not a method of the updater plugin";
        }
        String why = METHODS.get(method);
        return why == null ? null : "CapacitorUpdater." + method + "() is not implemented on android: " + why;
    }

    /**
     * {@code Capacitor.PluginHeaders} as Capacitor's Android bridge makes them: each method with its return type
     * ({@code promise}); {@code addListener}/{@code removeListener} have none (they answer through a kept callback).
     */
    static ArrayNode headers() {
        ArrayNode methods = Json.mapper().createArrayNode();
        methods.addObject().put("name", "addListener");
        methods.addObject().put("name", "removeListener");
        METHODS.keySet().forEach(m -> methods.addObject().put("name", m).put("rtype", "promise"));
        ArrayNode headers = Json.mapper().createArrayNode();
        ObjectNode h = headers.addObject();
        h.put("name", PLUGIN);
        h.set("methods", methods);
        return headers;
    }

    /** A Capacitor error object: {@code {message, code}}. */
    static JsonNode error(String message, String code) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("message", message);
        if (code != null) {
            e.put("code", code);
        }
        return e;
    }
}
