package dev.patchbay.updater;

import dev.patchbay.crypto.VerifiedRelease;

/**
 * A release an update check returned, after every check that needs no download: signature chain, app, native range,
 * sequence floor and freshness statement. {@code envelope} is the exact signed bytes, {@code blobUrl} the server's
 * template with {@code {sha256}}, {@code blobUrls} the URL of each blob that has its own (presigned URLs of a bucket,
 * ADR 0113; empty when the template serves all). Neither is trusted: every byte fetched is checked against the release.
 */
record PendingRelease(VerifiedRelease release, byte[] envelope, String envelopeSha256, String blobUrl,
                      java.util.Map<String, String> blobUrls) {
    String version() {
        return release.version();
    }

    /** Where blob {@code sha256} is fetched from: its own URL if the answer gave one, else the template. */
    String urlOf(String sha256) {
        String own = blobUrls.get(sha256);
        return own != null ? own : blobUrl.replace("{sha256}", sha256);
    }
}
