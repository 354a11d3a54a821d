package dev.patchbay.testsupport;

import java.time.Duration;
import java.time.Instant;
import javafx.application.Platform;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Ends the JavaFX toolkit before the test JVM exits, the way an application must: {@link Platform#exit()}, then wait
 * for the FX application thread to finish. Without it the JVM exits with the toolkit and WebKit still running, and
 * native code can abort at exit after every test has passed (a CI run once ended "Aborted" there, which fails the
 * build). Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class FxShutdownListener implements LauncherSessionListener {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Thread fx = fxThread();
        if (fx == null) {
            return; // no test started the toolkit
        }
        Platform.exit();
        Instant deadline = Instant.now().plus(WAIT);
        try {
            while (fx.isAlive() && Instant.now().isBefore(deadline)) {
                fx.join(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fx.isAlive()) {
            System.err.println("FxShutdownListener: the JavaFX application thread did not end within " + WAIT);
        }
    }

    private static Thread fxThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("JavaFX Application Thread".equals(t.getName())) {
                return t;
            }
        }
        return null;
    }
}
