package dev.patchbay.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundle retention calls ({@code /api/v1/apps/{app}/bundle-retention}, docs/api.md): read and set "keep the last N
 * unused bundles" of an app. Kept apart from {@link PatchbayClient}, which is long enough. Calls block; run them off
 * the FX thread.
 */
public final class BundleRetentionClient {
    private final PatchbayClient client;

    public BundleRetentionClient(PatchbayClient client) {
        this.client = client;
    }

    /**
     * An app's rule and, after a change, what applying it deleted.
     *
     * @param keepUnusedBundles null: every bundle is kept
     */
    public record Retention(Integer keepUnusedBundles, List<String> deleted, int freedBlobs) {
        public Retention {
            deleted = deleted == null ? List.of() : List.copyOf(deleted);
        }
    }

    public Retention get(String appId) {
        return client.exchange("GET", null, Retention.class, "apps", appId, "bundle-retention");
    }

    /** Sets the rule ({@code keep} null: keep every bundle) and applies it at once. */
    public Retention set(String appId, Integer keep) {
        Map<String, Object> body = new HashMap<>();
        body.put("keepUnusedBundles", keep);
        return client.exchange("PUT", body, Retention.class, "apps", appId, "bundle-retention");
    }
}
