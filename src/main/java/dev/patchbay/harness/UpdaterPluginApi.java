package dev.patchbay.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.js.PluginMethods;

/**
 * The {@code CapacitorUpdater} plugin as the device's Capacitor bridge exports it: every method of
 * {@link PluginMethods}, each either answered by the runtime or refused with Capacitor's {@code UNIMPLEMENTED} code
 * and the reason. The plugin header handed to {@code @capacitor/core} lists all of them
 * (so an app's call reaches the runtime instead of the plugin's web implementation); docs/harness.md has the table.
 */
final class UpdaterPluginApi {
    static final String PLUGIN = "CapacitorUpdater";
    /** Capacitor's code for a method a platform does not implement ({@code ExceptionCode.Unimplemented}). */
    static final String UNIMPLEMENTED = "UNIMPLEMENTED";

    private UpdaterPluginApi() {
    }

    /** Null when {@code method} is answered by the runtime; else the reason it is not (unknown methods too). */
    static String unimplemented(String method) {
        return PluginMethods.unimplemented(method, "android");
    }

    /**
     * {@code Capacitor.PluginHeaders} as Capacitor's Android bridge makes them: each method with its return type
     * ({@code promise}); {@code addListener}/{@code removeListener} have none (they answer through a kept callback).
     */
    static ArrayNode headers() {
        ArrayNode methods = Json.mapper().createArrayNode();
        methods.addObject().put("name", "addListener");
        methods.addObject().put("name", "removeListener");
        PluginMethods.all().keySet().forEach(m -> methods.addObject().put("name", m).put("rtype", "promise"));
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
