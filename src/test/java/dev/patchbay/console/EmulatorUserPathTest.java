package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.listCell;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.Device;
import dev.patchbay.console.emulator.DeviceItem;
import dev.patchbay.console.emulator.EmulatorViewModel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.harness.DeviceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import javafx.scene.layout.StackPane;
import javafx.scene.web.WebView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * From an empty console to an emulated phone running a published bundle, headless: create an app and its keys
 * (which trusts the sandbox server at once), publish a bundle whose page calls notifyAppReady to the
 * Android default channel, create a device on the Emulator page (autoUpdate always, the real WebView), cold start
 * it, and see the device on the new bundle in state success, on the page and in the server's device API.
 */
class EmulatorUserPathTest extends ConsoleUserPath {
    private static final String PASS = "horse-staple";
    private static final String APP = "com.example.shop";

    @TempDir
    Path work;

    @Test
    void aPublishedBundleReachesAnEmulatedPhone(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());

        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write(APP);
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);
        // The channel phones get by default (the Channels page form is covered by ConsoleUserPathTest).
        app.connection().session().client().createChannel(APP,
                ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID)));

        // Keys: creating them on the Local sandbox registers trust and certifies the sandbox at once (no extra step).
        robot.clickOn("#nav-keys");
        waitUntil(() -> robot.lookup("#keys-create-form").query().isVisible());
        robot.clickOn("#keys-passphrase").write(PASS);
        robot.clickOn("#keys-confirm").write(PASS);
        robot.clickOn("#keys-create");
        waitUntil(() -> label(robot, "#keys-root-id").getText().length() == 16);
        waitUntil(() -> label(robot, "#keys-server-trust").getText().contains("is trusted"));
        assertTrue(label(robot, "#keys-server-trust").getGraphic().isVisible(), "the ✓ comes with its sentence");

        // Bundles: a page that tells the updater it started well.
        Path www = Files.createDirectories(work.resolve("www"));
        Files.writeString(www.resolve("index.html"), """
                <!doctype html><html><head><title>Shop 1.0.1</title></head><body><h1>Shop 1.0.1</h1>
                <script>Capacitor.Plugins.CapacitorUpdater.notifyAppReady();</script></body></html>
                """);
        robot.clickOn("#nav-bundles");
        waitUntil(() -> label(robot, "#bundles-fetched-at").getText().startsWith("Fetched"));
        robot.interact(() -> app.bundles().publishForm().startPublish(www));
        waitUntil(() -> robot.lookup("#bundle-form").query().isVisible());
        robot.doubleClickOn("#bundle-version").eraseText(10).write("1.0.1");
        robot.clickOn("#bundle-channel");
        robot.clickOn(listCell(robot, "production"));
        robot.clickOn("#bundle-passphrase").write(PASS);
        robot.clickOn("#bundle-publish");
        waitUntil(() -> table(robot, "#bundles-table").getItems().size() == 1);
        assertEquals(java.util.List.of("production"),
                app.connection().session().client().getBundle(APP, "1.0.1").channels());

        // Emulator: a phone with autoUpdate always, cold started.
        robot.clickOn("#nav-emulator");
        waitUntil(() -> label(robot, "#emulator-server-trust").getText().contains("is trusted"));
        robot.clickOn("#emulator-auto-update");
        robot.clickOn(listCell(robot, "always (install at once)"));
        robot.clickOn("#emulator-create");
        waitUntil(() -> table(robot, "#emulator-devices").getItems().size() == 1
                && label(robot, "#emulator-current").getText().startsWith("1.0.0 (builtin)"));
        robot.clickOn("#emulator-cold-start");
        waitUntil(() -> label(robot, "#emulator-current").getText().startsWith("1.0.1 – success"));

        EmulatorViewModel vm = app.emulator();
        DeviceItem device = onFx(() -> vm.selectedProperty().get());
        assertTrue(onFx(() -> vm.state().bundles().stream().anyMatch(r -> r.version().equals("1.0.1")
                && r.status().equals("success") && r.role().contains("current"))));
        // The screen is the device's own WebView, showing the bundle.
        waitUntil(() -> {
            StackPane screen = robot.lookup("#emulator-screen").queryAs(StackPane.class);
            return screen.getChildren().size() == 1 && screen.getChildren().get(0) instanceof WebView w
                    && w == device.device().webView() && "Shop 1.0.1".equals(w.getEngine().getTitle());
        });
        DeviceState state = device.device().state();
        assertEquals("1.0.1", state.page().version());
        // The log pane shows the device's log, newest last.
        waitUntil(() -> robot.lookup("#emulator-log").queryListView().getItems() == (Object) device.log()
                && device.log().stream().anyMatch(e -> e.message().contains("notifyAppReady")));

        // What the server knows, on the page and through the device API.
        // The runtime reports app_ready as soon as the bundle confirmed itself: no lifecycle change needed.
        waitUntil(() -> label(robot, "#emulator-server-bundle").getText().startsWith("1.0.1")
                && label(robot, "#emulator-server-bundles").getText().contains("1.0.1 success"));
        assertEquals("production (default)", label(robot, "#emulator-server-channel").getText());
        String deviceId = device.device().readPrefs("CapacitorUpdater").get("deviceId");
        Device server = app.connection().session().client().device(APP, deviceId);
        assertEquals("1.0.1", server.currentBundle());
        assertEquals("success", server.bundles().stream().filter(b -> b.bundle().equals("1.0.1")).findFirst()
                .orElseThrow().state());
        assertEquals("production", server.channel());
    }
}
