package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * What the preferences hold for one downloaded bundle, {@code bundle.<id>}: only complete, verified folders get one
 * ({@code pending} first). {@code launches} counts cold starts while unconfirmed.
 */
record BundleRecord(String id, String version, long sequence, BundleStatus status, String reason, Instant downloaded,
        String envelopeSha256, int launches) {

    BundleRecord withStatus(BundleStatus s, String why) {
        return new BundleRecord(id, version, sequence, s, why, downloaded, envelopeSha256, launches);
    }

    BundleRecord withLaunches(int n) {
        return new BundleRecord(id, version, sequence, status, reason, downloaded, envelopeSha256, n);
    }

    BundleInfo info() {
        return new BundleInfo(id, version, sequence, status, reason, downloaded, envelopeSha256,
                status == BundleStatus.PENDING || status == BundleStatus.SUCCESS ? 100 : 0);
    }

    String toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", id);
        n.put("version", version);
        n.put("sequence", sequence);
        n.put("status", status.wire());
        if (reason != null) {
            n.put("reason", reason);
        }
        n.put("downloaded", downloaded.toString());
        n.put("envelopeSha256", envelopeSha256);
        if (launches > 0) {
            n.put("launches", launches);
        }
        return n.toString();
    }

    /** Parses a stored record; null if it is missing or unreadable (treated as no record). */
    static BundleRecord parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return new BundleRecord(n.get("id").asText(), n.get("version").asText(), n.get("sequence").asLong(),
                    BundleStatus.of(n.get("status").asText()), n.hasNonNull("reason") ? n.get("reason").asText() : null,
                    Instant.parse(n.get("downloaded").asText()), n.get("envelopeSha256").asText(),
                    n.path("launches").asInt(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
