package dev.patchbay.updater;

import dev.patchbay.updater.port.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The runtime behind {@link Updater} (being written). */
final class Engine {
    final List<UpdaterListener> events = new CopyOnWriteArrayList<>();
    private final UpdaterConfig config;
    private final Ports ports;

    Engine(UpdaterConfig config, Ports ports) {
        this.config = config;
        this.ports = ports;
    }

    private static UnsupportedOperationException todo() {
        return new UnsupportedOperationException("not implemented yet");
    }

    void onColdStart() {
        throw todo();
    }

    void onForeground() {
        throw todo();
    }

    void onBackground() {
        throw todo();
    }

    void onPageLoaded(String path) {
        throw todo();
    }

    String serverBasePath() {
        throw todo();
    }

    BundleInfo notifyAppReady(String path) {
        throw todo();
    }

    CompletableFuture<LatestVersion> getLatest(String channel) {
        throw todo();
    }

    CompletableFuture<BundleInfo> download(LatestVersion latest) {
        throw todo();
    }

    BundleInfo next(String id) {
        throw todo();
    }

    BundleInfo set(String id) {
        throw todo();
    }

    BundleInfo reset(boolean toLastSuccessful) {
        throw todo();
    }

    void reload() {
        throw todo();
    }

    CurrentBundle current() {
        throw todo();
    }

    List<BundleInfo> list() {
        throw todo();
    }

    BundleInfo nextBundle() {
        throw todo();
    }

    void delete(String id) {
        throw todo();
    }

    void setDelays(List<DelayCondition> conditions) {
        throw todo();
    }

    void cancelDelay() {
        throw todo();
    }

    List<DelayCondition> delays() {
        throw todo();
    }

    CompletableFuture<ChannelAnswer> setChannel(String channel, boolean trigger) {
        throw todo();
    }

    String channel() {
        throw todo();
    }

    void setCustomId(String customId) {
        throw todo();
    }

    String deviceId() {
        throw todo();
    }

    CheckStatus triggerUpdateCheck() {
        throw todo();
    }

    boolean awaitIdle(Duration timeout) {
        throw todo();
    }

    void shutdown() {
        throw todo();
    }
}
