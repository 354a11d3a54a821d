package dev.patchbay.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchbay serve} runs with a bounded heap whichever installed launcher starts it (ADR 0098): the main launcher
 * (options in {@code jpackage.cfg}, shared with the console) and {@code patchbay-cli}
 * ({@code packaging/linux/patchbay-cli.properties}). Each launcher's Java options start a real {@code serve}, which
 * prints the heap cap it got; on this machine the JVM default would be a quarter of its memory.
 */
class LauncherHeapTest {
    /** The most any launcher may give the server (docs/packaging.md, "Server memory"). */
    static final long MAX_HEAP_MIB = 1024;

    @TempDir
    Path dir;

    static List<String> mainLauncherOptions() throws Exception {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("jpackage.cfg"))) {
            String t = line.strip();
            if (t.startsWith("--java-options ")) {
                options.add(t.substring("--java-options ".length()).strip());
            }
        }
        return options;
    }

    static List<String> cliLauncherOptions() throws Exception {
        Properties launcher = new Properties();
        try (var in = Files.newInputStream(Path.of("packaging/linux/patchbay-cli.properties"))) {
            launcher.load(in);
        }
        return Arrays.asList(launcher.getProperty("java-options").trim().split("\\s+"));
    }

    /** Starts serve with {@code options} and answers the heap cap (MiB) it reports. */
    long serveHeapCap(List<String> options, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.patchbay.Launcher", "serve", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", dir.resolve(name).toString(), "--rollout-tick", "1h"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern cap = Pattern.compile("Java heap cap: (\\d+) MiB");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                log.append(line).append('\n');
                Matcher m = cap.matcher(line);
                if (m.find()) {
                    assertFalse(log.toString().contains("heap is not capped"), log.toString());
                    return Long.parseLong(m.group(1));
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        throw new AssertionError(name + ": serve did not report its heap cap:\n" + log);
    }

    @Test
    void serveFromEitherLauncherHasABoundedHeap() throws Exception {
        List<String> main = mainLauncherOptions();
        assertTrue(main.stream().anyMatch(o -> o.startsWith("-Xmx")), "jpackage.cfg caps the heap: " + main);
        long mainCap = serveHeapCap(main, "main");
        assertTrue(mainCap <= MAX_HEAP_MIB, "main launcher: " + mainCap + " MiB");
        long cliCap = serveHeapCap(cliLauncherOptions(), "cli");
        assertTrue(cliCap <= 512, "patchbay-cli: " + cliCap + " MiB");
    }
}
