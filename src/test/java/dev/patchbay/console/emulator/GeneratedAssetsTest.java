package dev.patchbay.console.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.web.WebView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Emulator's generated builtin page, in a real WebView with a bridge whose notifyAppReady resolves: it stops
 * saying "Starting…" and says the confirmation went through (it used to write to window.status and stay put).
 */
@ExtendWith(ApplicationExtension.class)
class GeneratedAssetsTest {
    @TempDir
    Path dir;
    private WebView web;

    @Start
    void start(Stage stage) {
        web = new WebView();
        stage.setScene(new Scene(web, 360, 640));
        stage.show();
    }

    @Test
    void theBuiltinPageSaysNotifyAppReadyWentThrough(FxRobot robot) throws Exception {
        Path folder = GeneratedAssets.write(dir, "com.example.shop", "1.0.0", 100);
        String html = Files.readString(folder.resolve("index.html")).replaceFirst("<script>",
                "<script>window.Capacitor = {Plugins: {CapacitorUpdater: {notifyAppReady: function () {"
                        + " return Promise.resolve({}); }}}};</script><script>");
        robot.interact(() -> web.getEngine().loadContent(html));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(() -> {
            Object text = web.getEngine().executeScript(
                    "document.getElementById('status') ? document.getElementById('status').textContent : ''");
            return "notifyAppReady: ok".equals(text);
        }).get());
        assertEquals("notifyAppReady: ok", WaitForAsyncUtils.asyncFx(() -> web.getEngine().executeScript(
                "document.getElementById('status').textContent")).get());
    }
}
