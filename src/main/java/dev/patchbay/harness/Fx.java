package dev.patchbay.harness;

import javafx.application.Platform;

/**
 * Starts the JavaFX toolkit once, if nobody did (the CLI, tests); under TestFX/Monocle it is already running. With no
 * display (a server, CI, {@code patchbay bundle preflight} over SSH) it starts headless: Monocle's headless platform
 * with the software renderer, which the package ships.
 */
final class Fx {
    private static volatile boolean started;

    private Fx() {
    }

    static synchronized void ensureStarted() {
        if (started) {
            return;
        }
        headlessWithoutDisplay();
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // the console or TestFX started it
        }
        Platform.setImplicitExit(false);
        started = true;
    }

    private static void headlessWithoutDisplay() {
        String display = System.getenv("DISPLAY");
        if (System.getProperty("glass.platform") != null || (display != null && !display.isBlank())) {
            return;
        }
        try {
            Class.forName("com.sun.glass.ui.monocle.MonoclePlatformFactory", false, Fx.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("There is no display (DISPLAY is not set) and no headless JavaFX platform"
                    + " (Monocle) on the class path: the WebView cannot start. Run under a display or xvfb-run.", e);
        }
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
    }
}
