package dev.patchbay.updater.js;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.BundleInfo;
import dev.patchbay.updater.ChannelAnswer;
import dev.patchbay.updater.CurrentBundle;
import dev.patchbay.updater.DelayCondition;
import dev.patchbay.updater.LatestVersion;
import dev.patchbay.updater.Updater;
import dev.patchbay.updater.UpdaterConfig;
import dev.patchbay.updater.UpdaterEvent;
import dev.patchbay.updater.UpdaterException;
import dev.patchbay.updater.port.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The updater plugin's JS methods on the runtime ({@link Updater}), with JSON in and out as Capacitor's bridge
 * carries them: the one mapping both the emulator harness's bridge and the Android Capacitor plugin call, so an app
 * sees the same API on both. {@link PluginMethods} lists every method and why some are refused.
 */
public final class PluginCalls {
    private static final ObjectMapper JSON = Json.mapper();
    private final Updater updater;
    private final Ports ports;
    /** The latest verified check answers, by version, for {@code download({version})} from JS. */
    private final Map<String, LatestVersion> latest = new ConcurrentHashMap<>();
    private volatile LatestVersion lastUpdate;
    private final PluginExtras extras;

    public PluginCalls(Updater updater, Ports ports, UpdaterConfig config) {
        this.ports = ports;
        this.updater = updater;
        this.extras = new PluginExtras(ports, config);
        updater.addListener(e -> extras.onEvent(e.name(), payload(e)));
    }

    public Updater updater() {
        return updater;
    }

    /** Runtime events and the derived plugin events, as JS listeners get them: event name and payload. */
    public void addListener(BiConsumer<String, JsonNode> listener) {
        updater.addListener(e -> listener.accept(e.name(), payload(e)));
        extras.addListener(listener);
    }

    /** An event as its JS listeners get it: the record's components, bundles as {@link #bundle}. */
    public static JsonNode payload(UpdaterEvent e) {
        ObjectNode n = obj();
        for (java.lang.reflect.RecordComponent c : e.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(e);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException(ex);
            }
            n.set(c.getName(), v instanceof BundleInfo b ? bundle(b) : JSON.valueToTree(v));
        }
        return n;
    }

    /**
     * A JS call {@code CapacitorUpdater.<method>(args)} made by the page served from {@code callingBasePath} (null:
     * builtin); completes with the JS result, or exceptionally ({@link UpdaterException} carries the error code).
     */
    public CompletableFuture<JsonNode> call(String method, JsonNode args, String callingBasePath) {
        try {
            return dispatch(method, args == null ? JSON.createObjectNode() : args, callingBasePath);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<JsonNode> dispatch(String method, JsonNode a, String callingBasePath) {
        switch (method) {
            case "notifyAppReady":
                return done(obj().set("bundle", bundle(updater.notifyAppReady(callingBasePath))));
            case "current": {
                CurrentBundle c = updater.current();
                return done(obj().<ObjectNode>set("bundle", bundle(c.bundle())).put("native", c.nativeVersion()));
            }
            case "getBuiltinVersion":
                return done(obj().put("version", ports.app().nativeVersion()));
            case "getLatest":
                return updater.getLatest(text(a, "channel")).thenApply(l -> {
                    if (l.isUpdate()) {
                        latest.put(l.version(), l);
                        lastUpdate = l;
                    }
                    return latestJson(l);
                });
            case "download": {
                String version = text(a, "version");
                LatestVersion l = version == null ? lastUpdate : latest.get(version);
                if (l == null) {
                    throw new UpdaterException("not_found", "No update answer for "
                            + (version == null ? "any version" : "version " + version) + "; call getLatest() first");
                }
                return updater.download(l).thenApply(PluginCalls::bundle);
            }
            case "next":
                return done(bundle(updater.next(required(a, "id"))));
            case "set":
                return done(bundle(updater.set(required(a, "id"))));
            case "reset":
                return done(bundle(updater.reset(a.path("toLastSuccessful").asBoolean(false))));
            case "reload":
                updater.reload();
                return done(obj());
            case "list": {
                List<JsonNode> bundles = new ArrayList<>();
                updater.list().forEach(b -> bundles.add(bundle(b)));
                return done(obj().set("bundles", JSON.valueToTree(bundles)));
            }
            case "getNextBundle": {
                BundleInfo n = updater.getNextBundle();
                return done(n == null ? JSON.nullNode() : bundle(n));
            }
            case "delete":
                updater.delete(required(a, "id"));
                return done(obj());
            case "setMultiDelay": {
                List<DelayCondition> conditions = new ArrayList<>();
                for (JsonNode c : a.path("delayConditions")) {
                    conditions.add(new DelayCondition(DelayCondition.Kind.of(c.path("kind").asText()),
                            c.hasNonNull("value") ? c.get("value").asText() : null));
                }
                updater.setMultiDelay(conditions);
                return done(obj());
            }
            case "cancelDelay":
                updater.cancelDelay();
                return done(obj());
            case "setChannel": {
                String channel = required(a, "channel");
                return updater.setChannel(channel, a.path("triggerAutoUpdate").asBoolean(false))
                        .thenApply(PluginCalls::channelJson).thenApply(j -> {
                            extras.onSetChannel(channel, j);
                            return j;
                        });
            }
            case "unsetChannel":
                return updater.unsetChannel(a.path("triggerAutoUpdate").asBoolean(false))
                        .thenApply(PluginCalls::channelJson);
            case "getChannel":
                return done(obj().put("channel", updater.getChannel()));
            case "getDeviceId":
                return done(obj().put("deviceId", updater.getDeviceId()));
            case "setCustomId":
                updater.setCustomId(text(a, "customId"));
                return done(obj());
            case "triggerUpdateCheck": {
                String status = updater.triggerUpdateCheck().name().toLowerCase(java.util.Locale.ROOT);
                return done(obj().put("status", status).put("queued", status.equals("queued")));
            }
            default: {
                CompletableFuture<JsonNode> more = extras.call(method, a);
                if (more == null) {
                    throw new UpdaterException("not_implemented", "CapacitorUpdater." + method
                            + "() is not implemented on android");
                }
                return more;
            }
        }
    }

    private static CompletableFuture<JsonNode> done(JsonNode n) {
        return CompletableFuture.completedFuture(n);
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static String text(JsonNode a, String name) {
        JsonNode v = a.get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String required(JsonNode a, String name) {
        String v = text(a, name);
        if (v == null || v.isEmpty()) {
            throw new UpdaterException("invalid_argument", "\"" + name + "\" is required");
        }
        return v;
    }

    public static JsonNode bundle(BundleInfo b) {
        if (b == null) {
            return JSON.nullNode();
        }
        ObjectNode n = obj();
        n.put("id", b.id());
        n.put("version", b.version());
        n.put("sequence", b.sequence());
        n.put("status", b.status() == null ? null : b.status().wire());
        n.put("reason", b.reason());
        n.put("downloaded", b.downloaded() == null ? null : b.downloaded().toString());
        n.put("checksum", b.checksum());
        n.put("percent", b.percent());
        return n;
    }

    static JsonNode latestJson(LatestVersion l) {
        ObjectNode n = obj();
        n.put("kind", l.kind());
        n.put("version", l.version());
        n.put("sequence", l.sequence());
        n.put("channel", l.channel());
        n.put("error", l.error());
        n.put("message", l.message());
        return n;
    }

    static JsonNode channelJson(ChannelAnswer c) {
        ObjectNode n = obj();
        n.put("status", c.ok() ? "ok" : "error");
        n.put("channel", c.channel());
        n.put("error", c.error());
        n.put("message", c.message());
        return n;
    }
}
