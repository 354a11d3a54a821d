package dev.patchbay.harness;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Capacitor web apps, built by npm in the test setup: the test app's sources (test resources
 * {@code capacitor-app/}: index.html and main.js) with the published {@code @capacitor/core} and
 * {@code @capgo/capacitor-updater} of one major version, bundled by Vite. Built once per flavour under
 * {@code target/npm-apps/<flavour>} and reused while its inputs are unchanged. Nothing built is committed.
 *
 * <p>Without npm the tests that need it fail in CI ({@code CI=true}: {@code .ci/run} installs node and npm) and are
 * skipped with a message elsewhere.
 */
final class CapacitorApps {
    /** A published {@code @capacitor/core} major with the reference plugin line built for it. */
    enum Flavour {
        CAPACITOR_7("^7.0.0", "^7.51.0"),
        CAPACITOR_8("^8.0.0", "^8.51.0");

        final String core;
        final String updater;

        Flavour(String core, String updater) {
            this.core = core;
            this.updater = updater;
        }

        String dir() {
            return "cap" + name().substring(name().length() - 1);
        }
    }

    /** Vite 6 runs on Node 18 (Debian 12's nodejs) and 20+. */
    static final String VITE = "^6.4.0";
    private static final Path ROOT = Path.of("target", "npm-apps").toAbsolutePath();

    private CapacitorApps() {
    }

    /** The built web app ({@code dist}) of {@code flavour}: built now unless an up-to-date build is there. */
    static synchronized Path dist(Flavour flavour) throws Exception {
        String npm = npm();
        Path dir = ROOT.resolve(flavour.dir());
        Files.createDirectories(dir);
        String packageJson = """
                {"name": "patchbay-test-app-%s", "private": true, "type": "module",
                 "dependencies": {"@capacitor/core": "%s", "@capgo/capacitor-updater": "%s", "vite": "%s"}}
                """.formatted(flavour.dir(), flavour.core, flavour.updater, VITE);
        byte[] index = resource("index.html");
        byte[] main = resource("main.js");
        String stamp = sha256(packageJson.getBytes(StandardCharsets.UTF_8), index, main);
        Path dist = dir.resolve("dist");
        Path stampFile = dir.resolve("built.sha256");
        if (Files.isRegularFile(dist.resolve("index.html")) && Files.isRegularFile(stampFile)
                && Files.readString(stampFile).equals(stamp)) {
            return dist;
        }
        Files.writeString(dir.resolve("package.json"), packageJson);
        Files.write(dir.resolve("index.html"), index);
        Files.write(dir.resolve("main.js"), main);
        Files.deleteIfExists(stampFile);
        run(dir, List.of(npm, "install", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        run(dir, List.of(npm, "exec", "--", "vite", "build", "--base", "./", "--emptyOutDir", "--logLevel", "warn"),
                120);
        if (!Files.isRegularFile(dist.resolve("index.html"))) {
            fail("vite build left no " + dist.resolve("index.html"));
        }
        Files.writeString(stampFile, stamp);
        return dist;
    }

    /** Copies the build of {@code flavour} to {@code target} with its {@code scenario.json} (what the app does). */
    static Path site(Flavour flavour, Path target, String scenarioJson) throws Exception {
        Path dist = dist(flavour);
        try (Stream<Path> files = Files.walk(dist)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(dist.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(target.resolve("scenario.json"), scenarioJson);
        return target;
    }

    /** The npm command, or the test fails (CI) / is skipped (elsewhere) saying why. */
    static String npm() {
        try {
            Process p = new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return "npm";
            }
        } catch (IOException e) {
            // no npm on the PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String why = "npm is not installed: the real Capacitor app builds need node and npm (Debian: apt-get install"
                + " nodejs npm; .ci/run installs them)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.abort(why);
        return null;
    }

    private static void run(Path dir, List<String> command, int seconds) throws Exception {
        Path out = dir.resolve("build.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " took more than " + seconds + " s; see " + out);
        }
        if (p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + Files.readString(out));
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = CapacitorApps.class.getResourceAsStream("capacitor-app/" + name)) {
            if (in == null) {
                throw new IOException("test resource capacitor-app/" + name + " missing");
            }
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] b : parts) {
            md.update(b);
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
