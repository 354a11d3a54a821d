package dev.patchbay.console.data;

import dev.patchbay.cache.Cached;
import dev.patchbay.cache.LocalCache;
import dev.patchbay.console.connection.Session;
import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Server state as the pages see it: reads come from the cache or from the server (which then refreshes the cache);
 * writes go to the server first, then to the cache. Every method blocks: call it inside a task.
 */
public final class ServerData {
    private final LocalCache cache;
    private final Clock clock;

    public ServerData(LocalCache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    public Cached<List<App>> cachedApps(Session s) {
        return cache.apps(s.connectionId());
    }

    public Cached<List<App>> fetchApps(Session s) {
        List<App> apps = s.requireClient().listApps();
        Instant now = clock.instant();
        cache.replaceApps(s.connectionId(), apps, now);
        return new Cached<>(sortedApps(apps), now);
    }

    public App createApp(Session s, String id, String name) {
        App app = s.requireClient().createApp(id, name);
        cache.putApp(s.connectionId(), app, clock.instant());
        return app;
    }

    public App renameApp(Session s, String id, String name) {
        App app = s.requireClient().renameApp(id, name);
        cache.putApp(s.connectionId(), app, clock.instant());
        return app;
    }

    /** Switches Capgo-compatible delivery of the app on or off (docs/capgo-compat.md). */
    public App setCapgoCompat(Session s, String id, boolean on) {
        App app = s.requireClient().setCapgoCompat(id, on);
        cache.putApp(s.connectionId(), app, clock.instant());
        return app;
    }

    public void deleteApp(Session s, String id) {
        s.requireClient().deleteApp(id);
        cache.removeApp(s.connectionId(), id);
    }

    public Cached<List<Channel>> cachedChannels(Session s, String appId) {
        return cache.channels(s.connectionId(), appId);
    }

    public Cached<List<Channel>> fetchChannels(Session s, String appId) {
        List<Channel> channels = s.requireClient().listChannels(appId);
        Instant now = clock.instant();
        cache.replaceChannels(s.connectionId(), appId, channels, now);
        return new Cached<>(channels.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList(), now);
    }

    public Channel createChannel(Session s, String appId, ChannelDraft draft) {
        Channel c = s.requireClient().createChannel(appId, draft);
        cache.putChannel(s.connectionId(), c, clock.instant());
        return c;
    }

    public Channel updateChannel(Session s, String appId, String name, ChannelDraft changes) {
        Channel c = s.requireClient().updateChannel(appId, name, changes);
        cache.putChannel(s.connectionId(), c, clock.instant());
        return c;
    }

    /** Points a channel at a bundle version, or at the builtin assets ({@code null}). */
    public Channel setChannelBundle(Session s, String appId, String name, String version) {
        Channel c = s.requireClient().setChannelBundle(appId, name, version);
        cache.putChannel(s.connectionId(), c, clock.instant());
        return c;
    }

    public void deleteChannel(Session s, String appId, String name) {
        s.requireClient().deleteChannel(appId, name);
        cache.removeChannel(s.connectionId(), appId, name);
    }

    private static List<App> sortedApps(List<App> apps) {
        return apps.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }
}
