package dev.patchbay.preflight;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.harness.Preflight;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import java.util.Set;

/**
 * A preflight's management calls through the API client (the CLI's and the console's). Its own package: the harness
 * reaches servers only over the device protocol (ArchitectureTest), the console may not use the CLI.
 */
public final class ApiPreflightServer implements Preflight.Server {
    private final PatchbayClient client;

    public ApiPreflightServer(PatchbayClient client) {
        this.client = client;
    }

    @Override
    public void requireBundle(String appId, String version) {
        client.getBundle(appId, version);
    }

    @Override
    public void createPrivateChannel(String appId, String channel, String description) {
        client.createChannel(appId, new ChannelDraft(channel, description, Set.of(), Set.of(Platform.ANDROID), false,
                true, true, null));
    }

    @Override
    public void pointChannel(String appId, String channel, String version) {
        client.setChannelBundle(appId, channel, version);
    }

    @Override
    public void pin(String appId, String deviceId, String channel) {
        client.setChannelOverride(appId, deviceId, channel);
    }

    @Override
    public void unpin(String appId, String deviceId) {
        client.clearChannelOverride(appId, deviceId);
    }

    @Override
    public void deleteChannel(String appId, String channel) {
        client.deleteChannel(appId, channel);
    }
}
