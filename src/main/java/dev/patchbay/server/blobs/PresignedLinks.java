package dev.patchbay.server.blobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned GET URLs of a private bucket (ADR 0113). Signing every blob of a release for every update check would
 * cost more than the check itself, so the URLs of a release are signed once and the same text is answered for a
 * quarter of their validity: every device gets URLs with at least three quarters of {@link S3Settings#urlExpiry} left
 * (45 minutes with the default hour), more than a download's deadline. The cache holds the most recent releases only.
 */
final class PresignedLinks implements DirectLinks, AutoCloseable {
    private static final int MAX_RELEASES = 256;

    private final S3Settings settings;
    private final S3Presigner presigner;
    private final Clock clock;
    private final Map<String, Signed> cache = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Signed> eldest) {
                    return size() > MAX_RELEASES;
                }
            });

    private record Signed(String json, Instant at) {
    }

    PresignedLinks(S3Settings settings, S3Presigner presigner, Clock clock) {
        this.settings = settings;
        this.presigner = presigner;
        this.clock = clock;
    }

    static PresignedLinks create(S3Settings settings, AwsCredentialsProvider credentials) {
        S3Presigner.Builder b = S3Presigner.builder().region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return new PresignedLinks(settings, b.build(), Clock.systemUTC());
    }

    @Override
    public String template() {
        return null;
    }

    @Override
    public String urls(String releaseDigest, java.util.function.Supplier<Collection<String>> sha256s) {
        Instant now = clock.instant();
        Duration reuse = settings.urlExpiry().dividedBy(4);
        Signed s = cache.get(releaseDigest);
        if (s != null && now.isBefore(s.at().plus(reuse))) {
            return s.json();
        }
        ObjectNode urls = Json.mapper().createObjectNode();
        for (String sha : sha256s.get()) {
            String key = settings.key("blobs/" + sha);
            urls.put(sha, presigner.presignGetObject(r -> r.signatureDuration(settings.urlExpiry())
                    .getObjectRequest(g -> g.bucket(settings.bucket()).key(key))).url().toString());
        }
        String json = urls.toString();
        cache.put(releaseDigest, new Signed(json, now));
        return json;
    }

    @Override
    public void close() {
        presigner.close();
    }
}
