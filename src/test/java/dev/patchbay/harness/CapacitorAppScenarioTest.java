package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.showing;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.harness.CapacitorApps.Flavour;
import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testfx.api.FxToolkit;

/**
 * Unmodified Capacitor apps in the emulator: web apps built by npm and Vite from the published {@code @capacitor/core}
 * (7 and 8) and the reference updater plugin's JS ({@link CapacitorApps}), run in the real WebView (headless Monocle)
 * against the real server and runtime. The app only talks to {@code @capgo/capacitor-updater}; that its calls reach
 * the runtime is the Capacitor Android bridge the device injects.
 */
class CapacitorAppScenarioTest {
    @TempDir
    static Path dir;
    static DeviceLab server;
    DeviceLab lab;

    @BeforeAll
    static void start() throws Exception {
        CapacitorApps.npm();
        FxToolkit.registerPrimaryStage();
        server = new DeviceLab(dir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void app() throws Exception {
        lab = server.newApp();
    }

    @AfterEach
    void devices() {
        lab.close();
    }

    Path app(Flavour f, String name, String scenario) throws Exception {
        return CapacitorApps.site(f, Files.createDirectories(lab.dir.resolve("apps").resolve(name)), scenario);
    }

    /**
     * The builtin app registers its listeners, hears a release download ({@code download} progress, then
     * {@code updateAvailable}), and the release's own {@code notifyAppReady()} confirms it.
     */
    @ParameterizedTest
    @EnumSource(Flavour.class)
    void theAppsOwnNotifyAppReadyConfirmsTheReleaseAndItsListenersHearTheDownload(Flavour f) throws Exception {
        Path builtin = app(f, "builtin", "{\"version\": \"1.0.0\", \"ready\": true}");
        EmulatedDevice d = lab.withWebView(lab.app(AutoUpdate.ALWAYS).withWebAssets(builtin));
        d.coldStart();
        d.awaitLog("console.log: [app] start 1.0.0 android true", Await.LONG);
        d.awaitLog("console.log: [app] ready 1.0.0 success", Await.LONG);
        d.awaitLog("console.log: [app] done", Await.LONG);
        d.updater().awaitIdle(Duration.ofSeconds(10));

        lab.release(app(f, "v110", "{\"version\": \"1.1.0\", \"ready\": true}"), "1.1.0", 1);
        d.updater().triggerUpdateCheck();
        d.awaitLog("console.log: [app] download 100 1.1.0", Await.LONG);
        d.awaitLog("console.log: [app] updateAvailable 1.1.0", Await.LONG);
        DeviceState s = until(d, current("1.1.0", "success").and(showing("1.1.0")));
        d.awaitLog("console.log: [app] ready 1.1.0 success", Await.LONG);
        assertTrue(s.page().url().startsWith(d.origin()), s.page().url());
        assertTrue(d.log().stream().anyMatch(e -> e.message().equals("console.log: [app] download 0 1.1.0 (page 1)")),
                "download progress starts at 0");
        assertTrue(d.log().stream().anyMatch(e -> e.message().contains("event appReady")
                && e.message().contains("\"version\":\"1.1.0\"")), "the runtime heard the app's own call");
    }

    /** getLatest / download / next / set from the app's JS install a release with auto-update off. */
    @Test
    void theAppsJsDrivesAManualUpdate() throws Exception {
        Flavour f = Flavour.CAPACITOR_7;
        lab.release(app(f, "v110", "{\"version\": \"1.1.0\", \"ready\": true}"), "1.1.0", 1);
        Path builtin = app(f, "builtin", "{\"version\": \"1.0.0\", \"ready\": true, \"manual\": true}");
        EmulatedDevice d = lab.withWebView(lab.app(AutoUpdate.OFF).withWebAssets(builtin));
        d.coldStart();
        d.awaitLog("console.log: [app] latest 1.1.0", Await.LONG);
        d.awaitLog("console.log: [app] downloaded 1.1.0 pending", Await.LONG);
        d.awaitLog("console.log: [app] next 1.1.0", Await.LONG);
        until(d, current("1.1.0", "success").and(showing("1.1.0")));
        d.awaitLog("console.log: [app] ready 1.1.0 success", Await.LONG);
    }

    /** setChannel to a channel devices may pick changes what this device gets. */
    @Test
    void setChannelFromTheAppMovesTheDeviceToThatChannelsRelease() throws Exception {
        Flavour f = Flavour.CAPACITOR_8;
        lab.app.channel("{\"name\": \"beta\", \"allowDeviceSelfAssign\": true}");
        lab.publish(app(f, "v130", "{\"version\": \"1.3.0\", \"ready\": true}"), "1.3.0", 1);
        lab.app.patchChannel("beta", "{\"bundle\": \"1.3.0\"}");
        Path builtin = app(f, "builtin", "{\"version\": \"1.0.0\", \"ready\": true, \"channel\": \"beta\"}");
        EmulatedDevice d = lab.withWebView(lab.app(AutoUpdate.ALWAYS).withWebAssets(builtin));
        d.coldStart();
        d.awaitLog("console.log: [app] channel ok beta", Await.LONG);
        d.awaitLog("console.log: [app] getChannel beta", Await.LONG);
        until(d, current("1.3.0", "success").and(showing("1.3.0")));
        d.awaitLog("console.log: [app] start 1.3.0 android true", Await.LONG);
    }

    /**
     * The old app page keeps calling notifyAppReady while the runtime switches to 1.2.0, whose app never calls it:
     * the old page's calls do not confirm 1.2.0, which is rolled back at its timeout, saying why.
     */
    @Test
    void anOldPagesCallsDoNotConfirmANeverReadyRelease() throws Exception {
        Flavour f = Flavour.CAPACITOR_8;
        Path builtin = app(f, "builtin", "{\"version\": \"1.0.0\", \"spam\": true, \"probe\": [\"getFailedUpdate\"]}");
        EmulatedDevice d = lab.withWebView(lab.app(c -> c.autoUpdate(AutoUpdate.ALWAYS)
                .appReadyTimeout(Duration.ofSeconds(1))).withWebAssets(builtin));
        d.coldStart();
        until(d, showing("1.0.0"));
        d.awaitLog("page 1 calls notifyAppReady", Await.LONG);
        d.updater().awaitIdle(Duration.ofSeconds(10));
        lab.release(app(f, "v120", "{\"version\": \"1.2.0\"}"), "1.2.0", 2);
        d.onLog(e -> {
            if (e.message().startsWith("setServerBasePath(files/")) {
                javafx.application.Platform.runLater(() -> d.webView().getEngine()
                        .executeScript("Capacitor.Plugins.CapacitorUpdater.notifyAppReady();"));
            }
        });
        d.updater().triggerUpdateCheck();
        d.awaitLog("console.log: [app] start 1.2.0 android true", Await.LONG);
        assertTrue(d.log().stream().anyMatch(e -> e.source().equals("js") && e.message().startsWith("page 1 ")
                && e.message().contains("notifyAppReady") && e.at().isAfter(WebViewScenarioTest.switchedAt(d))),
                "the old page called notifyAppReady after the switch to 1.2.0 began");
        DeviceState s = until(d, current("1.0.0", "success").and(showing("1.0.0")));
        assertEquals("builtin", s.current().id());
        assertNull(s.bundle("1.2.0"), "a failed bundle is deleted: " + s.bundles());
        assertTrue(d.log().stream().anyMatch(e -> e.message().contains("event updateFailed")
                && e.message().contains("notifyAppReady was not called")), "rolled back for the right reason");
        assertTrue(d.log().stream().noneMatch(e -> e.message().contains("event appReady")
                && e.message().contains("\"version\":\"1.2.0\"")), "never confirmed by the old page");
        d.awaitLog("console.log: [app] probe getFailedUpdate {\"bundle\":{\"id\":", Await.LONG);
        assertTrue(d.log().stream().anyMatch(e -> e.message().startsWith("console.log: [app] probe getFailedUpdate")
                && e.message().contains("\"version\":\"1.2.0\"") && e.message().contains("\"status\":\"error\"")),
                "the reloaded app learns which update failed");
    }

    /**
     * The plugin's methods beyond install and confirm answer with the reference shapes; the methods that make no
     * sense here reject with Capacitor's UNIMPLEMENTED code naming the method, or say why they are refused.
     */
    @Test
    void theRestOfThePluginApiAnswersOrSaysWhyNot() throws Exception {
        Flavour f = Flavour.CAPACITOR_7;
        lab.app.channel("{\"name\": \"beta\", \"allowDeviceSelfAssign\": true}");
        lab.app.channel("{\"name\": \"internal\"}");
        Path builtin = app(f, "builtin", "{\"version\": \"1.0.0\", \"ready\": true, \"channel\": \"internal\","
                + " \"probe\": [\"getPluginVersion\", \"isAutoUpdateEnabled\", \"isAutoUpdateAvailable\","
                + " \"getAppId\", \"getBuiltinVersion\", \"listChannels\", \"getFailedUpdate\", \"setUpdateUrl\","
                + " \"startPreviewSession\", \"getAppUpdateInfo\", \"noSuchMethod\"]}");
        EmulatedDevice d = lab.withWebView(lab.app(AutoUpdate.OFF).withWebAssets(builtin));
        d.coldStart();
        d.awaitLog("console.log: [app] done", Await.LONG);
        java.util.List<String> lines = d.log().stream().map(LogEntry::message)
                .filter(m -> m.startsWith("console.log: [app] ")).toList();
        String all = String.join("\n", lines);
        assertTrue(all.contains("[app] probe getPluginVersion {\"version\":\"" + dev.patchbay.updater.Updater.RUNTIME_VERSION
                + "\"}"), all);
        assertTrue(all.contains("[app] probe isAutoUpdateEnabled {\"enabled\":false}"), all);
        assertTrue(all.contains("[app] probe isAutoUpdateAvailable {\"available\":true}"), all);
        assertTrue(all.contains("[app] probe getAppId {\"appId\":\"" + lab.appId + "\"}"), all);
        assertTrue(all.contains("[app] probe getBuiltinVersion {\"version\":\"1.0.0\"}"), all);
        assertTrue(all.contains("[app] probe listChannels {\"channels\":[{\"id\":\"beta\",\"name\":\"beta\","
                + "\"public\":false,\"allow_self_set\":true}]}"), all);
        assertTrue(all.contains("[app] probe getFailedUpdate undefined"), all);
        assertTrue(all.contains("[app] probe setUpdateUrl rejected not_allowed CapacitorUpdater.setUpdateUrl() is refused"),
                all);
        assertTrue(all.contains("[app] probe startPreviewSession rejected UNIMPLEMENTED "
                + "CapacitorUpdater.startPreviewSession() is not implemented on android"), all);
        assertTrue(all.contains("[app] probe getAppUpdateInfo rejected UNIMPLEMENTED"), all);
        assertTrue(all.contains("[app] probe noSuchMethod rejected UNIMPLEMENTED"), all);
        assertTrue(all.contains("[app] channel error internal"), "a private channel is refused: " + all);
        assertTrue(d.log().stream().anyMatch(e -> e.message().startsWith("event channelPrivate")
                && e.message().contains("internal")), "channelPrivate is emitted");
    }
}
