package dev.patchbay.updater;

/** The life of a downloaded bundle (device-protocol §4). The builtin bundle is always {@link #SUCCESS}. */
public enum BundleStatus {
    /** Being downloaded and verified (not persisted: a download interrupted by a kill starts over). */
    DOWNLOADING("downloading"),
    /** Complete and verified, not yet confirmed by {@code notifyAppReady}. */
    PENDING("pending"),
    /** Confirmed by the bundle itself: a rollback target. */
    SUCCESS("success"),
    /** Failed (download, verification, or never confirmed); {@link BundleInfo#reason()} says why. */
    ERROR("error");

    private final String wire;

    BundleStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static BundleStatus of(String wire) {
        for (BundleStatus s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown bundle status " + wire);
    }
}
