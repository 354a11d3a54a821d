package dev.patchbay.harness;

import dev.patchbay.crypto.Ed25519;
import dev.patchbay.server.DeviceFixture;
import dev.patchbay.server.RunningServer;
import dev.patchbay.server.TestReleases;
import dev.patchbay.updater.AutoUpdate;
import dev.patchbay.updater.UpdaterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real update server on loopback with an app ready for devices (trust registered, the server's freshness key
 * certified by the app's root, a default Android channel), bundles sealed for real from site folders, and emulated
 * devices on one shared environment. Scenario tests build on it; nothing in it is a mock.
 */
final class DeviceLab implements AutoCloseable {
    static final String APP = "com.example.shop";
    static final String CHANNEL = "production";

    final Path dir;
    final RunningServer server;
    final DeviceFixture app;
    final String appId;
    final DeviceEnvironment env;
    final Path builtin;
    private final boolean owner;
    private final List<EmulatedDevice> devices = new ArrayList<>();
    private int serials;
    private static int apps;

    DeviceLab(Path dir) throws Exception {
        this(dir, RunningServer.start(dir.resolve("server")), DeviceEnvironment.create(8), APP, true);
    }

    /** A lab whose server runs with {@code tune} applied to its configuration (e.g. a fast rollout tick). */
    DeviceLab(Path dir, UnaryOperator<dev.patchbay.server.ServerConfig> tune) throws Exception {
        this(dir, RunningServer.start(tune.apply(new dev.patchbay.server.ServerConfig("127.0.0.1", 0,
                dir.resolve("server")))), DeviceEnvironment.create(8), APP, true);
    }

    /** A lab whose server keeps blobs in {@code storage} (an S3 bucket) instead of its data folder. */
    DeviceLab(Path dir, dev.patchbay.server.blobs.BlobStorage storage) throws Exception {
        this(dir, RunningServer.start(new dev.patchbay.server.ServerConfig("127.0.0.1", 0, dir.resolve("server")),
                storage), DeviceEnvironment.create(8), APP, true);
    }

    private DeviceLab(Path dir, RunningServer server, DeviceEnvironment env, String appId, boolean owner)
            throws Exception {
        this.dir = dir.resolve(appId);
        this.server = server;
        this.env = env;
        this.owner = owner;
        this.appId = appId;
        this.app = new DeviceFixture(server, appId).create().trustServer();
        app.channel("{\"name\":\"" + CHANNEL + "\",\"defaultFor\":[\"android\"]}");
        this.builtin = site("builtin", "builtin 1.0.0", "");
    }

    /** Another app on the same server (own keys, channel, bundles and devices), for tests sharing one server. */
    DeviceLab newApp() throws Exception {
        return new DeviceLab(dir.getParent(), server, env, APP + ".t" + (++apps), false);
    }

    TestReleases keys() {
        return app.keys;
    }

    /** A web build: index.html with {@code title} and {@code script} (JS run on load), plus an app.js. */
    Path site(String name, String title, String script) throws IOException {
        Path d = Files.createDirectories(dir.resolve("sites").resolve(name));
        Files.writeString(d.resolve("index.html"), "<!doctype html><html><head><title>" + title
                + "</title></head><body><h1>" + title + "</h1><script src=\"app.js\"></script><script>" + script
                + "</script></body></html>\n");
        Files.writeString(d.resolve("app.js"), "window.appVersion = '" + title + "';\n");
        return d;
    }

    /** A site with a {@code size}-byte random file besides index.html (large enough to interrupt). */
    Path big(String version, int size) throws IOException {
        Path d = healthy(version);
        byte[] b = new byte[size];
        new java.util.Random(size).nextBytes(b);
        Files.write(d.resolve("big.bin"), b);
        return d;
    }

    /** The events the server recorded for a device, newest first (device-protocol §4). */
    com.fasterxml.jackson.databind.JsonNode serverEvents(String deviceId) throws Exception {
        return DeviceFixture.json(server.json("GET", "/api/v1/apps/" + appId + "/devices/" + deviceId + "/events",
                null)).path("items");
    }

    /** A site whose JS confirms itself at once (what a healthy bundle does). */
    Path healthy(String version) throws IOException {
        return site("v" + version, "bundle " + version,
                "Capacitor.Plugins.CapacitorUpdater.notifyAppReady();");
    }

    /** Seals {@code site} for real (encrypted, signed) and publishes it; the channel does not serve it yet. */
    TestReleases.Sealed publish(Path site, String version, long sequence) throws Exception {
        TestReleases.Sealed sealed = keys().sealFolder(site, dir.resolve("blobs").resolve(version), version, sequence);
        return app.publish(sealed);
    }

    /** Publishes and makes the channel serve it. */
    TestReleases.Sealed release(Path site, String version, long sequence) throws Exception {
        TestReleases.Sealed s = publish(site, version, sequence);
        serve(version);
        return s;
    }

    void serve(String version) throws Exception {
        app.patchChannel(CHANNEL, version == null ? "{\"bundle\":null}" : "{\"bundle\":\"" + version + "\"}");
    }

    /**
     * What the app embeds: this server, the root public key, the content key; quick retries for tests, and an
     * app-ready timeout long enough for a healthy bundle on a loaded machine (tests of bundles that never confirm
     * set 1 s).
     */
    UpdaterConfig.Builder config(AutoUpdate mode) {
        return UpdaterConfig.builder(server.url(), appId, Ed25519.publicKey(keys().rootKey), keys().contentKey)
                .autoUpdate(mode).appReadyTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(2))
                .retryBaseDelay(Duration.ofMillis(50)).maxRetries(2);
    }

    AppPackage app(AutoUpdate mode) {
        return new AppPackage(appId, "1.0.0", 10000, builtin, config(mode).build());
    }

    AppPackage app(UnaryOperator<UpdaterConfig.Builder> tune) {
        return new AppPackage(appId, "1.0.0", 10000, builtin, tune.apply(config(AutoUpdate.AT_BACKGROUND)).build());
    }

    /** As {@link #app(AutoUpdate)} with a 1 s app-ready timeout, for bundles that never confirm. */
    AppPackage quickRollback(AutoUpdate mode) {
        return app(c -> c.autoUpdate(mode).appReadyTimeout(Duration.ofSeconds(1)));
    }

    /** A headless device (SIMULATED web layer: every bundle confirms itself unless told otherwise). */
    EmulatedDevice headless(AppPackage pkg) {
        return headless(pkg, Map.of());
    }

    EmulatedDevice headless(AppPackage pkg, Map<String, SimulatedBehaviour> behaviours) {
        EmulatedDevice d = EmulatedDevice.builder(dir.resolve("devices"), "sim-" + serials++).environment(env)
                .simulated(behaviours, SimulatedBehaviour.readyAfter(Duration.ZERO)).build();
        d.install(pkg);
        devices.add(d);
        return d;
    }

    /** A device with a real WebView (the bundles' own JS runs). */
    EmulatedDevice withWebView(AppPackage pkg) {
        EmulatedDevice d = EmulatedDevice.builder(dir.resolve("devices"), "emulator-" + (5554 + 2 * serials++))
                .environment(env).webView().build();
        d.install(pkg);
        devices.add(d);
        return d;
    }

    @Override
    public void close() {
        devices.forEach(EmulatedDevice::close);
        if (owner) {
            env.close();
            server.close();
        }
    }
}
