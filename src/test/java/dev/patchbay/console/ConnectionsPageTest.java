package dev.patchbay.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.SettingsStore;
import dev.patchbay.domain.App;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Adding a remote server on the Connections page, testing it, switching to it and back. Two real servers. */
class ConnectionsPageTest extends ConsoleUserPath {
    @TempDir
    Path remoteDir;

    private PatchbayServer remote;
    private String remoteKey;

    @BeforeEach
    void launch() throws Exception {
        remote = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, remoteDir));
        remoteKey = Files.readString(remote.adminApiKeyFile()).strip();
        PatchbayClient.connect(remote.url(), remoteKey).createApp("com.example.remote", "Remote app");
        launch(options());
        waitUntil(() -> text("#status-connection").startsWith("Connected to Local sandbox"));
    }

    /** The remote server stops after the console that is connected to it. */
    @AfterEach
    @Override
    void closeConsole() throws Exception {
        super.closeConsole();
        remote.close();
    }

    @Test
    void addTestAndSwitchToARemoteServer(FxRobot robot) throws Exception {
        robot.clickOn("#nav-connections");
        robot.clickOn("#connection-add");
        robot.clickOn("#connection-name").write("Staging");
        replaceText(robot, "#connection-url", "not a url");
        robot.clickOn("#connection-save");
        waitUntil(() -> robot.lookup("#connection-url-error").query().isVisible());
        assertTrue(text("#connection-url-error").contains("http"), text("#connection-url-error"));

        replaceText(robot, "#connection-url", remote.url());
        // Keys are pasted, as users do.
        WaitForAsyncUtils.asyncFx(() -> javafx.scene.input.Clipboard.getSystemClipboard()
                .setContent(java.util.Map.of(javafx.scene.input.DataFormat.PLAIN_TEXT, remoteKey))).get();
        robot.clickOn("#connection-api-key").press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.V)
                .release(javafx.scene.input.KeyCode.CONTROL);
        robot.clickOn("#connection-test");
        waitUntil(() -> text("#connection-test-result").startsWith("Connection works"));
        robot.clickOn("#connection-save");
        waitUntil(() -> connections(robot).size() == 2);
        assertFalse(Files.readString(home.resolve(SettingsStore.FILE)).contains(remoteKey), "key stays out of settings.json");
        assertTrue(Files.readString(home.resolve(SecretStore.FILE)).contains(remoteKey));

        robot.doubleClickOn("Staging  —  " + remote.url());
        waitUntil(() -> text("#status-connection").startsWith("Connected to Staging"));
        robot.clickOn("#nav-apps");
        waitUntil(() -> apps(robot).stream().map(App::id).toList().equals(List.of("com.example.remote")));

        robot.clickOn("#nav-connections");
        robot.doubleClickOn("Local sandbox  —  127.0.0.1, in this console");
        waitUntil(() -> text("#status-connection").startsWith("Connected to Local sandbox"));
        robot.clickOn("#nav-apps");
        waitUntil(() -> apps(robot).isEmpty());
        assertEquals(0, apps(robot).size());
    }

    private static void replaceText(FxRobot robot, String id, String text) {
        robot.clickOn(id).press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.A)
                .release(javafx.scene.input.KeyCode.CONTROL).write(text);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> connections(FxRobot robot) {
        return List.copyOf(((ListView<Object>) robot.lookup("#connections-list").query()).getItems());
    }

    @SuppressWarnings("unchecked")
    private static List<App> apps(FxRobot robot) {
        return List.copyOf(((TableView<App>) robot.lookup("#apps-table").query()).getItems());
    }

    private static String text(String id) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> new FxRobot().lookup(id).queryAs(Label.class).getText()).get(5, TimeUnit.SECONDS);
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> {
                WaitForAsyncUtils.waitForFxEvents();
                return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Not met in time; status: '" + text("#status-connection") + "', test result: '"
                    + text("#connection-test-result") + "', url: '" + WaitForAsyncUtils.asyncFx(() -> new FxRobot()
                    .lookup("#connection-url").queryAs(javafx.scene.control.TextField.class).getText()).get() + "'", e);
        }
    }
}
