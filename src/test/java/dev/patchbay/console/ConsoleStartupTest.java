package dev.patchbay.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Start-up (ADR 0121): the console's first frame waits only for the page it shows; the other pages are built when the
 * user first opens them, and the Local sandbox connects after the window is up.
 */
class ConsoleStartupTest extends ConsoleUserPath {
    @Test
    void onlyTheShownPageIsBuiltAndOthersAreBuiltWhenOpened(FxRobot robot) throws Exception {
        launch(options());
        waitUntil(() -> robot.lookup("#status-connection").queryAs(Label.class).getText().startsWith("Connected"));
        // A first launch shows the Apps page; nothing else was built for the first frame.
        assertEquals(List.of("apps"), WaitForAsyncUtils.asyncFx(app::builtPages).get(5, TimeUnit.SECONDS));
        assertEquals(1, robot.lookup("#apps-page").queryAll().size());

        robot.clickOn("#nav-devices");
        waitUntil(() -> robot.lookup("#devices-page").tryQuery().isPresent());
        robot.clickOn("#nav-channels");
        waitUntil(() -> robot.lookup("#channels-page").tryQuery().isPresent());
        assertEquals(List.of("apps", "channels", "devices"), WaitForAsyncUtils.asyncFx(app::builtPages).get(5, TimeUnit.SECONDS));

        // Back to a built page: the same page again, not a second one.
        robot.clickOn("#nav-devices");
        waitUntil(() -> robot.lookup("#devices-page").tryQuery().isPresent());
        assertEquals(List.of("apps", "channels", "devices"), WaitForAsyncUtils.asyncFx(app::builtPages).get(5, TimeUnit.SECONDS));
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
        });
    }
}
