package dev.patchbay.updater.port;

/**
 * The app's WebView as Capacitor's Bridge exposes it: the folder it serves the web layer from. On Android the
 * runtime calls {@code bridge.setServerBasePath(path)} and persists the path in the {@code CapWebViewSettings}
 * preferences under {@code serverBasePath}, which the Bridge reads at the next cold start.
 */
public interface WebViewHost {
    /** Switches the WebView to serve from {@code absolutePath} and reloads it; null means the builtin assets. */
    void setServerBasePath(String absolutePath);

    /** Reloads the current page. */
    void reload();
}
