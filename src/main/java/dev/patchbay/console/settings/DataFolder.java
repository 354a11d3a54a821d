package dev.patchbay.console.settings;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the console keeps its files: {@code $PATCHBAY_HOME}, else {@code -Dpatchbay.home}, else
 * {@code $XDG_DATA_HOME/patchbay}, else {@code ~/.local/share/patchbay}.
 */
public final class DataFolder {
    private DataFolder() {
    }

    public static Path resolve() {
        return resolve(System.getenv(), System.getProperty("patchbay.home"), System.getProperty("user.home"));
    }

    static Path resolve(Map<String, String> env, String homeProperty, String userHome) {
        String home = env.get("PATCHBAY_HOME");
        if (notBlank(home)) {
            return Path.of(home).toAbsolutePath();
        }
        if (notBlank(homeProperty)) {
            return Path.of(homeProperty).toAbsolutePath();
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (notBlank(xdg)) {
            return Path.of(xdg, "patchbay").toAbsolutePath();
        }
        return Path.of(userHome, ".local", "share", "patchbay").toAbsolutePath();
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
