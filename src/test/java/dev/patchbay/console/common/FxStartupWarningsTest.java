package dev.patchbay.console.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The classpath-layout warning of JavaFX is dropped; any other JavaFX warning still reaches the handlers. */
class FxStartupWarningsTest {
    @Test
    void dropsOnlyTheUnsupportedConfigurationWarning() {
        FxStartupWarnings.install();
        Logger javafx = Logger.getLogger("javafx");
        List<String> seen = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                seen.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        javafx.addHandler(capture);
        try {
            javafx.log(Level.WARNING, "Unsupported JavaFX configuration: classes were loaded from 'unnamed module @69eee410'");
            javafx.log(Level.WARNING, "Unsupported JavaFX configuration: classes were loaded from 'module foo'");
            javafx.log(Level.WARNING, "Could not find stylesheet: x.css");
            Logger.getLogger("javafx.css").log(Level.WARNING, "CSS Error parsing x.css");
        } finally {
            javafx.removeHandler(capture);
        }
        assertEquals(List.of("Unsupported JavaFX configuration: classes were loaded from 'module foo'",
                "Could not find stylesheet: x.css", "CSS Error parsing x.css"), seen);
    }
}
