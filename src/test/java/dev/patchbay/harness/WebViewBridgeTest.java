package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.Json;
import dev.patchbay.updater.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * The real WebView's machinery under headless Monocle: pages served over a loopback origin with the injected bridge,
 * JS calls answered off the FX thread and attributed to their page's generation, events reaching JS listeners.
 * (The updater's own decisions on those calls are covered by the scenario tests with the real runtime.)
 */
class WebViewBridgeTest {
    @TempDir
    Path dir;
    EmulatedDevice device;
    RecordingRuntime runtime;

    @BeforeAll
    static void fx() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    static final String PAGE = """
            <!doctype html><html><head><title>%s</title></head><body>
            <script>
              var U = Capacitor.Plugins.CapacitorUpdater;
              U.addListener('download', function (e) { U.notifyAppReady({seen: e.percent}); });
              U.getDeviceId().then(function (r) {
                console.log('device ' + r.deviceId);
                return U.delete({id: 'x'});
              }).catch(function (e) {
                console.log('delete failed: ' + e.message);
                U.notifyAppReady({page: '%s'});
              });
            </script></body></html>
            """;

    Path site(String name) throws Exception {
        Path d = dir.resolve("sites").resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("index.html"), PAGE.formatted(name, name));
        return d;
    }

    @Test
    void pagesTalkToTheRuntimeThroughTheBridgeAttributedToTheirOwnPage() throws Exception {
        device = EmulatedDevice.builder(dir.resolve("devices"), "emulator-5554").webView()
                .runtime((ports, config, log) -> runtime = new RecordingRuntime(ports, config, log)).build();
        byte[] key = new byte[32];
        device.install(new AppPackage("com.example.shop", "1.0.0", 100, site("builtin"),
                UpdaterConfig.builder("http://127.0.0.1:9", "com.example.shop", key, key).build()));
        device.coldStart();
        device.awaitLog("console.log: delete failed: cannot delete the current bundle", Duration.ofSeconds(20));
        device.awaitLog("page 1 notifyAppReady ->", Duration.ofSeconds(20));
        assertTrue(device.origin().startsWith("http://127.0.0.1:"), device.origin());
        assertEquals(List.of("getDeviceId", "delete", "notifyAppReady"),
                runtime.calls.stream().map(RecordingRuntime.Call::method).toList());
        runtime.calls.forEach(c -> assertNull(c.basePath(), "builtin page calls carry the builtin path"));
        runtime.calls.forEach(c -> assertFalse(c.thread().contains("JavaFX"), "ran on " + c.thread()));
        device.await(s -> s.page() != null && s.page().loaded(), Duration.ofSeconds(5));
        assertTrue(runtime.lifecycle.containsAll(List.of("load", "foreground", "pageLoaded builtin")),
                runtime.lifecycle.toString());

        // The runtime switches to a bundle folder: the new page's calls carry the new path.
        Path bundle = device.filesFolder().resolve("versions/AbCdEfGhIj");
        Files.createDirectories(bundle);
        Files.writeString(bundle.resolve("index.html"), PAGE.formatted("bundle", "bundle"));
        runtime.calls.clear();
        runtime.switchTo(bundle.toString());
        device.awaitLog("page 2 notifyAppReady", Duration.ofSeconds(20));
        RecordingRuntime.Call ready = runtime.calls.stream().filter(c -> c.method().equals("notifyAppReady"))
                .findFirst().orElseThrow();
        assertEquals(bundle.toString(), ready.basePath());
        assertEquals("bundle", ready.args().path("page").asText());

        // Events reach the page's JS listeners.
        runtime.emit("download", Json.mapper().createObjectNode().put("percent", 40));
        device.await(s -> runtime.calls.stream().anyMatch(c -> c.args().path("seen").asInt() == 40),
                Duration.ofSeconds(10));

        // A cold start reads the persisted path and serves the bundle again.
        device.kill();
        assertEquals(DeviceState.ProcessState.STOPPED, device.state().process());
        device.coldStart();
        assertEquals(bundle.toString(), device.state().serverBasePath());
        device.await(s -> s.page() != null && s.page().loaded() && bundle.toString().equals(s.page().basePath()),
                Duration.ofSeconds(20));
    }

    static final String BAD = """
            <!doctype html><html><head><title>bad</title></head><body><script>
              var C = Capacitor;
              function rec(name, p) {
                return p.then(function (v) { console.log(name + ' ok ' + JSON.stringify(v)); },
                    function (e) { console.log(name + ' rejected ' + e.code + ' ' + e.message); });
              }
              androidBridge.postMessage('not json at all');
              androidBridge.postMessage('[1,2,3]');
              androidBridge.postMessage(JSON.stringify({callbackId: '-1', options: {}}));
              Promise.resolve()
                .then(function () { return rec('unknownPlugin', C.nativePromise('NoSuchPlugin', 'doIt', {})); })
                .then(function () { return rec('unknownMethod', C.nativePromise('CapacitorUpdater', 'noSuchMethod')); })
                .then(function () {
                  return rec('huge', C.nativePromise('CapacitorUpdater', 'setCustomId',
                      {customId: new Array(1100000).join('x')}));
                })
                .then(function () { return rec('throws', C.nativePromise('CapacitorUpdater', 'cancelDelay', {})); })
                .then(function () { return rec('preview', C.Plugins.CapacitorUpdater.startPreviewSession({})); })
                .then(function () { return rec('ready', C.Plugins.CapacitorUpdater.notifyAppReady()); });
            </script></body></html>
            """;

    /** Malformed messages, unknown plugins and methods, huge payloads and a throwing runtime: clear errors, no crash. */
    @Test
    void badBridgeMessagesGetClearErrorsAndNeverReachOrCrashTheRuntime() throws Exception {
        device = EmulatedDevice.builder(dir.resolve("devices"), "emulator-5556").webView()
                .runtime((ports, config, log) -> runtime = new RecordingRuntime(ports, config, log)).build();
        Path site = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(site.resolve("index.html"), BAD);
        byte[] key = new byte[32];
        device.install(new AppPackage("com.example.shop", "1.0.0", 100, site,
                UpdaterConfig.builder("http://127.0.0.1:9", "com.example.shop", key, key).build()));
        device.coldStart();
        device.awaitLog("console.log: ready ok", Duration.ofSeconds(30));
        String log = device.log().stream().map(LogEntry::message).reduce("", (a, b) -> a + "\n" + b);
        assertTrue(log.contains("sent a bridge message that is not JSON; ignored: not json at all"), log);
        assertTrue(log.contains("sent a bridge message that is not a JSON object; ignored: [1,2,3]"), log);
        assertTrue(log.contains("sent a bridge message without pluginId or methodName"), log);
        assertTrue(log.contains("console.log: unknownPlugin rejected UNIMPLEMENTED \"NoSuchPlugin\" plugin is not "
                + "implemented on android"), log);
        assertTrue(log.contains("console.log: unknownMethod rejected UNIMPLEMENTED CapacitorUpdater.noSuchMethod() "
                + "is not a method of the updater plugin"), log);
        assertTrue(log.contains("console.log: huge rejected INVALID_ARGUMENT the bridge message is larger than"),
                log);
        assertTrue(log.contains("console.log: throws rejected undefined a runtime bug in cancelDelay"), log);
        assertTrue(log.contains("console.log: preview rejected UNIMPLEMENTED CapacitorUpdater.startPreviewSession()"
                + " is not implemented on android: preview"), log);
        assertEquals(List.of("cancelDelay", "notifyAppReady"),
                runtime.calls.stream().map(RecordingRuntime.Call::method).toList(),
                "only well-formed calls of known methods reach the runtime");
        assertEquals(DeviceState.ProcessState.FOREGROUND, device.state().process());
    }
}
