package dev.patchbay.server.apps;

import dev.patchbay.domain.Names;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;

/** {@code /api/v1/apps}: list, create, show, rename, delete. */
public final class AppsApi {
    record CreateApp(String id, String name) {
    }

    /** A PATCH: a new display name, and/or Capgo-compatible delivery on or off (at least one of them). */
    record UpdateApp(String name, Boolean capgoCompat) {
    }

    private final AppStore store;

    public AppsApi(AppStore store) {
        this.store = store;
    }

    public void register(Router router) {
        router.get("/api/v1/apps", r -> ApiResponse.items(
                store.list().stream().filter(a -> r.principal().mayAccess(a.id())).toList()));
        router.post("/api/v1/apps", this::create);
        router.get("/api/v1/apps/{appId}", r -> ApiResponse.ok(store.get(appId(r))));
        router.patch("/api/v1/apps/{appId}", this::rename);
        router.delete("/api/v1/apps/{appId}", r -> {
            store.delete(r.principal(), appId(r));
            return ApiResponse.noContent();
        });
    }

    private ApiResponse create(ApiRequest r) {
        CreateApp body = r.body(CreateApp.class);
        String id = Names.appId("id", body.id());
        String name = Names.appName(body.name());
        return ApiResponse.created(store.create(r.principal(), id, name));
    }

    private ApiResponse rename(ApiRequest r) {
        String id = appId(r);
        UpdateApp body = r.body(UpdateApp.class);
        if (body.name() == null && body.capgoCompat() == null) {
            throw dev.patchbay.server.http.ApiError.badRequest("validation_failed",
                    "Give 'name' and/or 'capgoCompat' to change", "name");
        }
        dev.patchbay.domain.App app = body.name() == null ? store.get(id)
                : store.rename(r.principal(), id, Names.appName(body.name()));
        if (body.capgoCompat() != null) {
            app = store.setCapgoCompat(r.principal(), id, body.capgoCompat());
        }
        return ApiResponse.ok(app);
    }

    /** The {@code appId} path parameter, validated (a malformed id is a 400 naming it, not a 404). */
    public static String appId(ApiRequest r) {
        return Names.appId("appId", r.pathParam("appId"));
    }
}
