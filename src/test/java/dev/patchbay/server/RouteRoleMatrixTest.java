package dev.patchbay.server;

import static dev.patchbay.server.DeviceFixture.json;
import static dev.patchbay.server.DeviceFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every management route × every role, over HTTP against a real server (ADR 0095). The routes come from the server's
 * own routing table, and each must appear in {@link #EXPECTED}, so a route added later cannot escape the matrix: the
 * test fails until someone decides who may call it. Requests name an app that does not exist, so an allowed call is
 * answered 400/404 and nothing is changed; a refused one must be a 403 "forbidden".
 */
class RouteRoleMatrixTest {
    /** Who may call each route: a = admin, p = publisher, d = device-admin, v = viewer. */
    private static final String EXPECTED = """
            GET /api/v1/me                                                    apdv
            GET /api/v1/apps                                                  apdv
            POST /api/v1/apps                                                 a
            GET /api/v1/apps/{appId}                                          apdv
            PATCH /api/v1/apps/{appId}                                        a
            DELETE /api/v1/apps/{appId}                                       a
            GET /api/v1/apps/{appId}/channels                                 apdv
            POST /api/v1/apps/{appId}/channels                                ap
            GET /api/v1/apps/{appId}/channels/{channel}                       apdv
            PATCH /api/v1/apps/{appId}/channels/{channel}                     ap
            DELETE /api/v1/apps/{appId}/channels/{channel}                    ap
            GET /api/v1/apps/{appId}/trust                                    apdv
            PUT /api/v1/apps/{appId}/trust                                    ap
            POST /api/v1/apps/{appId}/uploads                                 ap
            DELETE /api/v1/apps/{appId}/uploads/{uploadId}                    ap
            GET /api/v1/apps/{appId}/uploads/{uploadId}/blobs/{sha256}        apdv
            PUT /api/v1/apps/{appId}/uploads/{uploadId}/blobs/{sha256}        ap
            POST /api/v1/apps/{appId}/uploads/{uploadId}/commit               ap
            GET /api/v1/apps/{appId}/bundles                                  apdv
            GET /api/v1/apps/{appId}/bundles/{version}                        apdv
            DELETE /api/v1/apps/{appId}/bundles/{version}                     ap
            GET /api/v1/apps/{appId}/bundles/{version}/capgo                  apdv
            PUT /api/v1/apps/{appId}/bundles/{version}/capgo                  ap
            PUT /api/v1/apps/{appId}/bundles/{version}/capgo/blobs/{sha256}   ap
            GET /api/v1/apps/{appId}/blobs/{sha256}                           apdv
            GET /api/v1/apps/{appId}/bundle-retention                         apdv
            PUT /api/v1/apps/{appId}/bundle-retention                         ap
            GET /api/v1/server/freshness-key                                  apdv
            GET /api/v1/apps/{appId}/freshness-cert                           apdv
            PUT /api/v1/apps/{appId}/freshness-cert                           ap
            GET /api/v1/apps/{appId}/devices                                  apdv
            GET /api/v1/apps/{appId}/devices/changes                          apdv
            GET /api/v1/apps/{appId}/devices/{deviceId}                       apdv
            GET /api/v1/apps/{appId}/devices/{deviceId}/events                apdv
            PUT /api/v1/apps/{appId}/devices/{deviceId}/channel-override      ad
            DELETE /api/v1/apps/{appId}/devices/{deviceId}/channel-override   ad
            GET /api/v1/apps/{appId}/rollouts/{rolloutId}/series              apdv
            GET /api/v1/apps/{appId}/rollouts/{rolloutId}/failed-devices      apdv
            GET /api/v1/audit                                                 apdv
            GET /api/v1/apps/{appId}/overview                                 apdv
            GET /api/v1/apps/{appId}/channels/{channel}/rollout               apdv
            POST /api/v1/apps/{appId}/channels/{channel}/rollout              ap
            POST /api/v1/apps/{appId}/channels/{channel}/rollout/set          ap
            POST /api/v1/apps/{appId}/channels/{channel}/rollout/pause        ap
            POST /api/v1/apps/{appId}/channels/{channel}/rollout/resume       ap
            POST /api/v1/apps/{appId}/channels/{channel}/rollout/advance      ap
            POST /api/v1/apps/{appId}/channels/{channel}/rollout/promote      ap
            POST /api/v1/apps/{appId}/channels/{channel}/rollout/rollback     ap
            PUT /api/v1/apps/{appId}/channels/{channel}/rollout/plan          ap
            GET /api/v1/apps/{appId}/rollouts                                 apdv
            GET /api/v1/apps/{appId}/rollouts/{rolloutId}/history             apdv
            GET /api/v1/api-keys                                              a
            POST /api/v1/api-keys                                             a
            GET /api/v1/api-keys/{keyId}                                      a
            PATCH /api/v1/api-keys/{keyId}                                    a
            POST /api/v1/api-keys/{keyId}/revoke                              a
            POST /api/v1/api-keys/{keyId}/rotate                              a
            """;
    /** Routes outside one app that an app-scoped key may call. */
    private static final Set<String> SCOPED_GLOBAL = Set.of("GET /api/v1/me", "GET /api/v1/apps",
            "GET /api/v1/server/freshness-key");
    private static final String GHOST = "com.example.ghost";

    @TempDir
    Path dataDir;

    record Caller(String label, char role, boolean scopedToGhost, boolean scopedElsewhere, String key) {
    }

    @Test
    void everyManagementRouteRefusesEveryRoleItDoesNotGrant() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        EXPECTED.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> {
            String[] f = l.split("\\s+");
            expected.put(f[0] + " " + f[1], f[2]);
        });
        Set<String> unlisted = new TreeSet<>();
        List<String[]> routes = new ArrayList<>();
        for (var route : PatchbayServer.routes(null, Clock.systemUTC()).routes()) {
            if (route.open()) {
                continue;
            }
            String k = route.method() + " " + route.template();
            if (!expected.containsKey(k)) {
                unlisted.add(k);
            }
            routes.add(new String[] {route.method(), route.template()});
        }
        assertEquals(Set.of(), unlisted, "routes missing from the role matrix: decide who may call them");
        assertEquals(expected.size(), routes.size(), "the matrix lists routes the server no longer has");

        try (RunningServer s = RunningServer.start(dataDir)) {
            List<Caller> callers = List.of(
                    new Caller("admin", 'a', false, false, s.adminKey),
                    new Caller("publisher", 'p', false, false, key(s, "pub", "publisher", null)),
                    new Caller("viewer", 'v', false, false, key(s, "view", "viewer", null)),
                    new Caller("device-admin", 'd', false, false, key(s, "devadm", "device-admin", null)),
                    new Caller("publisher@ghost", 'p', true, false, key(s, "pub-ghost", "publisher", GHOST)),
                    new Caller("publisher@other", 'p', false, true, key(s, "pub-other", "publisher", "com.example.other")),
                    new Caller("device-admin@ghost", 'd', true, false, key(s, "devadm-ghost", "device-admin", GHOST)));
            int checked = 0;
            for (String[] r : routes) {
                String method = r[0];
                String template = r[1];
                String roles = expected.get(method + " " + template);
                boolean appRoute = template.contains("{appId}");
                for (Caller c : callers) {
                    boolean allowed = roles.indexOf(c.role()) >= 0;
                    if (c.scopedElsewhere() && appRoute) {
                        allowed = false;
                    }
                    if ((c.scopedToGhost() || c.scopedElsewhere()) && !appRoute
                            && !SCOPED_GLOBAL.contains(method + " " + template)) {
                        // The audit log is readable by a scoped key only for its own apps (the call asks ?app=ghost).
                        allowed = allowed && template.equals("/api/v1/audit") && c.scopedToGhost();
                    }
                    HttpResponse<String> answer = call(s, method, template, c.key());
                    String where = c.label() + " " + method + " " + template + " -> " + answer.statusCode() + " "
                            + answer.body();
                    if (allowed) {
                        assertTrue(answer.statusCode() != 403 && answer.statusCode() != 401, where);
                    } else {
                        assertEquals(403, answer.statusCode(), where);
                        assertEquals("forbidden", dev.patchbay.domain.Json.mapper().readTree(answer.body()).path("error").asText(), where);
                    }
                    checked++;
                }
            }
            assertTrue(checked >= 7 * 50, "checked " + checked);
            assertEquals(403, s.send("GET", "/api/v1/audit", null, callers.get(4).key(), null).statusCode(),
                    "a scoped key reads the audit log only when it names one of its apps");
            // A revoked key is refused on every route, at once.
            ok(s.json("POST", "/api/v1/api-keys/pub/revoke", null), 200);
            for (String[] r : routes) {
                HttpResponse<String> answer = call(s, r[0], r[1], callers.get(1).key());
                assertEquals(401, answer.statusCode(), "revoked publisher " + r[0] + " " + r[1] + " -> " + answer.body());
            }
            // The allowed calls changed nothing: no app was created, no key besides the seven.
            assertEquals(0, json(s.json("GET", "/api/v1/apps", null)).path("items").size());
            assertEquals(7, json(s.json("GET", "/api/v1/api-keys", null)).path("items").size());
        }
    }

    static String key(RunningServer s, String name, String role, String app) throws Exception {
        String apps = app == null ? "" : ",\"apps\":[\"" + app + "\"]";
        JsonNode created = ok(s.json("POST", "/api/v1/api-keys",
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"" + apps + "}"), 201);
        return created.path("secret").asText();
    }

    private static HttpResponse<String> call(RunningServer s, String method, String template, String key)
            throws Exception {
        String path = template.replace("{appId}", GHOST).replace("{channel}", "production")
                .replace("{uploadId}", "u1").replace("{sha256}", "0".repeat(64)).replace("{version}", "1.0.0")
                .replace("{deviceId}", "dev-1").replace("{rolloutId}", "0123456789abcdef").replace("{keyId}", "nope");
        if (template.equals("/api/v1/audit")) {
            path += "?app=" + GHOST;
        }
        boolean body = !method.equals("GET") && !method.equals("HEAD") && !method.equals("DELETE");
        return s.send(method, path, body ? "{}" : null, key, body ? "application/json" : null);
    }
}
