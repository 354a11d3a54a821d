package dev.patchbay.capacitor;

import com.getcapacitor.Bridge;
import dev.patchbay.updater.port.WebViewHost;

/**
 * The runtime's WebView port on Capacitor's {@link Bridge}: its local server serves the folder the runtime names
 * ({@code setServerBasePath}), or the APK's {@code public/} assets. The runtime itself persists the path in
 * {@code CapWebViewSettings}/{@code serverBasePath}, which the Bridge reads when it starts. Before the Bridge has
 * started its local server (the plugin loads first) there is nothing to tell: the Bridge reads the persisted path.
 */
final class BridgeWebViewHost implements WebViewHost {
    static final String BUILTIN_ASSETS = "public";
    private volatile Bridge bridge;

    void attach(Bridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public void setServerBasePath(String absolutePath) {
        Bridge b = bridge;
        if (b == null || b.getLocalServer() == null) {
            return;
        }
        if (absolutePath == null) {
            b.setServerAssetPath(BUILTIN_ASSETS);
        } else {
            b.setServerBasePath(absolutePath);
        }
    }

    @Override
    public void reload() {
        Bridge b = bridge;
        if (b != null && b.getLocalServer() != null) {
            b.reload();
        }
    }

    /** The folder the Bridge serves now: an absolute path, or null for the builtin assets. */
    String served() {
        Bridge b = bridge;
        if (b == null || b.getLocalServer() == null) {
            return null;
        }
        String path = b.getServerBasePath();
        return path == null || !path.startsWith("/") ? null : path;
    }
}
