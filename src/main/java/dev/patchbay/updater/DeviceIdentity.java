package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Who the device says it is to the server: its device id, custom id and channel (self-assigned on the server). */
final class DeviceIdentity extends EnginePart {
    DeviceIdentity(Engine engine) {
        super(engine);
    }

    CompletableFuture<ChannelAnswer> setChannel(String channel, boolean trigger) {
        ObjectNode req = Json.mapper().createObjectNode();
        req.put("appId", config.appId());
        req.put("deviceId", deviceId());
        req.put("platform", ports.app().platform());
        if (channel == null) {
            req.putNull("channel");
        } else {
            req.put("channel", channel);
        }
        byte[] body = req.toString().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<ChannelAnswer> out = new CompletableFuture<>();
        http.retrying(() -> http.postJson("/channel_self", body, 1 << 20)).whenComplete((bytes, e) -> job(out, () -> {
            if (e != null) {
                Throwable c = Download.unwrap(e);
                return new ChannelAnswer(false, null, "network", c.getMessage());
            }
            JsonNode a = Json.mapper().readTree(bytes);
            if (!"ok".equals(a.path("status").asText())) {
                return new ChannelAnswer(false, null, a.path("error").asText("error"),
                        a.hasNonNull("message") ? a.get("message").asText() : null);
            }
            synchronized (lock) {
                Prefs.Tx tx = prefs.tx().put(Prefs.CHANNEL, channel)
                        .event("channel_set", currentVersion(), null, details("channel", channel));
                commit(tx);
            }
            if (trigger) {
                engine.checks.scheduleCheck();
            }
            return new ChannelAnswer(true, channel, null, null);
        }));
        return out;
    }

    String channel() {
        String c = prefs.get(Prefs.CHANNEL);
        return c != null ? c : config.defaultChannel();
    }

    void setCustomId(String customId) {
        synchronized (lock) {
            commit(prefs.tx().put(Prefs.CUSTOM_ID, customId == null || customId.isEmpty() ? null : customId));
        }
    }

    String deviceId() {
        synchronized (lock) {
            String id = prefs.get(Prefs.DEVICE_ID);
            if (id == null) {
                Prefs.Tx tx = prefs.tx();
                id = ensureDeviceId(tx);
                commit(tx);
            }
            return id;
        }
    }

    /** Under lock: the device id, made and put in {@code tx} on first use. */
    String ensureDeviceId(Prefs.Tx tx) {
        String id = prefs.get(Prefs.DEVICE_ID);
        if (id == null) {
            id = java.util.UUID.randomUUID().toString().toLowerCase(java.util.Locale.ROOT);
            tx.put(Prefs.DEVICE_ID, id);
        }
        return id;
    }
}
