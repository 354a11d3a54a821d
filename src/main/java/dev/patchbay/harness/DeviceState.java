package dev.patchbay.harness;

import java.util.List;

/**
 * A snapshot of an emulated device, for tests and the console's Emulator page. Bundle data is read from the
 * runtime's own preferences file as it is on the device's disk (what {@code adb shell run-as} would show), so it is
 * the truth even while the app is stopped or after it was killed.
 *
 * @param app            the installed package's id, version name and code; null app id when nothing is installed
 * @param process        {@link ProcessState}
 * @param pid            the running app process, 0 when none
 * @param current        the bundle the runtime will boot / is running ({@code current}); builtin when none
 * @param next           the bundle queued for the next install ({@code next}), or null
 * @param fallback       the last known good bundle ({@code fallback}), builtin when none
 * @param bundles        every bundle the device holds, builtin first
 * @param serverBasePath Capacitor's persisted WebView path ({@code CapWebViewSettings.serverBasePath}); null = builtin
 * @param page           the page the web layer shows (null when none)
 * @param lastDeath      why the last process ended, or null
 * @param faults         the active faults, one line each
 */
public record DeviceState(String serial, String appId, String nativeVersion, long nativeBuild,
        ProcessState process, int pid, BundleView current, BundleView next, BundleView fallback,
        List<BundleView> bundles, String serverBasePath, PageView page, String lastDeath, List<String> faults) {

    /** Where the app's process is. */
    public enum ProcessState {
        NOT_INSTALLED, STOPPED, FOREGROUND, BACKGROUND
    }

    /**
     * The page the app's web layer shows.
     *
     * @param generation counts page loads of the device; a bridge call carries the one of the page that made it
     * @param basePath   the server base path the page was loaded from (null = builtin assets)
     * @param version    the bundle version of that base path (as the device records it)
     * @param url        the loaded URL (loopback origin for the WebView; {@code simulated://} for headless devices)
     * @param loaded     the load finished
     * @param simulated  a headless device's scripted page, not a real WebView
     */
    public record PageView(long generation, String basePath, String version, String url, boolean loaded,
            boolean simulated) {
    }

    public boolean running() {
        return process == ProcessState.FOREGROUND || process == ProcessState.BACKGROUND;
    }

    /** The version the device runs (or would boot). */
    public String currentVersion() {
        return current == null ? null : current.version();
    }

    /** The bundle with this version, or null. */
    public BundleView bundle(String version) {
        return bundles.stream().filter(b -> b.version().equals(version)).findFirst().orElse(null);
    }
}
