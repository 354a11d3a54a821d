package dev.patchbay.updater;

import dev.patchbay.crypto.VerifiedRelease;

/**
 * A release an update check returned, after every check that needs no download: signature chain, app, native range,
 * sequence floor and freshness statement. {@code envelope} is the exact signed bytes, {@code blobUrl} the server's
 * template with {@code {sha256}}.
 */
record PendingRelease(VerifiedRelease release, byte[] envelope, String envelopeSha256, String blobUrl) {
    String version() {
        return release.version();
    }
}
