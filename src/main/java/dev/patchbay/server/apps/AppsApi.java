package dev.patchbay.server.apps;

import dev.patchbay.domain.Names;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;

/** {@code /api/v1/apps}: list, create, show, rename, delete. */
public final class AppsApi {
    record CreateApp(String id, String name) {
    }

    record RenameApp(String name) {
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
        RenameApp body = r.body(RenameApp.class);
        return ApiResponse.ok(store.rename(r.principal(), id, Names.appName(body.name())));
    }

    /** The {@code appId} path parameter, validated (a malformed id is a 400 naming it, not a 404). */
    public static String appId(ApiRequest r) {
        return Names.appId("appId", r.pathParam("appId"));
    }
}
