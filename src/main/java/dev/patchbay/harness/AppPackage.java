package dev.patchbay.harness;

import dev.patchbay.updater.UpdaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An installable app, as an APK would be: its id, native {@code versionName} (semver; also the builtin bundle's
 * version) and {@code versionCode}, the builtin web assets (the folder that becomes {@code assets/public/}, with
 * {@code index.html} at its root) and the updater config compiled into it ({@code capacitor.config.json}).
 */
public record AppPackage(String appId, String versionName, long versionCode, Path webAssets,
        UpdaterConfig updater) {

    public AppPackage {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(versionName, "versionName");
        Objects.requireNonNull(webAssets, "webAssets");
        Objects.requireNonNull(updater, "updater");
    }

    /** Throws if the builtin assets have no {@code index.html}. */
    void check() {
        if (!Files.isRegularFile(webAssets.resolve("index.html"))) {
            throw new IllegalArgumentException("The app's web assets " + webAssets + " have no index.html");
        }
    }

    /** A common versionCode scheme: 1.4.0 → 10400 (major·10000 + minor·100 + patch). */
    public static long versionCodeOf(String version) {
        String[] p = version.split("[-+]")[0].split("\\.");
        if (p.length != 3) {
            throw new IllegalArgumentException("A native version is MAJOR.MINOR.PATCH, not " + version);
        }
        return Long.parseLong(p[0]) * 10_000 + Long.parseLong(p[1]) * 100 + Long.parseLong(p[2]);
    }

    /** The same app built with {@code channel} as its default channel (it asks for it in every check). */
    public AppPackage withDefaultChannel(String channel) {
        UpdaterConfig c = updater;
        return withUpdater(new UpdaterConfig(c.serverUrl(), c.appId(), c.rootPublicKey(), c.contentKey(),
                c.autoUpdate(), c.appReadyTimeout(), c.responseTimeout(), c.autoDeleteFailed(),
                c.autoDeletePrevious(), c.resetWhenUpdate(), channel, c.statsEnabled(), c.downloadDeadline(),
                c.maxRetries(), c.retryBaseDelay(), c.periodCheckDelay()));
    }

    public AppPackage withVersion(String name, long code) {
        return new AppPackage(appId, name, code, webAssets, updater);
    }

    public AppPackage withWebAssets(Path folder) {
        return new AppPackage(appId, versionName, versionCode, folder, updater);
    }

    public AppPackage withUpdater(UpdaterConfig settings) {
        return new AppPackage(appId, versionName, versionCode, webAssets, settings);
    }
}
