package dev.patchbay.console.common;

import java.lang.management.ManagementFactory;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import dev.patchbay.console.connection.ConnectionState;
import javafx.beans.value.ObservableValue;

/**
 * Start-up measurement for bench/console-startup.sh, on only with {@code -Dpatchbay.startup.report=true}: prints the
 * milliseconds from JVM start to the first frame of the main window, and to the moment the console is connected
 * (the sandbox started and answered). With {@code -Dpatchbay.startup.exit=true} the console then quits.
 */
public final class StartupTiming {
    private StartupTiming() {
    }

    public static boolean enabled() {
        return Boolean.getBoolean("patchbay.startup.report");
    }

    /** Call on the FX thread right after the stage is shown. */
    public static void install(ObservableValue<ConnectionState> state) {
        if (!enabled()) {
            return;
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        boolean[] framed = {false};
        boolean[] connected = {false};
        Runnable maybeExit = () -> {
            if (framed[0] && connected[0] && Boolean.getBoolean("patchbay.startup.exit")) {
                Platform.exit();
            }
        };
        // The first pulse after show() lays out and renders the scene: that is the first frame.
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                stop();
                System.out.println("startup: first-frame-ms=" + (System.currentTimeMillis() - jvmStart));
                framed[0] = true;
                maybeExit.run();
            }
        }.start();
        Runnable onOnline = () -> {
            if (!connected[0]) {
                connected[0] = true;
                System.out.println("startup: connected-ms=" + (System.currentTimeMillis() - jvmStart));
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
}
