package dev.patchbay.server.auth;

import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.http.Router;
import java.util.Set;

/**
 * Checks every management route against the calling key's role and app scope (ADR 0095) before its handler runs.
 * Applied to the whole routing table, so a route added later is covered without anyone remembering to: it needs
 * {@link Permission#ADMIN} unless {@link RoutePermissions} says otherwise.
 */
public final class Authorization {
    /** Routes outside any one app that an app-scoped key may still call (the app list is filtered by its handler). */
    private static final Set<String> SCOPED_GLOBAL = Set.of("/api/v1/me", "/api/v1/apps", "/api/v1/server/freshness-key");
    private static final String AUDIT = "/api/v1/audit";

    private Authorization() {
    }

    /** Wraps every route that needs a key in the check. Call after all routes (and other decorations) are added. */
    public static void enforce(Router router) {
        router.decorate(route -> {
            if (route.open()) {
                return route;
            }
            Router.Handler inner = route.handler();
            return new Router.Route(route.method(), route.template(), route.open(), route.streaming(), route.maxBody(),
                    r -> {
                        check(route.method(), route.template(), r);
                        return inner.handle(r);
                    });
        });
    }

    static void check(String method, String template, ApiRequest r) {
        Principal p = r.principal();
        Permission need = RoutePermissions.required(method, template);
        Role role = Role.ofStored(p.role());
        if (!role.grants(need)) {
            throw forbidden("Key '" + p.name() + "' has role " + role.wire() + ", which may not " + what(need)
                    + " (" + method + " " + template + " needs " + needs(need) + ")");
        }
        if (p.apps() == null) {
            return;
        }
        String app = r.pathParam("appId");
        if (app != null) {
            if (!p.mayAccess(app)) {
                throw forbidden("Key '" + p.name() + "' is limited to apps " + String.join(", ", p.apps())
                        + " and may not touch " + app);
            }
        } else if (template.equals(AUDIT)) {
            String asked = r.query("app");
            if (asked == null || !p.mayAccess(asked)) {
                throw forbidden("Key '" + p.name() + "' is limited to apps " + String.join(", ", p.apps())
                        + ": ask for one of them with ?app=");
            }
        } else if (!SCOPED_GLOBAL.contains(template)) {
            throw forbidden("Key '" + p.name() + "' is limited to apps " + String.join(", ", p.apps())
                    + " and may not call " + method + " " + template);
        }
    }

    private static String what(Permission p) {
        return switch (p) {
            case READ -> "read";
            case PUBLISH -> "publish, edit channels or drive rollouts";
            case DEVICE_ADMIN -> "change device channel overrides";
            case ADMIN -> "manage apps or API keys";
        };
    }

    private static String needs(Permission p) {
        return switch (p) {
            case READ -> "any role";
            case PUBLISH -> "publisher or admin";
            case DEVICE_ADMIN -> "device-admin or admin";
            case ADMIN -> "admin";
        };
    }

    private static ApiError forbidden(String message) {
        return new ApiError(403, "forbidden", message, null);
    }
}
