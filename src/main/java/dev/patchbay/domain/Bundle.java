package dev.patchbay.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A published (sealed, signed) web bundle of an app. The server only ever sees ciphertext blobs and the signed
 * release envelope.
 *
 * @param createdAt   when the release was sealed (signed {@code createdAt})
 * @param publishedAt when the server accepted it
 * @param totalBytes  sum of all blob lengths (files and manifest)
 * @param fileCount   number of file blobs
 * @param channels    names of the channels serving this bundle
 * @param envelope    the release envelope as uploaded (only on the single-bundle read)
 * @param rollbackOf  for a rollback release (docs/rollouts.md §3): the version whose content it re-signs; else null
 * @param capgo       the plugin-format artifact of Capgo-compatible delivery (docs/capgo-compat.md §5), or null when
 *                    the bundle was published without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Bundle(String appId, String version, long sequence, Instant createdAt, Instant publishedAt,
                     long totalBytes, int fileCount, String releaseKeyId, List<String> channels, JsonNode envelope,
                     String rollbackOf, Capgo capgo) {
    /**
     * The summary of a bundle's Capgo artifact: whether its zip is encrypted, for which key ({@code keyId}, the
     * plugin's {@code key_id}; null when plain), and how many per-file manifest entries it has.
     */
    public record Capgo(boolean encrypted, String keyId, int manifestFiles) {
    }

    public Bundle(String appId, String version, long sequence, Instant createdAt, Instant publishedAt,
                  long totalBytes, int fileCount, String releaseKeyId, List<String> channels, JsonNode envelope,
                  String rollbackOf) {
        this(appId, version, sequence, createdAt, publishedAt, totalBytes, fileCount, releaseKeyId, channels, envelope,
                rollbackOf, null);
    }

    public Bundle(String appId, String version, long sequence, Instant createdAt, Instant publishedAt,
                  long totalBytes, int fileCount, String releaseKeyId, List<String> channels, JsonNode envelope) {
        this(appId, version, sequence, createdAt, publishedAt, totalBytes, fileCount, releaseKeyId, channels, envelope,
                null);
    }
}
