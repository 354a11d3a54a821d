package dev.patchbay.server.rollouts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rollout verbs and reads of docs/rollouts.md §5: {@code /api/v1/apps/{appId}/channels/{channel}/rollout[/verb]},
 * {@code /api/v1/apps/{appId}/rollouts} and {@code /api/v1/apps/{appId}/rollouts/{id}/history}.
 */
public final class RolloutsApi {
    private static final String ROLLOUT = "/api/v1/apps/{appId}/channels/{channel}/rollout";
    private static final String ROLLOUTS = "/api/v1/apps/{appId}/rollouts";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    static final int DEFAULT_LIMIT = 50;
    /** Bodies that may carry a rollback release (its blob list can be long). */
    static final long MAX_BODY = 8L * 1024 * 1024;

    record StartBody(String targetBundle, Integer bps, RolloutPlan plan, HealthPolicy health, JsonNode rollbackRelease,
                     String reason, Long expectedRevision, String preflight) {
    }

    /** The longest preflight note a start may carry (docs/rollouts.md §5). */
    static final int MAX_PREFLIGHT = 2000;

    record VerbBody(String reason, Long expectedRevision) {
    }

    record SetBody(Integer bps, String reason, Long expectedRevision) {
    }

    record RollbackBody(String reason, JsonNode rollbackRelease, Long expectedRevision) {
    }

    record PlanBody(RolloutPlan plan, HealthPolicy health, String reason, Long expectedRevision) {
    }

    private final RolloutService service;

    public RolloutsApi(RolloutService service) {
        this.service = service;
    }

    public void register(Router router) {
        router.get(ROLLOUT, r -> ApiResponse.ok(service.current(AppsApi.appId(r), channel(r))));
        router.post(ROLLOUT, MAX_BODY, this::start);
        router.post(ROLLOUT + "/set", r -> {
            SetBody b = r.body(SetBody.class);
            return ApiResponse.ok(service.set(r.principal(), AppsApi.appId(r), channel(r), b.bps(), b.reason(),
                    b.expectedRevision()));
        });
        router.post(ROLLOUT + "/pause", r -> {
            VerbBody b = r.body(VerbBody.class);
            return ApiResponse.ok(service.pause(r.principal(), AppsApi.appId(r), channel(r), b.reason(),
                    b.expectedRevision()));
        });
        router.post(ROLLOUT + "/resume", r -> {
            VerbBody b = r.body(VerbBody.class);
            return ApiResponse.ok(service.resume(r.principal(), AppsApi.appId(r), channel(r), b.reason(),
                    b.expectedRevision()));
        });
        router.post(ROLLOUT + "/advance", r -> {
            VerbBody b = r.body(VerbBody.class);
            return ApiResponse.ok(service.advance(r.principal(), AppsApi.appId(r), channel(r), b.reason(),
                    b.expectedRevision()));
        });
        router.post(ROLLOUT + "/promote", r -> {
            VerbBody b = r.body(VerbBody.class);
            return ApiResponse.ok(service.promote(r.principal(), AppsApi.appId(r), channel(r), b.reason(),
                    b.expectedRevision()));
        });
        router.post(ROLLOUT + "/rollback", MAX_BODY, r -> {
            RollbackBody b = r.body(RollbackBody.class);
            return ApiResponse.ok(service.rollback(r.principal(), AppsApi.appId(r), channel(r), b.reason(),
                    envelope(b.rollbackRelease()), b.expectedRevision()));
        });
        router.put(ROLLOUT + "/plan", this::plan);
        router.get(ROLLOUTS, this::list);
        router.get(ROLLOUTS + "/{rolloutId}/history", r -> ApiResponse.items(
                service.history(AppsApi.appId(r), rolloutId(r))));
    }

    private ApiResponse start(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String channel = channel(r);
        StartBody b = r.body(StartBody.class);
        Rollout out = service.start(r.principal(), appId, channel, new RolloutService.Start(b.targetBundle(), b.bps(),
                b.plan(), b.health(), envelope(b.rollbackRelease()), b.reason(), b.expectedRevision(),
                preflight(b.preflight())));
        return ApiResponse.created(out);
    }

    private ApiResponse plan(ApiRequest r) {
        PlanBody b = r.body(PlanBody.class);
        JsonNode tree = dev.patchbay.server.http.StrictJson.tree(r.rawBody());
        return ApiResponse.ok(service.updatePlan(r.principal(), AppsApi.appId(r), channel(r), tree.has("plan"),
                b.plan(), tree.has("health"), b.health(), b.reason(), b.expectedRevision()));
    }

    private ApiResponse list(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String state = r.query("state") == null ? "all" : r.query("state");
        if (!List.of("active", "ended", "all").contains(state)) {
            throw ApiError.badRequest("invalid_field", "Query parameter 'state' must be active, ended or all", "state");
        }
        int limit = DEFAULT_LIMIT;
        String l = r.query("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > RolloutService.MAX_LIMIT) {
                throw ApiError.badRequest("invalid_field", "Query parameter 'limit' must be from 1 to "
                        + RolloutService.MAX_LIMIT, "limit");
            }
        }
        String after = r.query("after");
        if (after != null && !ID.matcher(after).matches()) {
            throw ApiError.badRequest("invalid_field", "Query parameter 'after' must be a rollout id", "after");
        }
        List<Rollout> items = service.list(appId, state, limit, after);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("next", items.size() == limit ? items.get(items.size() - 1).id() : null);
        return ApiResponse.ok(out);
    }

    /**
     * The client's note of the preflight it ran before the start (passed, or failed and forced), stored in the audit
     * entry; null when absent. One line of printable text, at most {@link #MAX_PREFLIGHT} characters.
     */
    static String preflight(String note) {
        if (note == null) {
            return null;
        }
        String n = note.strip();
        if (n.isEmpty()) {
            throw ApiError.validation("preflight", "Field 'preflight' must not be empty: leave it out instead");
        }
        if (n.length() > MAX_PREFLIGHT) {
            throw ApiError.validation("preflight", "Field 'preflight' is " + n.length() + " characters; at most "
                    + MAX_PREFLIGHT);
        }
        if (n.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw ApiError.validation("preflight", "Field 'preflight' must be one line without control characters");
        }
        return n;
    }

    /** The embedded release envelope as bytes, or null when absent. */
    private static byte[] envelope(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiError.badRequest("invalid_field", "Field 'rollbackRelease' must be a signed release envelope"
                    + " (a JSON object)", "rollbackRelease");
        }
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("invalid_field", "Field 'rollbackRelease' cannot be read", "rollbackRelease");
        }
    }

    private static String channel(ApiRequest r) {
        return Names.channelName("channel", r.pathParam("channel"));
    }

    private static String rolloutId(ApiRequest r) {
        String id = r.pathParam("rolloutId");
        if (!ID.matcher(id).matches()) {
            throw ApiError.badRequest("invalid_field", "'" + (id.length() > 40 ? id.substring(0, 40) : id)
                    + "' is not a rollout id (16 hex characters)", "rolloutId");
        }
        return id;
    }
}
