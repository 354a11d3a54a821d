package dev.patchbay.server.compat.capgo;

import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Platform;
import dev.patchbay.server.devices.DeviceDecisions;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code /compat/capgo/channel_self} in the four methods the plugin uses (docs/capgo-compat.md §5). Current plugins
 * keep a channel chosen with {@code setChannel()} on the device and send it as {@code defaultChannel} with every
 * check, so {@code POST} only validates (Patchbay's self-assignment rule) and the check's channel resolution does
 * the rest: console override &gt; allowed self-assignment &gt; platform default. A refusal is
 * {@code channel_self_set_not_allowed}, which the plugin turns into its {@code channelPrivate} event.
 */
final class CapgoChannelSelfApi {
    private final CapgoArtifacts artifacts;
    private final DeviceDecisions decisions;
    private final CapgoGate gate;
    private final LongSupplier clock;

    CapgoChannelSelfApi(CapgoArtifacts artifacts, DeviceDecisions decisions, CapgoGate gate, LongSupplier clock) {
        this.artifacts = artifacts;
        this.decisions = decisions;
        this.gate = gate;
        this.clock = clock;
    }

    void register(Router router) {
        for (String prefix : CapgoCompat.PREFIXES) {
            String path = prefix + "/channel_self";
            router.open("POST", path, CapgoUpdatesApi.MAX_BODY, this::set);
            router.open("PUT", path, CapgoUpdatesApi.MAX_BODY, this::get);
            router.open("DELETE", path, CapgoUpdatesApi.MAX_BODY, this::unset);
            router.open("GET", path, this::list);
        }
    }

    private ApiResponse set(ApiRequest r) {
        com.fasterxml.jackson.databind.JsonNode body = CapgoDevice.parseJson(r.rawBody());
        CapgoDevice d = CapgoDevice.parse(body, false);
        String name = CapgoDevice.text(body, "channel", false, 64, null);
        CapgoArtifacts.AppState app = artifacts.app(d.appId());
        if (app == null || !app.enabled) {
            return unknown(r, d.appId());
        }
        if (name == null || name.isBlank()) {
            return error("missing_channel", "Field 'channel' is required");
        }
        Channel ch = app.view.channel(name);
        Platform platform = Platform.parse(d.platform());
        if (ch == null || !ch.platforms().contains(platform)) {
            return error("channel_not_found", "App '" + d.appId() + "' has no channel '" + CapgoDevice.cut(name)
                    + "' for " + d.platform());
        }
        if (!ch.allowDeviceSelfAssign() && !ch.defaultFor().contains(platform)) {
            return error("channel_self_set_not_allowed", "Channel '" + name + "' does not allow devices to switch"
                    + " to it");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("channel", name);
        details.put("source", "capgo");
        String id = "cgch" + Integer.toHexString((d.deviceId() + "\n" + name + "\n" + clock.getAsLong() / 60_000)
                .hashCode());
        decisions.store(d.appId(), d.deviceId(), List.of(new DeviceDecisions.Event(id, "channel_set", null, null,
                null, details)));
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("status", "ok");
        ok.put("allowSet", true);
        return ApiResponse.ok(ok);
    }

    /** {@code PUT}: the channel the device gets now, and whether it comes from a console override. */
    private ApiResponse get(ApiRequest r) {
        CapgoDevice d = CapgoDevice.parse(CapgoDevice.parseJson(r.rawBody()), false);
        CapgoArtifacts.AppState app = artifacts.app(d.appId());
        if (app == null || !app.enabled) {
            return unknown(r, d.appId());
        }
        DeviceDecisions.Verdict v = decisions.decide(app.view, d.asDevice(d.currentBundle()));
        if (v.channel() == null) {
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("error", "channel_not_found");
            none.put("message", "App '" + d.appId() + "' has no channel for " + d.platform());
            return new ApiResponse(400, none);
        }
        String override = app.view.overrides().get(d.deviceId());
        Channel ch = app.view.channel(v.channel());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", v.channel());
        out.put("status", v.channel().equals(override) ? "override" : "default");
        out.put("allowSet", ch != null && ch.allowDeviceSelfAssign());
        return ApiResponse.ok(out);
    }

    /**
     * {@code DELETE} (query string): older plugins' "unset"; current ones forget the channel on the device. Console
     * overrides are the console's to remove, so this only acknowledges.
     */
    private ApiResponse unset(ApiRequest r) {
        // Plugin 6 sends the info object as a JSON body; later ones as query parameters.
        byte[] body = r.declaredLength() > 0 ? r.rawBody() : new byte[0];
        CapgoDevice d = CapgoDevice.parse(body.length > 0 ? CapgoDevice.parseJson(body)
                : CapgoDevice.fromQuery(queries(r)), false);
        CapgoArtifacts.AppState app = artifacts.app(d.appId());
        if (app == null || !app.enabled) {
            return unknown(r, d.appId());
        }
        return ApiResponse.ok(Map.of("status", "ok"));
    }

    /** {@code GET} (query string): channels the device may switch to, as {@code [{id, name, public, allow_self_set}]}. */
    private ApiResponse list(ApiRequest r) {
        Map<String, String> q = queries(r);
        CapgoDevice d = CapgoDevice.parse(CapgoDevice.fromQuery(q), false);
        CapgoArtifacts.AppState app = artifacts.app(d.appId());
        if (app == null || !app.enabled) {
            return unknown(r, d.appId());
        }
        Platform platform = Platform.parse(d.platform());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Channel ch : app.view.channels()) {
            boolean isDefault = ch.defaultFor().contains(platform);
            if (!ch.platforms().contains(platform) || !(ch.allowDeviceSelfAssign() || isDefault)
                    || (d.isEmulator() && !ch.allowEmulators()) || (!d.isProduction() && !ch.allowDevBuilds())
                    || (!d.isEmulator() && !ch.allowPhysicalDevices()) || (d.isProduction() && !ch.allowProductionBuilds())) {
                continue;
            }
            Map<String, Object> c = new LinkedHashMap<>();
            // The plugin requires a number; Patchbay channels are named, so the id is a stable number of the name.
            c.put("id", ch.name().hashCode() & 0x7fffffff);
            c.put("name", ch.name());
            c.put("public", isDefault);
            c.put("allow_self_set", ch.allowDeviceSelfAssign());
            out.add(c);
        }
        return new ApiResponse(200, out);
    }

    private static Map<String, String> queries(ApiRequest r) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String k : new String[] {"app_id", "device_id", "platform", "version_name", "version_build",
                "version_code", "version_os", "plugin_version", "is_emulator", "is_prod", "custom_id",
                "defaultChannel", "key_id"}) {
            String v = r.query(k);
            if (v != null) {
                q.put(k, v);
            }
        }
        // Older plugins list channels with app_id, platform, is_emulator and is_prod only.
        q.putIfAbsent("device_id", "00000000-0000-0000-0000-000000000000");
        q.putIfAbsent("version_build", "0.0.0");
        return q;
    }

    private ApiResponse unknown(ApiRequest r, String appId) {
        ApiResponse throttled = gate.unknownApp(r);
        if (throttled != null) {
            return throttled;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "unknown_app");
        body.put("message", "No app '" + appId + "' with Capgo-compatible delivery on this server");
        return new ApiResponse(404, body);
    }

    private static ApiResponse error(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return ApiResponse.ok(body);
    }
}
