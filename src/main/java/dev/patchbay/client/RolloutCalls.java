package dev.patchbay.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;

/** The rollout calls of {@link PatchbayClient} (documented there): the rollout verbs, lists, history and health. */
final class RolloutCalls extends ApiCalls {
    RolloutCalls(ApiTransport transport) {
        super(transport);
    }

    RolloutSeries rolloutSeries(String appId, String rolloutId, java.time.Instant from, java.time.Instant to,
                                int stepSeconds) {
        HttpUrl.Builder u = url("apps", appId, "rollouts", rolloutId, "series").newBuilder()
                .addQueryParameter("step", String.valueOf(stepSeconds));
        range(u, from, to);
        return call(get(u.build()), type(RolloutSeries.class));
    }

    List<FailedDevice> rolloutFailedDevices(String appId, String rolloutId, java.time.Instant from,
                                            java.time.Instant to, int limit) {
        HttpUrl.Builder u = url("apps", appId, "rollouts", rolloutId, "failed-devices").newBuilder()
                .addQueryParameter("limit", String.valueOf(limit));
        range(u, from, to);
        return items(call(get(u.build()), type(Items.class)), FailedDevice.class);
    }

    private static void range(HttpUrl.Builder u, java.time.Instant from, java.time.Instant to) {
        if (from != null) {
            u.addQueryParameter("from", from.toString());
        }
        if (to != null) {
            u.addQueryParameter("to", to.toString());
        }
    }

    Rollout startRollout(String appId, String channel, RolloutStart start) {
        ObjectNode body = json.createObjectNode();
        body.put("targetBundle", start.targetBundle());
        if (start.bps() != null) {
            body.put("bps", start.bps());
        }
        if (start.plan() != null) {
            body.set("plan", json.valueToTree(start.plan()));
        }
        if (start.health() != null) {
            body.set("health", json.valueToTree(start.health()));
        }
        if (start.rollbackRelease() != null) {
            body.set("rollbackRelease", releaseNode(start.rollbackRelease()));
        }
        body.put("reason", start.reason());
        if (start.preflight() != null) {
            body.put("preflight", start.preflight());
        }
        return call(send("POST", rolloutUrl(appId, channel), body), type(Rollout.class));
    }

    Rollout setRolloutPercentage(String appId, String channel, int bps, String reason, Long expectedRevision) {
        ObjectNode body = verbBody(reason, expectedRevision);
        body.put("bps", bps);
        return call(send("POST", rolloutUrl(appId, channel, "set"), body), type(Rollout.class));
    }

    Rollout rollbackRollout(String appId, String channel, String reason, byte[] rollbackReleaseOrNull,
                            Long expectedRevision) {
        ObjectNode body = verbBody(reason, expectedRevision);
        if (rollbackReleaseOrNull != null) {
            body.set("rollbackRelease", releaseNode(rollbackReleaseOrNull));
        }
        return call(send("POST", rolloutUrl(appId, channel, "rollback"), body), type(Rollout.class));
    }

    Rollout updateRolloutPlan(String appId, String channel, RolloutPlan plan, HealthPolicy health,
                              String reason, Long expectedRevision) {
        ObjectNode body = verbBody(reason, expectedRevision);
        body.set("plan", plan == null ? json.nullNode() : json.valueToTree(plan));
        body.set("health", health == null ? json.nullNode() : json.valueToTree(health));
        return call(send("PUT", rolloutUrl(appId, channel, "plan"), body), type(Rollout.class));
    }

    List<Rollout> rollouts(String appId, String state) {
        List<Rollout> out = new java.util.ArrayList<>();
        String after = null;
        do {
            HttpUrl.Builder u = url("apps", appId, "rollouts").newBuilder()
                    .addQueryParameter("state", state == null ? "all" : state)
                    .addQueryParameter("limit", "200");
            if (after != null) {
                u.addQueryParameter("after", after);
            }
            RolloutPage page = call(get(u.build()), type(RolloutPage.class));
            if (page == null || page.items() == null) {
                throw new ServerErrorException(200, "bad_response", "Server answered without an 'items' list");
            }
            out.addAll(page.items());
            after = page.next();
        } while (after != null);
        return out;
    }

    private record RolloutPage(List<Rollout> items, String next) {
    }

    Rollout rolloutVerb(String appId, String channel, String verb, String reason, Long expectedRevision) {
        return call(send("POST", rolloutUrl(appId, channel, verb), verbBody(reason, expectedRevision)),
                type(Rollout.class));
    }

    private ObjectNode verbBody(String reason, Long expectedRevision) {
        ObjectNode body = json.createObjectNode();
        body.put("reason", reason);
        if (expectedRevision != null) {
            body.put("expectedRevision", expectedRevision);
        }
        return body;
    }

    private HttpUrl rolloutUrl(String appId, String channel, String... verb) {
        HttpUrl u = url("apps", appId, "channels", channel, "rollout");
        return verb.length == 0 ? u : u.newBuilder().addPathSegment(verb[0]).build();
    }

    private JsonNode releaseNode(byte[] envelope) {
        try {
            JsonNode n = json.readTree(envelope);
            if (n == null || !n.isObject()) {
                throw new ValidationException("rollbackRelease", "The rollback release is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ValidationException("rollbackRelease", "The rollback release is not JSON: " + ApiTransport.rootMessage(e));
        }
    }
}
