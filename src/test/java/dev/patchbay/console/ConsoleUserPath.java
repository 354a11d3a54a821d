package dev.patchbay.console;

import static dev.patchbay.console.FxLookups.label;
import static dev.patchbay.console.FxLookups.waitUntil;

import dev.patchbay.crypto.KeyFileOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/**
 * What every TestFX test of the whole console shares: headless robot pacing, a temporary data folder
 * ({@link #home}), the real {@link ConsoleApp} launched onto the extension's primary stage, and the console stopped
 * after each test. TestFX looks for {@code @Start} only on the test class itself; none is needed, the extension
 * registers the primary stage on its own.
 */
@ExtendWith(ApplicationExtension.class)
abstract class ConsoleUserPath {
    static {
        FastRobot.configure();
    }

    @TempDir
    Path home;

    /** The launched console, null until a test launches it. */
    ConsoleApp app;

    @AfterEach
    void closeConsole() throws Exception {
        if (app != null) {
            FxToolkit.cleanupApplication(app);
            app.stopped().get(15, TimeUnit.SECONDS);
        }
        FxToolkit.cleanupStages();
    }

    /** The console's options for tests: data in {@link #home}, a free sandbox port, a 50 ms sync interval. */
    ConsoleOptions options() {
        return new ConsoleOptions(home, 0, Duration.ofMillis(50));
    }

    /** {@link #options()} with fast key-file derivation, for tests that create or unlock keys. */
    ConsoleOptions fastKeyOptions() {
        return options().withKeyOptions(KeyFileOptions.FAST);
    }

    /** Launches the console (does not wait for it to connect). */
    ConsoleApp launch(ConsoleOptions options) throws Exception {
        app = (ConsoleApp) FxToolkit.setupApplication(() -> new ConsoleApp(options));
        return app;
    }

    /** Launches the console and waits until it is connected to its Local sandbox. */
    ConsoleApp launchOnSandbox(FxRobot robot, ConsoleOptions options) throws Exception {
        launch(options);
        waitUntil(() -> label(robot, "#status-connection").getText().startsWith("Connected to Local sandbox"));
        return app;
    }
}
