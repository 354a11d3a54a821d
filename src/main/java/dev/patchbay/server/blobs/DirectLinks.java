package dev.patchbay.server.blobs;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Blob URLs that point straight at the bucket or a CDN in front of it, so update answers send devices there and blob
 * bytes do not pass through the server (ADR 0113). Devices verify every byte against the signed release either way.
 */
public interface DirectLinks {
    /**
     * One URL template with {@code {sha256}} for every blob (a CDN or a public bucket), or {@code null} when each blob
     * needs its own URL ({@link #urls}).
     */
    String template();

    /**
     * The URL of each blob {@code sha256s} lists (asked only when needed) as a JSON object text
     * {@code {"<sha256>": "<url>", ...}} (presigned URLs),
     * for the release named by {@code releaseDigest}; implementations may answer the same text to many devices while
     * the URLs stay valid long enough.
     */
    String urls(String releaseDigest, Supplier<Collection<String>> sha256s);
}
