package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.onFx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.App;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Platform;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The user's path through the real console, headless: the Local sandbox (a real server on a free port, real H2),
 * real clicks and typing; then a restart with the same data folder; then the server goes away.
 */
class ConsoleUserPathTest extends ConsoleUserPath {
    private ConsoleApp launch() throws Exception {
        return launch(options());
    }

    private void restart() throws Exception {
        FxToolkit.cleanupApplication(app);
        app.stopped().get(15, TimeUnit.SECONDS);
        app = null;
        launch();
    }

    @Test
    void createAppAndChannelsThenRestartThenGoOffline(FxRobot robot) throws Exception {
        launch();
        waitUntil(() -> status(robot).startsWith("Connected to Local sandbox"));

        // An app, after a first attempt with an id that is not reverse-domain.
        robot.clickOn("#nav-apps");
        robot.clickOn("#app-new");
        robot.clickOn("#app-id").write("shop");
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        waitUntil(() -> label(robot, "#app-id-error").isVisible());
        assertTrue(label(robot, "#app-id-error").getText().contains("reverse-domain"), label(robot, "#app-id-error").getText());
        robot.doubleClickOn("#app-id").eraseText(10).write("com.example.shop");
        robot.clickOn("#app-save");
        waitUntil(() -> apps(robot).size() == 1);
        assertEquals("Shop", apps(robot).get(0).name());
        assertFalse(robot.lookup("#app-form").query().isVisible(), "form closes after saving");

        // Two channels for it; production is the Android default.
        robot.clickOn("#nav-channels");
        waitUntil(() -> appChoice(robot).getValue() != null);
        assertEquals("com.example.shop", appChoice(robot).getValue().id());
        robot.clickOn("#channel-new");
        robot.clickOn("#channel-name").write("production");
        // The app's first channel: already the default for what it serves, and the form says why.
        assertTrue(robot.lookup("#channel-default-android").queryAs(javafx.scene.control.CheckBox.class).isSelected());
        assertTrue(robot.lookup("#channel-default-ios").queryAs(javafx.scene.control.CheckBox.class).isSelected());
        assertTrue(label(robot, "#channel-default-hint").getText().startsWith("The app's first channel"));
        robot.clickOn("#channel-default-ios");
        robot.clickOn("#channel-save");
        waitUntil(() -> channels(robot).size() == 1);
        robot.clickOn("#channel-new");
        robot.clickOn("#channel-name").write("beta");
        robot.clickOn("#channel-self-assign");
        robot.clickOn("#channel-save");
        waitUntil(() -> channels(robot).size() == 2);
        assertEquals(Set.of(Platform.ANDROID), channel(robot, "production").defaultFor());
        assertTrue(channel(robot, "beta").allowDeviceSelfAssign());

        // Edit beta: it becomes the Android default (the server clears production's) and gets a description.
        robot.clickOn(cell(robot, "beta"));
        robot.clickOn("#channel-edit");
        robot.clickOn("#channel-default-android");
        FxLookups.reveal(robot, "#channel-description"); // the side form scrolls on a 720 px window
        robot.clickOn("#channel-description").write("Early adopters");
        robot.clickOn("#channel-save");
        waitUntil(() -> channels(robot).size() == 2 && "Early adopters".equals(channel(robot, "beta").description()));
        waitUntil(() -> channel(robot, "production").defaultFor().isEmpty());
        assertEquals(Set.of(Platform.ANDROID), channel(robot, "beta").defaultFor());

        // Close and reopen the console: same page, same data.
        restart();
        waitUntil(() -> status(robot).startsWith("Connected to Local sandbox"));
        waitUntil(() -> channels(robot).size() == 2);
        assertEquals("com.example.shop", appChoice(robot).getValue().id());
        assertEquals("Early adopters", channel(robot, "beta").description());

        // The server goes away: F5 finds it gone; the console says so and keeps the cached list, read-only.
        app.sandbox().close();
        robot.clickOn("#channels-table");
        robot.type(KeyCode.F5);
        waitUntil(() -> robot.lookup("#offline-notice").query().isVisible());
        assertTrue(status(robot).startsWith("Offline since"), status(robot));
        assertTrue(status(robot).contains("showing cached data from"), status(robot));
        assertTrue(label(robot, "#offline-notice").getText().contains("cannot be reached"), label(robot, "#offline-notice").getText());
        assertEquals(2, channels(robot).size());
        assertTrue(button(robot, "#channel-new").isDisabled());
        assertTrue(button(robot, "#channel-edit").isDisabled());
        String since = status(robot);
        robot.clickOn("#offline-retry");
        waitUntil(() -> label(robot, "#status-task").getText().isEmpty());
        assertEquals(since, status(robot), "still offline, since the same time");
        robot.clickOn("#nav-apps");
        assertEquals(List.of("com.example.shop"), apps(robot).stream().map(App::id).toList());
        assertTrue(button(robot, "#app-new").isDisabled());
        assertTrue(label(robot, "#apps-read-only").getText().startsWith("Offline"));
    }

    @Test
    void emptyPagesOfflineInviteNoActionThatIsDisabled(FxRobot robot) throws Exception {
        launch();
        waitUntil(() -> status(robot).startsWith("Connected to Local sandbox"));
        robot.clickOn("#nav-apps");
        waitUntil(() -> placeholder(robot, "#apps-table").startsWith("No apps yet. Next step: New app"));

        // Offline with an empty list fetched earlier: the Apps page says so, and names no disabled action.
        app.sandbox().close();
        robot.clickOn("#apps-table");
        robot.type(KeyCode.F5);
        waitUntil(() -> status(robot).startsWith("Offline since"));
        assertTrue(button(robot, "#app-new").isDisabled());
        waitUntil(() -> placeholder(robot, "#apps-table").startsWith("No apps on this server when last connected"));
        assertOfflineText(placeholder(robot, "#apps-table"));
        for (String page : List.of("channels", "bundles", "devices")) {
            robot.clickOn("#nav-" + page);
            waitUntil(() -> robot.lookup("#" + page + "-table").tryQuery().isPresent());
            assertOfflineText(placeholder(robot, "#" + page + "-table"));
        }
        robot.clickOn("#nav-overview");
        waitUntil(() -> robot.lookup("#overview-empty").tryQuery().isPresent()
                && !label(robot, "#overview-empty").getText().equals("Loading…"));
        assertOfflineText(label(robot, "#overview-empty").getText());

        // An app without channels, bundles or devices, its pages seen while connected, then offline.
        restart();
        waitUntil(() -> status(robot).startsWith("Connected to Local sandbox"));
        app.connection().session().client().createApp("com.example.shop", "Shop");
        robot.clickOn("#nav-apps");
        robot.clickOn("#apps-table");
        robot.type(KeyCode.F5);
        waitUntil(() -> apps(robot).size() == 1);
        robot.clickOn("#nav-channels");
        waitUntil(() -> placeholder(robot, "#channels-table").startsWith("No channels yet. Next step"));
        robot.clickOn("#nav-bundles");
        waitUntil(() -> placeholder(robot, "#bundles-table").startsWith("No bundles yet. Next step"));
        app.sandbox().close();
        robot.clickOn("#bundles-table");
        robot.type(KeyCode.F5);
        waitUntil(() -> status(robot).startsWith("Offline since"));
        waitUntil(() -> placeholder(robot, "#bundles-table").equals("Bundles are shown only while connected."));
        for (String page : List.of("channels", "devices")) {
            robot.clickOn("#nav-" + page);
            waitUntil(() -> robot.lookup("#" + page + "-table").tryQuery().isPresent()
                    && !placeholder(robot, "#" + page + "-table").startsWith("Syncing"));
            String text = placeholder(robot, "#" + page + "-table");
            assertOfflineText(text);
            assertTrue(page.equals("channels") ? text.startsWith("No channels when last connected")
                    : text.startsWith("No devices cached that match")
                    || text.equals(dev.patchbay.console.common.AppSelector.noAppText(true)), text);
        }
    }

    /** An offline page's empty text: no invitation to an action that is disabled while offline. */
    private static void assertOfflineText(String text) {
        for (String invite : List.of("Next step", "Ctrl+N", "New app", "New channel", "reate one", "Loading")) {
            assertFalse(text.contains(invite), "offline, the page says: " + text);
        }
    }

    private static String placeholder(FxRobot robot, String table) throws Exception {
        return onFx(() -> ((Label) robot.lookup(table).queryAs(TableView.class).getPlaceholder()).getText());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private void waitUntil(Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> {
                WaitForAsyncUtils.waitForFxEvents();
                return onFx(condition);
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Condition not met in time; status bar: '"
                    + onFx(() -> new FxRobot().lookup("#status-connection").queryAs(Label.class).getText())
                    + "', task: '" + onFx(() -> new FxRobot().lookup("#status-task").queryAs(Label.class).getText()) + "'"
                    + ", pages shown: " + onFx(() -> new FxRobot().lookup(".page").queryAll().stream().map(Node::getId).toList())
                    + ", app choice: " + onFx(() -> appChoice(new FxRobot()).getValue() + " of " + appChoice(new FxRobot()).getItems())
                    + ", channels: " + onFx(() -> channels(new FxRobot()))
                    + ", settings: " + java.nio.file.Files.readString(home.resolve("settings.json")), e);
        }
    }

    private static String status(FxRobot robot) throws Exception {
        return onFx(() -> label(robot, "#status-connection").getText());
    }

    private static Button button(FxRobot robot, String id) {
        return robot.lookup(id).queryButton();
    }

    @SuppressWarnings("unchecked")
    private static List<App> apps(FxRobot robot) {
        return List.copyOf(((TableView<App>) robot.lookup("#apps-table").query()).getItems());
    }

    @SuppressWarnings("unchecked")
    private static ComboBox<App> appChoice(FxRobot robot) {
        return robot.lookup("#channel-app").queryAs(ComboBox.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Channel> channels(FxRobot robot) {
        return List.copyOf(((TableView<Channel>) robot.lookup("#channels-table").query()).getItems());
    }

    private static Channel channel(FxRobot robot, String name) {
        return channels(robot).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static Node cell(FxRobot robot, String text) {
        return robot.from(robot.lookup("#channels-table").<Node>query()).lookup(".table-cell")
                .match((Node n) -> n instanceof javafx.scene.control.Labeled l && text.equals(l.getText())).query();
    }
}
