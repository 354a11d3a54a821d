package dev.patchbay.console.common;

import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * Drops the one JavaFX start-up warning that is about our own, deliberate layout: run as {@code java -jar patchbay.jar},
 * JavaFX sits on the class path (ADR 0020), and JavaFX logs "Unsupported JavaFX configuration: classes were loaded from
 * 'unnamed module …'" on every start. Only that message of the {@code javafx} logger is dropped; every other JavaFX
 * warning (CSS, layout, the {@code javafx.*} child loggers) still shows. The installed program links JavaFX as modules,
 * where the warning does not arise (ADR 0121).
 */
public final class FxStartupWarnings {
    /** JUL holds loggers weakly: the configured one must stay referenced. */
    private static Logger javafx;

    private FxStartupWarnings() {
    }

    /** Call before the JavaFX toolkit starts. Does nothing when JavaFX is linked as named modules. */
    public static synchronized void install() {
        if (javafx != null || javafx.application.Platform.class.getModule().isNamed()) {
            return;
        }
        Logger logger = Logger.getLogger("javafx");
        Filter previous = logger.getFilter();
        logger.setFilter(record -> {
            String message = record.getMessage();
            if (message != null && message.startsWith("Unsupported JavaFX configuration: classes were loaded from 'unnamed module")) {
                return false;
            }
            return previous == null || previous.isLoggable(record);
        });
        javafx = logger;
    }
}
