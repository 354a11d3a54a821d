package dev.patchbay.updater;

import java.time.Instant;

/**
 * A bundle the device knows: {@code id} is the folder name under {@code versions/} ({@link #BUILTIN_ID} for the
 * assets shipped in the app), {@code checksum} the SHA-256 of the signed release metadata, {@code sequence} its
 * signed sequence (-1 for builtin), {@code reason} why it is in {@link BundleStatus#ERROR} (else null),
 * {@code percent} the download progress while {@link BundleStatus#DOWNLOADING}.
 */
public record BundleInfo(String id, String version, long sequence, BundleStatus status, String reason,
        Instant downloaded, String checksum, int percent) {
    public static final String BUILTIN_ID = "builtin";

    public boolean isBuiltin() {
        return BUILTIN_ID.equals(id);
    }
}
