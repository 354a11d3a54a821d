package dev.patchbay.server.channels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.Platform;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import java.util.Set;

/** {@code /api/v1/apps/{appId}/channels}: list, create, show, update (partial), delete. */
public final class ChannelsApi {
    private static final String BASE = "/api/v1/apps/{appId}/channels";

    private final ChannelStore store;

    public ChannelsApi(ChannelStore store) {
        this.store = store;
    }

    public void register(Router router) {
        router.get(BASE, r -> ApiResponse.items(store.list(AppsApi.appId(r))));
        router.post(BASE, this::create);
        router.get(BASE + "/{channel}", r -> ApiResponse.ok(store.get(AppsApi.appId(r), channel(r))));
        router.patch(BASE + "/{channel}", this::update);
        router.delete(BASE + "/{channel}", r -> {
            store.delete(r.principal(), AppsApi.appId(r), channel(r));
            return ApiResponse.noContent();
        });
    }

    private ApiResponse create(ApiRequest r) {
        String appId = AppsApi.appId(r);
        ChannelDraft draft = r.body(ChannelDraft.class).withDefaults();
        ChannelDraft valid = new ChannelDraft(Names.channelName(draft.name()), Names.description(draft.description()),
                draft.defaultFor(), draft.platforms(), draft.allowDeviceSelfAssign(), draft.allowEmulators(),
                draft.allowDevBuilds(), draft.updateGate(), draft.allowPhysicalDevices(), draft.allowProductionBuilds());
        checkPlatforms(valid.defaultFor(), valid.platforms());
        return ApiResponse.created(store.create(r.principal(), appId, valid));
    }

    private ApiResponse update(ApiRequest r) {
        String appId = AppsApi.appId(r);
        String name = channel(r);
        ApiRequest.Split<ChannelDraft> split = r.bodySplit(ChannelDraft.class, "bundle");
        ChannelDraft changes = split.rest();
        JsonNode bundleField = split.field();
        boolean setBundle = bundleField != null;
        String bundle = null;
        if (setBundle && !bundleField.isNull()) {
            if (!bundleField.isTextual() || bundleField.asText().isBlank()) {
                throw ApiError.badRequest("invalid_field",
                        "Field 'bundle' must be a bundle version such as \"1.4.0\", or null for the builtin assets", "bundle");
            }
            bundle = bundleField.asText().trim();
        }
        if (changes.name() != null && !changes.name().equals(name)) {
            throw ApiError.validation("name", "A channel cannot be renamed; create a new channel instead");
        }
        String description = changes.description() == null ? null : Names.description(changes.description());
        ChannelDraft clean = changes.withDescription(description);
        return ApiResponse.ok(store.update(r.principal(), appId, name, clean, setBundle, bundle, merged -> {
            checkPlatforms(merged.defaultFor(), merged.platforms());
            return merged;
        }));
    }

    private static void checkPlatforms(Set<Platform> defaultFor, Set<Platform> platforms) {
        if (platforms.isEmpty()) {
            throw ApiError.validation("platforms", "A channel must serve at least one platform");
        }
        if (!platforms.containsAll(defaultFor)) {
            throw ApiError.validation("defaultFor",
                    "A channel can be the default only for platforms it serves (" + platforms + ")");
        }
    }

    private static String channel(ApiRequest r) {
        return Names.channelName("channel", r.pathParam("channel"));
    }

}
