package dev.patchbay.updater.contract;

import dev.patchbay.updater.port.Ports;
import dev.patchbay.updater.port.WebViewHost;

/**
 * One platform's implementation of the runtime's ports for one installed app, as {@link RuntimeContract} runs it:
 * the key-value stores, the files folder, HTTP, the builtin assets, the clock and the background executor. What it
 * persists (preferences, files) outlives {@link #end}, as it outlives an app process on a device.
 */
public interface PortSet {
    /**
     * A new app process of the installed app (native version 1.0.0, platform "android"): fresh port objects over the
     * same persisted preferences and files. Its builtin assets hold an {@code index.html}.
     *
     * @param webView the contract's WebView (the behaviours it runs do not depend on a real one)
     */
    Ports start(WebViewHost webView);

    /** The current process ends: its timers and background threads stop; what it persisted stays. */
    void end();
}
