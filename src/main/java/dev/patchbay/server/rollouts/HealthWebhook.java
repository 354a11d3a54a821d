package dev.patchbay.server.rollouts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a person's tools when the health policy fires (docs/rollouts.md §4): one JSON {@code POST} per action —
 * pause, rollback or notify — to the URL given with {@code serve --health-webhook} (a chat or paging integration).
 * Sent in the background with a 10 s timeout; a failure is logged and never holds up or undoes the action.
 */
public final class HealthWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(HealthWebhook.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final HttpClient http;

    private HealthWebhook(URI uri) {
        this.uri = uri;
        this.http = uri == null ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** No webhook: {@link #send} does nothing. */
    public static HealthWebhook none() {
        return new HealthWebhook(null);
    }

    /** A webhook to an http(s) URL; anything else is refused with a message naming the URL. */
    public static HealthWebhook to(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The health webhook must be an http(s) URL, not " + url);
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            throw new IllegalArgumentException("The health webhook must be an http(s) URL, not " + url);
        }
        return new HealthWebhook(u);
    }

    public boolean enabled() {
        return uri != null;
    }

    /** The body of one notification (also what tests and docs show). */
    static ObjectNode body(Rollout before, Rollout after, HealthAction action, HealthReading h, Instant at) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("event", "rollout.health");
        b.put("action", action.name().toLowerCase(java.util.Locale.ROOT));
        b.put("appId", before.appId());
        b.put("channel", before.channel());
        b.put("rolloutId", before.id());
        b.put("targetBundle", before.targetBundle());
        if (before.stableBundle() != null) {
            b.put("stableBundle", before.stableBundle());
        }
        b.put("state", after.state().wireName());
        b.put("bps", after.bps());
        b.put("reason", h.reason());
        b.put("attempts", h.attempts());
        b.put("failures", h.failures());
        b.put("at", at.toString());
        return b;
    }

    /** Posts the notification in the background (no-op without a URL). */
    void send(Rollout before, Rollout after, HealthAction action, HealthReading h, Instant at) {
        if (uri == null) {
            return;
        }
        String json = body(before, after, action, h, at).toString();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "patchbay-server")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
                LOG.warn("Health webhook {} for rollout {} ({}/{}) failed: {}", uri, before.id(), before.appId(),
                        before.channel(), error.toString());
            } else if (response.statusCode() / 100 != 2) {
                LOG.warn("Health webhook {} for rollout {} answered HTTP {}", uri, before.id(), response.statusCode());
            }
        });
    }
}
