package dev.patchbay.capacitor;

import android.content.Context;
import android.content.pm.ApplicationInfo;
import android.content.pm.PackageInfo;
import android.content.pm.PackageManager;
import android.os.Build;
import androidx.core.content.pm.PackageInfoCompat;
import dev.patchbay.updater.port.AppInfo;
import dev.patchbay.updater.port.Ports;
import java.io.File;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The updater runtime's ports on Android: one set per app process. */
final class AndroidPorts {
    /** The runtime's own preferences file (the reference plugin's name). */
    static final String PREFS = "CapacitorUpdater";
    /** Capacitor's preferences, where the Bridge reads the served folder at start ({@code serverBasePath}). */
    static final String WEBVIEW_PREFS = "CapWebViewSettings";
    /** The runtime's folder under the app's files folder. */
    static final String FOLDER = "patchbay";

    final Ports ports;
    final BridgeWebViewHost webView = new BridgeWebViewHost();
    final AndroidClock clock = new AndroidClock();
    final ExecutorService background;

    AndroidPorts(Context context) {
        AtomicInteger n = new AtomicInteger();
        this.background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "patchbay-updater-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ports = new Ports(appInfo(context), new SharedPrefsStore(context, PREFS),
                new SharedPrefsStore(context, WEBVIEW_PREFS), new FilesDirStore(new File(context.getFilesDir(), FOLDER)),
                new ApkPublicAssets(context.getAssets()), new UrlConnectionHttp(), clock, webView, background);
    }

    static AppInfo appInfo(Context context) {
        PackageInfo p;
        try {
            p = context.getPackageManager().getPackageInfo(context.getPackageName(), 0);
        } catch (PackageManager.NameNotFoundException e) {
            throw new IllegalStateException("the app's own package is not installed: " + context.getPackageName(), e);
        }
        boolean debuggable = (context.getApplicationInfo().flags & ApplicationInfo.FLAG_DEBUGGABLE) != 0;
        return new AppInfo(p.versionName == null ? "0.0.0" : p.versionName, PackageInfoCompat.getLongVersionCode(p),
                "android", Build.VERSION.RELEASE, isEmulator(), !debuggable);
    }

    private static boolean isEmulator() {
        String f = String.valueOf(Build.FINGERPRINT);
        return f.startsWith("generic") || f.startsWith("unknown") || f.contains("emulator")
                || String.valueOf(Build.MODEL).contains("Android SDK built for")
                || String.valueOf(Build.PRODUCT).contains("sdk");
    }

    void shutdown() {
        clock.shutdown();
        background.shutdownNow();
    }
}
