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
