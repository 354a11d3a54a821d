package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.listCell;
import static dev.patchbay.console.FxLookups.onFx;
import static dev.patchbay.console.FxLookups.table;
import static dev.patchbay.console.FxLookups.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.cache.DeviceRow;
import dev.patchbay.console.emulator.DeviceItem;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.harness.DeviceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TableCell;
import javafx.scene.layout.StackPane;
import javafx.scene.web.WebView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * Emulated devices outlive the console (ADR 0109), headless: two devices are made on the Emulator page (one with the
 * real WebView, whose builtin page says its notifyAppReady went through, one simulated), the Emulator and the Devices page show the
 * same device id, the console quits and starts again on the same data folder, and both devices are back under the
 * same ids, stopped; the keys are locked, a bundle is published, and a cold start of a device from the earlier session
 * installs it (the content key it embeds came back with it).
 */
class EmulatorRestartUserPathTest extends ConsoleUserPath {
    private static final String PASS = "horse-staple";
    private static final String APP = "com.example.shop";

    @TempDir
    Path work;

    private void launch(FxRobot robot) throws Exception {
        launchOnSandbox(robot, fastKeyOptions());
    }

    @Test
    void emulatedDevicesComeBackAfterARestartUnderTheIdTheDevicesPageShows(FxRobot robot) throws Exception {
        launch(robot);
        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write(APP);
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> table(robot, "#apps-table").getItems().size() == 1);
        app.connection().session().client().createChannel(APP,
                ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID)));
        robot.clickOn("#nav-keys");
        waitUntil(() -> robot.lookup("#keys-create-form").query().isVisible());
        robot.clickOn("#keys-passphrase").write(PASS);
        robot.clickOn("#keys-confirm").write(PASS);
        robot.clickOn("#keys-create");
        waitUntil(() -> label(robot, "#keys-server-trust").getText().contains("is trusted"));

        // Two devices (autoUpdate always); the first is cold started on its builtin page.
        robot.clickOn("#nav-emulator");
        waitUntil(() -> label(robot, "#emulator-server-trust").getText().contains("is trusted"));
        robot.clickOn("#emulator-auto-update");
        robot.clickOn(listCell(robot, "always (install at once)"));
        robot.clickOn("#emulator-create");
        waitUntil(() -> table(robot, "#emulator-devices").getItems().size() == 1);
        robot.clickOn("#emulator-web-layer");
        robot.clickOn(listCell(robot, "Simulated (no JavaScript; every bundle is ready at once)"));
        robot.clickOn("#emulator-create");
        waitUntil(() -> table(robot, "#emulator-devices").getItems().size() == 2);
        List<String> ids = onFx(() -> app.emulator().devices().stream().map(DeviceItem::deviceId).toList());
        robot.interact(() -> app.emulator().selectedProperty().set(app.emulator().devices().get(0)));
        DeviceItem first = onFx(() -> app.emulator().selectedProperty().get());
        robot.clickOn("#emulator-cold-start");
        waitUntil(() -> label(robot, "#emulator-current").getText().startsWith("1.0.0 (builtin) – success"));
        // The generated builtin page stops saying "Starting…": the real bridge resolved its notifyAppReady.
        waitUntil(() -> {
            StackPane screen = robot.lookup("#emulator-screen").queryAs(StackPane.class);
            return screen.getChildren().size() == 1 && screen.getChildren().get(0) instanceof WebView w
                    && w == first.device().webView() && "notifyAppReady: ok".equals(w.getEngine().executeScript(
                    "document.getElementById('status') ? document.getElementById('status').textContent : ''"));
        });
        // The Emulator's table names each device by its device id…
        assertTrue(robot.lookup(".table-cell").queryAllAs(TableCell.class).stream()
                .anyMatch(c -> ids.get(0).equals(c.getText())), "the Emulator shows the device id " + ids.get(0));
        waitUntil(() -> label(robot, "#emulator-server-status").getText().startsWith("Device " + ids.get(0)));

        // …and the Devices page finds the device that checked in under that same id.
        robot.clickOn("#nav-devices");
        waitUntil(() -> !app.devices().syncingProperty().get());
        robot.clickOn("#devices-sync");
        waitUntil(() -> table(robot, "#devices-table").getItems().stream()
                .anyMatch(r -> ids.get(0).equals(((DeviceRow) r).deviceId())));

        // The first device goes offline with its clock a year ahead (the fault toggles): kept for the next session.
        robot.clickOn("#nav-emulator");
        robot.interact(() -> app.emulator().selectedProperty().set(app.emulator().devices().get(0)));
        FxLookups.reveal(robot, "#emulator-fault-offline");
        robot.clickOn("#emulator-fault-offline");
        FxLookups.reveal(robot, "#emulator-fault-clock");
        robot.clickOn("#emulator-fault-clock");
        Path manifest = first.device().folder().resolve("emulator.json");
        waitUntil(() -> {
            String m = Files.readString(manifest);
            return m.contains("\"offline\" : true") && m.contains("\"clockSkew\" : true");
        });

        // Quit and start again on the same data folder.
        FxToolkit.cleanupApplication(app);
        app.stopped().get(15, TimeUnit.SECONDS);
        app = null;
        launch(robot);
        robot.clickOn("#nav-emulator");
        waitUntil(() -> table(robot, "#emulator-devices").getItems().size() == 2);
        assertEquals(ids, onFx(() -> app.emulator().devices().stream().map(DeviceItem::deviceId).toList()));
        assertTrue(onFx(() -> app.emulator().devices().stream()
                .allMatch(d -> d.state().process() == DeviceState.ProcessState.STOPPED)));
        // The first device's toggles are as they were, and its faults are set again; the second has none.
        robot.interact(() -> app.emulator().selectedProperty().set(app.emulator().devices().get(0)));
        assertTrue(onFx(() -> app.emulator().offlineProperty().get() && app.emulator().clockSkewProperty().get()
                && !app.emulator().slowProperty().get()));
        DeviceItem restored = onFx(() -> app.emulator().devices().get(0));
        assertTrue(restored.device().faults().network().offline());
        assertEquals(Duration.ofDays(365), restored.device().faults().clockSkew());
        robot.interact(() -> app.emulator().selectedProperty().set(app.emulator().devices().get(1)));
        assertTrue(onFx(() -> !app.emulator().offlineProperty().get() && !app.emulator().clockSkewProperty().get()));
        assertTrue(!onFx(() -> app.emulator().devices().get(1)).device().faults().network().offline());

        // A bundle is published in the new session (the keys were locked by the restart: the form asks).
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

        // The second device, never started before the restart, checks and installs it.
        robot.clickOn("#nav-emulator");
        robot.interact(() -> app.emulator().selectedProperty().set(app.emulator().devices().get(1)));
        waitUntil(() -> label(robot, "#emulator-current").getText().startsWith("1.0.0 (builtin)"));
        robot.clickOn("#emulator-cold-start");
        waitUntil(() -> label(robot, "#emulator-current").getText().startsWith("1.0.1 – success"));
        // What the server knows of it, under the same id.
        waitUntil(() -> label(robot, "#emulator-server-status").getText().startsWith("Device " + ids.get(1))
                && label(robot, "#emulator-server-bundle").getText().startsWith("1.0.1"));
    }
}
