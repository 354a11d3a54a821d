package dev.patchbay.console.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The builtin web assets of an emulated app when the user gives no folder: one page that names the app and its
 * native version and tells the updater it started well ({@code notifyAppReady}), as a Capacitor app does.
 */
final class GeneratedAssets {
    private GeneratedAssets() {
    }

    /** Writes {@code index.html} into {@code dir} (created, or replaced) and returns {@code dir}. */
    static Path write(Path dir, String appId, String nativeVersion, long nativeBuild) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), page(appId, nativeVersion, nativeBuild));
        return dir;
    }

    static String page(String appId, String nativeVersion, long nativeBuild) {
        String title = escape(appId) + " " + escape(nativeVersion);
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                <title>%s (builtin)</title>
                <style>
                  body { font-family: sans-serif; margin: 24px; background: #f6f8fa; color: #24292f; }
                  h1 { font-size: 20px; } .muted { color: #57606a; }
                </style></head>
                <body>
                <h1>%s</h1>
                <p class="muted">Builtin web assets of native version %s (build %d)</p>
                <p id="status">Starting…</p>
                <script>
                  (function () {
                    // Not a global "status": that is window.status, a string, and the page kept saying Starting….
                    var line = document.getElementById('status');
                    var U = window.Capacitor && Capacitor.Plugins && Capacitor.Plugins.CapacitorUpdater;
                    if (U) {
                      U.notifyAppReady().then(function () { line.textContent = 'notifyAppReady: ok'; },
                          function (e) { line.textContent = 'notifyAppReady failed: ' + e.message; });
                    } else {
                      line.textContent = 'No Capacitor bridge';
                    }
                  })();
                </script>
                </body></html>
                """.formatted(title, escape(appId), escape(nativeVersion), nativeBuild);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
