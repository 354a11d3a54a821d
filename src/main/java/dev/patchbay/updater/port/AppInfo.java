package dev.patchbay.updater.port;

/**
 * What the platform tells the runtime about the installed app and the device.
 *
 * @param nativeVersion  Android {@code versionName}, semver ("1.4.0"); also the builtin bundle's version
 * @param nativeBuild    Android {@code versionCode}
 * @param platform       "android" or "ios"
 * @param osVersion      Android {@code Build.VERSION.RELEASE}
 * @param isEmulator     Build.* heuristics on Android
 * @param isProduction   not {@code FLAG_DEBUGGABLE}
 */
public record AppInfo(String nativeVersion, long nativeBuild, String platform, String osVersion,
        boolean isEmulator, boolean isProduction) {
}
