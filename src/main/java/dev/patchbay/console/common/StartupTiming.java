package dev.patchbay.console.common;

import dev.patchbay.console.connection.ConnectionState;
import java.time.Instant;
import java.util.function.Consumer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.value.ObservableValue;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/**
 * Start-up measurement for bench/startup.sh, on only with {@code -Dpatchbay.startup.report=true}. Prints, in
 * milliseconds since the process started (so the JVM's own start is included), the phases of a start
 * ({@code startup: init-ms=…}), the first frame of the main window ({@code startup: first-frame-ms=…}: the first pulse
 * after the window was shown has laid the scene out and hands it to the renderer) and the moment the console is
 * connected ({@code startup: connected-ms=…}: the Local sandbox started and answered). With
 * {@code -Dpatchbay.startup.exit=true} the console then quits.
 *
 * <p>{@code -Dpatchbay.startup.minimal=true} makes the launcher show {@link MinimalWindow} instead of the console: one
 * Label in a window, measured the same way, started by the same launcher with the same JVM flags. It is the yardstick
 * of the start-up goal (ADR 0121).
 */
public final class StartupTiming {
    private static final long PROCESS_START = processStart();

    private StartupTiming() {
    }

    public static boolean enabled() {
        return Boolean.getBoolean("patchbay.startup.report");
    }

    /** Whether the launcher shows the one-Label window instead of the console. */
    public static boolean minimal() {
        return Boolean.getBoolean("patchbay.startup.minimal");
    }

    /** Prints {@code startup: <phase>-ms=<ms since the process started>} when reporting is on. */
    public static void mark(String phase) {
        if (enabled()) {
            System.out.println("startup: " + phase + "-ms=" + sinceStart());
        }
    }

    private static long sinceStart() {
        return System.currentTimeMillis() - PROCESS_START;
    }

    private static long processStart() {
        // The process's start (the launcher's exec), not the JVM's: /proc via ProcessHandle, without java.management.
        return ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
                .orElseGet(System::currentTimeMillis);
    }

    /**
     * Runs {@code then} once, on the FX thread, when the first pulse after {@code scene}'s window was shown has laid
     * it out (CSS applied, every node sized): what the renderer draws next is the first frame.
     */
    public static void onFirstFrame(Scene scene, Runnable then) {
        boolean[] done = {false};
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (!done[0] && scene.getWindow() != null && scene.getWindow().isShowing()) {
                done[0] = true;
                // Not removed while the scene walks its listeners.
                Platform.runLater(() -> scene.removePostLayoutPulseListener(self[0]));
                then.run();
            }
        };
        scene.addPostLayoutPulseListener(self[0]);
    }

    /**
     * Call on the FX thread before the main window is shown. {@code afterConnected} runs once the console is connected
     * (before it quits for {@code -Dpatchbay.startup.exit=true}); it gets the action that quits.
     */
    public static void install(Scene scene, ObservableValue<ConnectionState> state, Consumer<Runnable> afterConnected) {
        if (!enabled()) {
            return;
        }
        boolean[] framed = {false};
        boolean[] connected = {false};
        Runnable maybeExit = () -> {
            if (framed[0] && connected[0] && Boolean.getBoolean("patchbay.startup.exit")) {
                afterConnected.accept(Platform::exit);
            }
        };
        onFirstFrame(scene, () -> {
            mark("first-frame");
            framed[0] = true;
            maybeExit.run();
        });
        Runnable onOnline = () -> {
            if (!connected[0]) {
                connected[0] = true;
                mark("connected");
                maybeExit.run();
            }
        };
        if (state.getValue() == ConnectionState.ONLINE) {
            onOnline.run();
        } else {
            state.addListener((obs, was, is) -> {
                if (is == ConnectionState.ONLINE) {
                    onOnline.run();
                }
            });
        }
    }

    /** The yardstick: a JavaFX window with one Label, nothing else; prints its first frame and quits. */
    public static final class MinimalWindow extends Application {
        @Override
        public void start(Stage stage) {
            Scene scene = new Scene(new Label("Patchbay"));
            onFirstFrame(scene, () -> {
                mark("first-frame");
                if (Boolean.getBoolean("patchbay.startup.exit")) {
                    Platform.exit();
                }
            });
            stage.setTitle("Minimal");
            stage.setScene(scene);
            stage.show();
        }
    }
}
