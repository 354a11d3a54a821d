package dev.patchbay.server.auth;

import java.util.Set;

/**
 * Which {@link Permission} each management route needs. API key routes need {@link Permission#ADMIN}; other reads
 * need {@link Permission#READ}; writes under an app's channels, uploads, bundles (the Capgo-format twin), trust,
 * freshness certificate, bundle retention and rollouts need {@link Permission#PUBLISH}; device channel overrides need
 * {@link Permission#DEVICE_ADMIN}; every other write — including any route added later and not listed here — needs
 * {@link Permission#ADMIN} (fail closed).
 */
public final class RoutePermissions {
    private static final String APP = "/api/v1/apps/{appId}/";
    private static final Set<String> PUBLISH_AREAS = Set.of("channels", "uploads", "bundles", "trust",
            "freshness-cert", "bundle-retention");

    private RoutePermissions() {
    }

    public static Permission required(String method, String template) {
        if (template.startsWith("/api/v1/api-keys")) {
            return Permission.ADMIN; // even listing keys: names, roles and scopes are an admin's business
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            return Permission.READ;
        }
        if (template.endsWith("/channel-override") && template.startsWith(APP + "devices/")) {
            return Permission.DEVICE_ADMIN;
        }
        if (template.startsWith(APP)) {
            String area = template.substring(APP.length()).split("/", 2)[0];
            if (PUBLISH_AREAS.contains(area)) {
                return Permission.PUBLISH;
            }
        }
        return Permission.ADMIN;
    }
}
