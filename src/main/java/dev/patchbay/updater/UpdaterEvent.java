package dev.patchbay.updater;

/**
 * The runtime's events, named as the JS {@code addListener} events of the reference plugin (capgo-protocol §5.8)
 * plus the security failures. {@link #name()} is the JS event name.
 */
public sealed interface UpdaterEvent {
    String name();

    /** Download progress 0..100 of {@code bundle}. */
    record Download(int percent, BundleInfo bundle) implements UpdaterEvent {
        public String name() {
            return "download";
        }
    }

    record DownloadComplete(BundleInfo bundle) implements UpdaterEvent {
        public String name() {
            return "downloadComplete";
        }
    }

    /** A downloaded and verified bundle is ready to install. */
    record UpdateAvailable(BundleInfo bundle) implements UpdaterEvent {
        public String name() {
            return "updateAvailable";
        }
    }

    /** The check found nothing to do; {@code bundle} is the current one, {@code reason} why (e.g. no_new_version). */
    record NoNeedUpdate(BundleInfo bundle, String reason) implements UpdaterEvent {
        public String name() {
            return "noNeedUpdate";
        }
    }

    /** Every verified check answer: kind, server error and message, release version (or null). */
    record UpdateCheckResult(String kind, String error, String message, String version, BundleInfo bundle)
            implements UpdaterEvent {
        public String name() {
            return "updateCheckResult";
        }
    }

    /** A download (or its verification, or a full disk) failed; the app keeps what it runs. */
    record DownloadFailed(String version, String reason) implements UpdaterEvent {
        public String name() {
            return "downloadFailed";
        }
    }

    /** A bundle was rolled back (never confirmed, files missing or damaged); {@code to} is what runs now. */
    record UpdateFailed(BundleInfo bundle, String reason, BundleInfo to) implements UpdaterEvent {
        public String name() {
            return "updateFailed";
        }
    }

    /** The WebView was switched to {@code bundle}. */
    record Set(BundleInfo bundle) implements UpdaterEvent {
        public String name() {
            return "set";
        }
    }

    /** {@code bundle} is queued to be installed at the next background or cold start. */
    record SetNext(BundleInfo bundle) implements UpdaterEvent {
        public String name() {
            return "setNext";
        }
    }

    /** The current bundle confirmed itself ({@code notifyAppReady}); status says what happened. */
    record AppReady(BundleInfo bundle, String status) implements UpdaterEvent {
        public String name() {
            return "appReady";
        }
    }

    /** An answer's freshness statement did not verify: no download, no state change. */
    record FreshnessFailed(String reason) implements UpdaterEvent {
        public String name() {
            return "freshnessFailed";
        }
    }

    /** A release or its blobs failed a device check (signature, app, native range, sequence, digest, ...). */
    record VerifyFailed(String version, String reason) implements UpdaterEvent {
        public String name() {
            return "verifyFailed";
        }
    }

    /** The check itself failed (network, 429, 5xx, timeout) after its retries; nothing changed. */
    record CheckFailed(String reason) implements UpdaterEvent {
        public String name() {
            return "checkFailed";
        }
    }

    /** The WebView was reloaded (reload, set, reset, background install). */
    record AppReloaded() implements UpdaterEvent {
        public String name() {
            return "appReloaded";
        }
    }
}
