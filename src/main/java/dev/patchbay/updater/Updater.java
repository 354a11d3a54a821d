package dev.patchbay.updater;

import dev.patchbay.updater.port.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The on-device live-update runtime (device-protocol §8): checks the update server, downloads, verifies and installs
 * web bundles, confirms or rolls them back, and reports device events. All platform access goes through
 * {@link Ports}; all state changes are serialized, and every install step is an atomic persisted write so that a
 * process killed at any write boots a complete, verified bundle (old or new) at its next cold start.
 *
 * <p>Platform glue: call {@link #onColdStart()} once per process before the WebView loads and serve
 * {@link #serverBasePath()}; report {@link #onForeground()}, {@link #onBackground()} and every finished page load
 * ({@link #onPageLoaded(String)}). The JS API of the Capacitor plugin maps onto the remaining public methods.
 */
public final class Updater {
    /** The runtime version sent in every check. */
    public static final String RUNTIME_VERSION = "0.1.0";

    private final Engine engine;

    /** A fatal error (the process being killed at a port write) stops this instance for good. */
    private <T> T guard(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (Error e) {
            engine.jobs.die(e);
            throw e;
        }
    }

    private void guardRun(Runnable call) {
        try {
            call.run();
        } catch (Error e) {
            engine.jobs.die(e);
            throw e;
        }
    }

    public Updater(UpdaterConfig config, Ports ports) {
        this.engine = new Engine(config, ports);
    }

    public void addListener(UpdaterListener listener) {
        engine.events.add(listener);
    }

    public void removeListener(UpdaterListener listener) {
        engine.events.remove(listener);
    }

    // ---- platform glue ----

    /**
     * Reconciles persisted state with the files (temp files removed, a missing or damaged current bundle falls
     * back), handles a native version change, clears {@code kill} delays, installs a queued bundle, and schedules
     * the first check in background per the auto-update mode. Never waits for the network.
     */
    public void onColdStart() {
        guardRun(() -> engine.onColdStart());
    }

    public void onForeground() {
        guardRun(() -> engine.onForeground());
    }

    public void onBackground() {
        guardRun(() -> engine.onBackground());
    }

    /** The WebView finished loading a page served from {@code serverBasePath} (null: the builtin assets). */
    public void onPageLoaded(String serverBasePath) {
        guardRun(() -> engine.onPageLoaded(serverBasePath));
    }

    /** The absolute folder the WebView must serve, or null for the builtin assets. */
    public String serverBasePath() {
        return guard(() -> engine.serverBasePath());
    }

    // ---- JS API ----

    /**
     * Confirms the current bundle, but only when called by a page of the current bundle ({@code callingPageBasePath}
     * is the base path the calling page was served from, null for builtin) that was loaded after the switch to it.
     * Returns the current bundle (status {@link BundleStatus#SUCCESS} once confirmed).
     */
    public BundleInfo notifyAppReady(String callingPageBasePath) {
        return guard(() -> engine.notifyAppReady(callingPageBasePath));
    }

    /** Asks the server what this device should run ({@code channel} null: the stored or default channel). */
    public CompletableFuture<LatestVersion> getLatest(String channel) {
        return guard(() -> engine.getLatest(channel));
    }

    /** Downloads and verifies the release of an {@code update} answer; completes with the pending bundle. */
    public CompletableFuture<BundleInfo> download(LatestVersion latest) {
        return guard(() -> engine.download(latest));
    }

    /** Queues a downloaded bundle to be installed at the next background or cold start. */
    public BundleInfo next(String id) {
        return guard(() -> engine.next(id));
    }

    /** Installs a downloaded bundle now: the WebView switches to it and reloads. */
    public BundleInfo set(String id) {
        return guard(() -> engine.set(id));
    }

    /** Goes back to the builtin bundle, or to the last confirmed one if {@code toLastSuccessful}. */
    public BundleInfo reset(boolean toLastSuccessful) {
        return guard(() -> engine.reset(toLastSuccessful));
    }

    public void reload() {
        guardRun(() -> engine.reload());
    }

    public CurrentBundle current() {
        return guard(() -> engine.current());
    }

    /** Every bundle the device holds (builtin excluded), downloads in progress included. */
    public List<BundleInfo> list() {
        return guard(() -> engine.list());
    }

    /** The queued bundle, or null. */
    public BundleInfo getNextBundle() {
        return guard(() -> engine.nextBundle());
    }

    /** Deletes a downloaded bundle; the current, the queued and the builtin bundle cannot be deleted. */
    public void delete(String id) {
        guardRun(() -> engine.delete(id));
    }

    public void setMultiDelay(List<DelayCondition> conditions) {
        guardRun(() -> engine.setDelays(conditions));
    }

    public void cancelDelay() {
        guardRun(() -> engine.cancelDelay());
    }

    public List<DelayCondition> getDelays() {
        return guard(() -> engine.delays());
    }

    public CompletableFuture<ChannelAnswer> setChannel(String channel, boolean triggerAutoUpdate) {
        return guard(() -> engine.setChannel(channel, triggerAutoUpdate));
    }

    public CompletableFuture<ChannelAnswer> unsetChannel(boolean triggerAutoUpdate) {
        return guard(() -> engine.setChannel(null, triggerAutoUpdate));
    }

    /** The channel this device asks for (stored by setChannel, else the configured default), or null. */
    public String getChannel() {
        return guard(() -> engine.channel());
    }

    public void setCustomId(String customId) {
        guardRun(() -> engine.setCustomId(customId));
    }

    public String getDeviceId() {
        return guard(() -> engine.deviceId());
    }

    /** Starts a check now (auto-update semantics of the mode); {@link CheckStatus#UNAVAILABLE} when off. */
    public CheckStatus triggerUpdateCheck() {
        return guard(() -> engine.triggerUpdateCheck());
    }

    // ---- tests and harness ----

    /** Waits until no background work (check, download, install, stats flush) is queued or running. */
    public boolean awaitIdle(Duration timeout) {
        return guard(() -> engine.awaitIdle(timeout));
    }

    /** Stops timers and background work; the instance does nothing afterwards. */
    public void shutdown() {
        guardRun(() -> engine.shutdown());
    }
}
