package dev.patchbay.server.bundles;

import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;

/**
 * {@code /api/v1/apps/{appId}/bundle-retention}: read and set the app's rule "keep the last N unused bundles"
 * ({@link BundleRetention}). A PUT applies the rule at once and answers what it deleted.
 */
public final class BundleRetentionApi {
    static final String PATH = "/api/v1/apps/{appId}/bundle-retention";

    /** {@code keepUnusedBundles} null (or absent): keep every bundle. */
    record SetRetention(Integer keepUnusedBundles) {
    }

    private final BundleRetention retention;

    public BundleRetentionApi(BundleRetention retention) {
        this.retention = retention;
    }

    public void register(Router router) {
        router.get(PATH, r -> ApiResponse.ok(retention.get(AppsApi.appId(r))));
        router.put(PATH, r -> ApiResponse.ok(retention.set(r.principal(), AppsApi.appId(r),
                r.body(SetRetention.class).keepUnusedBundles())));
    }
}
