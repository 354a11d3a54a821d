package dev.patchbay.updater.js;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.Updater;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.UpdaterException;
import dev.patchbay.updater.port.HttpTransport;
import dev.patchbay.updater.port.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The updater plugin's JS methods beyond the runtime's core ({@link PluginCalls} answers those): versions,
 * auto-update state, the channel list, the last failed update, and the methods that change where the runtime talks
 * to (refused: the app trusts only the server its embedded keys certify). Also derives the reference plugin's events
 * the runtime does not emit itself: {@code majorAvailable}/{@code breakingAvailable} from a check blocked by the
 * channel's update gate, {@code channelPrivate} from a refused {@code setChannel}.
 */
final class PluginExtras {
    private final Ports ports;
    private final UpdaterConfig config;
    private final List<BiConsumer<String, JsonNode>> listeners = new CopyOnWriteArrayList<>();
    /** The last {@code updateFailed} of this process, until {@code getFailedUpdate} reads it. */
    private volatile JsonNode failedUpdate;

    PluginExtras(Ports ports, UpdaterConfig config) {
        this.ports = ports;
        this.config = config;
    }

    /** The methods answered here; null for others. */
    CompletableFuture<JsonNode> call(String method, JsonNode a) {
        switch (method) {
            case "getPluginVersion":
                return done(obj().put("version", Updater.RUNTIME_VERSION));
            case "isAutoUpdateEnabled":
                return done(obj().put("enabled", config.autoUpdate() != AutoUpdate.OFF));
            case "isAutoUpdateAvailable":
                return done(obj().put("available", !config.serverUrl().isEmpty()));
            case "getAppId":
                return done(obj().put("appId", config.appId()));
            case "getFailedUpdate": {
                JsonNode f = failedUpdate;
                failedUpdate = null;
                return done(f == null ? Json.mapper().nullNode() : f);
            }
            case "listChannels":
                return CompletableFuture.supplyAsync(this::listChannels, ports.background());
            case "setAppId", "setUpdateUrl", "setStatsUrl", "setChannelUrl":
                throw new UpdaterException("not_allowed", "CapacitorUpdater." + method + "() is refused: this app "
                        + "trusts only the update server its embedded keys certify (" + config.serverUrl()
                        + ", app " + config.appId() + "); changing it at run time is not allowed by its config");
            case "setBundleError":
                throw new UpdaterException("not_allowed", "CapacitorUpdater.setBundleError() is refused: this app's"
                        + " config does not allow marking bundles failed from JS (the reference plugin's"
                        + " allowManualBundleError); a bundle that does not call notifyAppReady() is rolled back");
            default:
                return null;
        }
    }

    /** {@code GET /channel_self}: the channels this device may pick, as the reference {@code ListChannelsResult}. */
    private JsonNode listChannels() {
        String url = config.serverUrl() + "/channel_self?appId=" + URLEncoder.encode(config.appId(),
                StandardCharsets.UTF_8) + "&platform=" + URLEncoder.encode(ports.app().platform(),
                StandardCharsets.UTF_8);
        try (HttpTransport.Response r = ports.http().send(new HttpTransport.Request("GET", url,
                Map.of("Accept", "application/json"), null, config.responseTimeout()))) {
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(1 << 20);
            }
            if (r.status() != 200) {
                throw new UpdaterException("network", "listChannels: the server answered HTTP " + r.status());
            }
            JsonNode items = Json.mapper().readTree(body).path("items");
            ArrayNode channels = Json.mapper().createArrayNode();
            for (JsonNode i : items) {
                channels.addObject().put("id", i.path("name").asText()).put("name", i.path("name").asText())
                        .put("public", false).put("allow_self_set", true);
            }
            return obj().set("channels", channels);
        } catch (IOException e) {
            throw new UpdaterException("network", "listChannels failed: " + e.getMessage(), e);
        }
    }

    void addListener(BiConsumer<String, JsonNode> l) {
        listeners.add(l);
    }

    /** Each runtime event, to derive the reference plugin's events from. */
    void onEvent(String name, JsonNode payload) {
        if (name.equals("updateFailed")) {
            failedUpdate = obj().set("bundle", payload.path("bundle"));
        } else if (name.equals("updateCheckResult") && "native_boundary".equals(payload.path("error").asText())
                && payload.hasNonNull("version")) {
            JsonNode v = obj().put("version", payload.path("version").asText());
            emit("majorAvailable", v);
            emit("breakingAvailable", v);
        }
    }

    /** A {@code setChannel} answer: a channel that does not allow self-assignment is {@code channelPrivate}. */
    void onSetChannel(String channel, JsonNode answer) {
        if ("self_assign_not_allowed".equals(answer.path("error").asText())) {
            emit("channelPrivate", obj().put("channel", channel).put("message", answer.path("message").asText(
                    "channel " + channel + " does not allow devices to pick it")));
        }
    }

    private void emit(String name, JsonNode payload) {
        listeners.forEach(l -> l.accept(name, payload));
    }

    private static CompletableFuture<JsonNode> done(JsonNode n) {
        return CompletableFuture.completedFuture(n);
    }

    private static ObjectNode obj() {
        return Json.mapper().createObjectNode();
    }
}
