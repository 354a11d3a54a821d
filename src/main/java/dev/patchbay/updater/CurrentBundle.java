package dev.patchbay.updater;

/** What {@code current()} answers: the bundle the WebView serves and the native (builtin) version. */
public record CurrentBundle(BundleInfo bundle, String nativeVersion) {
}
