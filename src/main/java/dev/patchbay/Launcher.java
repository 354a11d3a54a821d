package dev.patchbay;

import dev.patchbay.cli.Cli;
import dev.patchbay.console.ConsoleApp;
import dev.patchbay.console.common.FxStartupWarnings;
import dev.patchbay.console.common.StartupTiming;

/**
 * Entry point of {@code patchbay.jar} and of the installed program. A plain class (not a JavaFX
 * {@code Application}) so the JavaFX jars can sit on the classpath. No arguments: the console. Otherwise: the CLI.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            FxStartupWarnings.install();
        }
        if (args.length == 0 && StartupTiming.minimal()) {
            // The yardstick of bench/startup.sh: one Label in a window, same launcher, same JVM flags.
            javafx.application.Application.launch(StartupTiming.MinimalWindow.class);
            System.exit(0);
        } else if (args.length == 0) {
            ConsoleApp.main(args);
        } else {
            System.exit(Cli.run(args));
        }
    }
}
