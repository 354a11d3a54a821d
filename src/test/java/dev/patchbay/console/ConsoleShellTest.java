package dev.patchbay.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.settings.SettingsStore;
import dev.patchbay.domain.Channel;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The shell: title, sidebar, keyboard shortcuts, theme, delete with confirmation. Real sandbox, headless. */
class ConsoleShellTest extends ConsoleUserPath {
    @BeforeEach
    void launch() throws Exception {
        launch(options());
        waitUntil(() -> label("#status-connection").getText().startsWith("Connected"));
    }

    @Test
    void windowSidebarAndShortcuts(FxRobot robot) throws Exception {
        Stage stage = (Stage) robot.lookup("#main-window").query().getScene().getWindow();
        assertEquals("Patchbay", stage.getTitle());
        long iconFiles = java.util.stream.IntStream.of(16, 32, 48, 64, 128, 256)
                .filter(n -> ConsoleShellTest.class.getResource("/dev/patchbay/icons/patchbay-" + n + ".png") != null).count();
        assertEquals(iconFiles, stage.getIcons().size(), "one window icon per icon resource");
        List<String> nav = robot.lookup("#sidebar").queryAs(javafx.scene.layout.VBox.class).getChildren().stream()
                .map(Node::getId).filter(id -> id != null && id.startsWith("nav-")).toList();
        assertEquals(List.of("nav-connections", "nav-apps", "nav-channels", "nav-bundles", "nav-keys",
                "nav-emulator", "nav-devices", "nav-overview", "nav-activity", "nav-api-keys"), nav);

        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT5).release(KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#keys-page").tryQuery().isPresent());
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT4).release(KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#bundles-page").tryQuery().isPresent());
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT0).release(KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#api-keys-page").tryQuery().isPresent());

        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT1).release(KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#connections-page").tryQuery().isPresent());
        assertTrue(robot.lookup("#nav-connections").queryAs(ToggleButton.class).isSelected());
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#apps-page").tryQuery().isPresent());

        // Ctrl+N opens the form of the page shown; Delete inside a text field edits the text.
        robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
        waitUntil(() -> robot.lookup("#app-form").query().isVisible());
        robot.clickOn("#app-id").write("com.example.shopx");
        robot.type(KeyCode.LEFT).type(KeyCode.DELETE);
        assertEquals("com.example.shop", robot.lookup("#app-id").queryAs(TextField.class).getText());
        robot.clickOn("#app-name").write("Shop").type(KeyCode.ENTER);
        waitUntil(() -> robot.lookup("#apps-table").queryAs(TableView.class).getItems().size() == 1);

        // Theme toggle, remembered in settings.json.
        assertTrue(javafx.application.Application.getUserAgentStylesheet().contains("primer-light"));
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT).type(KeyCode.T).release(KeyCode.SHIFT, KeyCode.CONTROL);
        waitUntil(() -> javafx.application.Application.getUserAgentStylesheet().contains("primer-dark"));
        waitUntil(() -> Files.exists(home.resolve(SettingsStore.FILE))
                && Files.readString(home.resolve(SettingsStore.FILE)).contains("\"dark\""));
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT).type(KeyCode.T).release(KeyCode.SHIFT, KeyCode.CONTROL);
        waitUntil(() -> javafx.application.Application.getUserAgentStylesheet().contains("primer-light"));
    }

    @Test
    void deleteAsksFirstAndCancelKeepsTheChannel(FxRobot robot) throws Exception {
        robot.clickOn("#nav-apps").clickOn("#app-new");
        robot.clickOn("#app-id").write("com.example.shop");
        robot.clickOn("#app-name").write("Shop");
        robot.clickOn("#app-save");
        robot.clickOn("#nav-channels");
        robot.clickOn("#channel-new").clickOn("#channel-name").write("beta");
        robot.clickOn("#channel-save");
        waitUntil(() -> channels(robot).size() == 1);
        robot.clickOn(robot.from(robot.lookup("#channels-table").<Node>query()).lookup(".table-cell")
                .match((Node n) -> n instanceof javafx.scene.control.Labeled l && "beta".equals(l.getText())).<Node>query());

        robot.type(KeyCode.DELETE);
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#cancel-button");
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isEmpty());
        assertEquals(1, channels(robot).size());

        robot.clickOn("#channel-delete");
        waitUntil(() -> robot.lookup("#confirm-button").tryQuery().isPresent());
        robot.clickOn("#confirm-button");
        waitUntil(() -> channels(robot).isEmpty());
        assertTrue(robot.lookup("#confirm-button").tryQuery().isEmpty(), "dialog closed");
    }

    @SuppressWarnings("unchecked")
    private static List<Channel> channels(FxRobot robot) {
        return List.copyOf(((TableView<Channel>) robot.lookup("#channels-table").query()).getItems());
    }

    private static Label label(String id) {
        return new FxRobot().lookup(id).queryAs(Label.class);
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
        });
    }
}
