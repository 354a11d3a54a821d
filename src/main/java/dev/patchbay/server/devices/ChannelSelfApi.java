package dev.patchbay.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Platform;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /channel_self} and {@code GET /channel_self} (device-protocol §6): whether a device may switch itself to
 * a channel, and which channels allow it. The device keeps the channel and sends it with each check; the server
 * stores nothing here (the checks record what the device asks for).
 */
public final class ChannelSelfApi {
    private final DeviceCatalog catalog;

    public ChannelSelfApi(DeviceCatalog catalog) {
        this.catalog = catalog;
    }

    public void register(Router router) {
        router.open("POST", "/channel_self", UpdatesApi.MAX_BODY, this::post);
        router.open("GET", "/channel_self", this::list);
    }

    private ApiResponse post(ApiRequest r) {
        JsonNode b = DeviceFields.object(r.rawBody());
        String appId = DeviceFields.appId(b);
        DeviceFields.deviceId(b);
        Platform platform = Platform.parse(DeviceFields.platform(b, true));
        if (!b.has("channel")) {
            throw DeviceFields.invalid("channel", "Field 'channel' is required (null clears the device's channel)");
        }
        String name = DeviceFields.text(b, "channel", "channel", false, 64, DeviceFields.CHANNEL);
        DeviceCatalog.AppView app = app(appId);
        Map<String, Object> out = new LinkedHashMap<>();
        if (name == null) {
            out.put("status", "ok");
            out.put("channel", null);
            return ApiResponse.ok(out);
        }
        Channel ch = app.channel(name);
        if (ch == null || !ch.platforms().contains(platform)) {
            out.put("status", "error");
            out.put("error", "channel_not_found");
            out.put("message", "App '" + appId + "' has no channel '" + name + "' for " + platform.wireName());
        } else if (!ch.allowDeviceSelfAssign()) {
            out.put("status", "error");
            out.put("error", "self_assign_not_allowed");
            out.put("message", "Channel '" + name + "' does not allow devices to switch to it");
        } else {
            out.put("status", "ok");
            out.put("channel", name);
        }
        return ApiResponse.ok(out);
    }

    private ApiResponse list(ApiRequest r) {
        String appId = r.query("appId");
        if (appId == null) {
            throw DeviceFields.invalid("appId", "Query parameter 'appId' is required");
        }
        try {
            dev.patchbay.domain.Names.appId("appId", appId);
        } catch (dev.patchbay.domain.ValidationException e) {
            throw DeviceFields.invalid("appId", e.getMessage());
        }
        String p = r.query("platform");
        if (p == null || !(p.equals("android") || p.equals("ios"))) {
            throw DeviceFields.invalid("platform", "Query parameter 'platform' must be android or ios");
        }
        Platform platform = Platform.parse(p);
        DeviceCatalog.AppView app = app(appId);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Channel ch : app.channels()) {
            if (ch.allowDeviceSelfAssign() && ch.platforms().contains(platform)) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", ch.name());
                c.put("description", ch.description());
                items.add(c);
            }
        }
        return ApiResponse.items(items);
    }

    private DeviceCatalog.AppView app(String appId) {
        DeviceCatalog.AppView app = catalog.get(appId);
        if (app == null) {
            throw new ApiError(404, "unknown_app", "No app '" + appId + "' on this server", "appId");
        }
        return app;
    }
}
