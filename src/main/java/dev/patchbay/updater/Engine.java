package dev.patchbay.updater;

import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.updater.port.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The runtime behind {@link Updater}. Every state change happens under {@link #lock} as one {@link Prefs.Tx}; network
 * and file work runs as {@link Jobs}; the install is the sequence of atomic steps of device-protocol §8.
 *
 * <p>The work is split by responsibility into {@link EnginePart}s that share this engine's ports, state and lock:
 * {@link Lifecycle} (cold start, foreground, background), {@link Confirmation} (notifyAppReady and rollback),
 * {@link Installs} (install now or queued, delay conditions), {@link Checks}, {@link Downloads}, {@link Stats},
 * {@link DeviceIdentity}, {@link Bundles} and {@link ServedBundle} (what the WebView serves).
 */
final class Engine {
    final List<UpdaterListener> events = new CopyOnWriteArrayList<>();
    final UpdaterConfig config;
    final Ports ports;
    final Jobs jobs;
    final Http http;
    final BundleFiles layout;
    final Prefs prefs;
    final Object lock = new Object();

    final ServedBundle webView;
    final Bundles bundles;
    final DeviceIdentity identity;
    final Stats stats;
    final Confirmation confirmation;
    final Installs installs;
    final Downloads downloads;
    final Checks checks;
    final Lifecycle lifecycle;

    Engine(UpdaterConfig config, Ports ports) {
        this.config = config;
        this.ports = ports;
        this.jobs = new Jobs(ports.background(), ports.clock());
        this.http = new Http(ports.http(), config, jobs);
        TrustRoot trust = TrustRoot.create(config.appId(), config.rootPublicKey(), config.contentKeyId());
        this.layout = new BundleFiles(ports.files(), trust);
        UpdateCheck updateCheck = new UpdateCheck(config, trust);
        this.prefs = new Prefs(ports.prefs(), ports.clock(), config.statsEnabled());
        this.webView = new ServedBundle(this);
        this.bundles = new Bundles(this);
        this.identity = new DeviceIdentity(this);
        this.stats = new Stats(this);
        this.confirmation = new Confirmation(this);
        this.installs = new Installs(this);
        this.downloads = new Downloads(this);
        this.checks = new Checks(this, updateCheck);
        this.lifecycle = new Lifecycle(this);
    }

    // ------------------------------------------------------------------ platform glue

    void onColdStart() {
        lifecycle.onColdStart();
    }

    void onForeground() {
        lifecycle.onForeground();
    }

    void onBackground() {
        lifecycle.onBackground();
    }

    void onPageLoaded(String path) {
        webView.onPageLoaded(path);
    }

    String serverBasePath() {
        return webView.serverBasePath();
    }

    // ------------------------------------------------------------------ JS API

    BundleInfo notifyAppReady(String callingPage) {
        return confirmation.notifyAppReady(callingPage);
    }

    CompletableFuture<LatestVersion> getLatest(String channel) {
        return checks.getLatest(channel);
    }

    CompletableFuture<BundleInfo> download(LatestVersion latest) {
        return downloads.download(latest);
    }

    BundleInfo next(String id) {
        return installs.next(id);
    }

    BundleInfo set(String id) {
        return installs.set(id);
    }

    BundleInfo reset(boolean toLastSuccessful) {
        return installs.reset(toLastSuccessful);
    }

    void reload() {
        webView.reload();
    }

    CurrentBundle current() {
        return bundles.current();
    }

    List<BundleInfo> list() {
        return bundles.list();
    }

    BundleInfo nextBundle() {
        return bundles.nextBundle();
    }

    void delete(String id) {
        bundles.delete(id);
    }

    void setDelays(List<DelayCondition> conditions) {
        installs.setDelays(conditions);
    }

    void cancelDelay() {
        installs.cancelDelay();
    }

    List<DelayCondition> delays() {
        return installs.delays();
    }

    CompletableFuture<ChannelAnswer> setChannel(String channel, boolean trigger) {
        return identity.setChannel(channel, trigger);
    }

    String channel() {
        return identity.channel();
    }

    void setCustomId(String customId) {
        identity.setCustomId(customId);
    }

    String deviceId() {
        return identity.deviceId();
    }

    CheckStatus triggerUpdateCheck() {
        return checks.triggerUpdateCheck();
    }

    // ------------------------------------------------------------------ tests and harness

    boolean awaitIdle(Duration timeout) {
        return jobs.awaitIdle(timeout);
    }

    void shutdown() {
        jobs.shutdown();
    }
}
