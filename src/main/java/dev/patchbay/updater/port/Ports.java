package dev.patchbay.updater.port;

import java.util.concurrent.Executor;

/**
 * Everything the runtime touches outside the JVM. On Android each is a thin adapter over the framework; the
 * emulator harness implements them for emulated devices (with fault injection).
 *
 * @param prefs           the runtime's own preferences file ({@code CapacitorUpdater})
 * @param webViewSettings Capacitor's {@code CapWebViewSettings} preferences ({@code serverBasePath})
 * @param background      runs downloads and checks off the caller's thread
 */
public record Ports(AppInfo app, KeyValueStore prefs, KeyValueStore webViewSettings, FileStore files,
        AssetStore builtin, HttpTransport http, Clock clock, WebViewHost webView, Executor background) {
}
