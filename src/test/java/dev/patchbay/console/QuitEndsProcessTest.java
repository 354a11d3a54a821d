package dev.patchbay.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File → Quit ends the process, whatever pages were used: a real child JVM runs the installed program's entry point,
 * uses the Emulator (a cold-started device with the real WebView turns JavaFX's implicit exit off), quits, and must be
 * gone within 2 s; then the data folder is free and the next console connects to its sandbox.
 */
class QuitEndsProcessTest {
    @TempDir
    Path home;

    @Test
    void quitAfterTheEmulatorEndsTheJvmAndFreesTheDataFolder() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Dprism.order=sw", "-Dprism.text=t2k", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), QuitProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATCHBAY_HOME", home.toString());
        pb.environment().remove("PATCHBAY_SERVER");
        Process child = pb.start();
        StringBuilder seen = new StringBuilder();
        long quitAt = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                seen.append(System.nanoTime() / 1_000_000).append(' ').append(line).append('\n');
                if (line.startsWith("probe: quitting")) {
                    quitAt = System.nanoTime();
                    break;
                }
                if (line.startsWith("probe: failed")) {
                    break;
                }
            }
            assertTrue(quitAt != 0, "the probe did not reach Quit:\n" + seen);
            Thread drain = new Thread(() -> lines.lines().forEach(l -> seen.append(l).append('\n')), "probe-drain");
            drain.setDaemon(true);
            drain.start();
            boolean ended = child.waitFor(10, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quitAt);
            assertTrue(ended, "the console process still runs 10 s after Quit:\n" + seen);
            assertTrue(ms <= 2000, "the console process took " + ms + " ms to end after Quit:\n" + seen);
            assertEquals(0, child.exitValue(), seen::toString);
        } finally {
            child.destroyForcibly();
        }
        // The next launch: the data folder's sandbox is not locked, the console connects.
        try (ConsoleFixture next = new ConsoleFixture(home)) {
            next.online();
        }
    }
}
