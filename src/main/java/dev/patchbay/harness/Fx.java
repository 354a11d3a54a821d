package dev.patchbay.harness;

import javafx.application.Platform;

/** Starts the JavaFX toolkit once, if nobody did (the CLI, tests); under TestFX/Monocle it is already running. */
final class Fx {
    private static volatile boolean started;

    private Fx() {
    }

    static synchronized void ensureStarted() {
        if (started) {
            return;
        }
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // the console or TestFX started it
        }
        Platform.setImplicitExit(false);
        started = true;
    }
}
