package dev.patchbay.updater;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.port.Clock;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Device events queued in {@link Prefs}, sent to the server's stats endpoint. */
final class Stats extends EnginePart {
    private boolean flushing;
    private Clock.Cancellable rescheduledFlush;

    Stats(Engine engine) {
        super(engine);
    }

    /** Sends queued events in batches (≤ 200 events, ≤ 256 KiB) with retries; acknowledged ones are removed. */
    void flushStats() {
        if (!config.statsEnabled() || jobs.stopped()) {
            return;
        }
        List<ObjectNode> batch = new ArrayList<>();
        ObjectNode body = Json.mapper().createObjectNode();
        synchronized (lock) {
            if (flushing) {
                return;
            }
            long size = 0;
            for (ObjectNode e : prefs.queue()) {
                size += e.toString().length() + 1;
                if (batch.size() >= 200 || size > 250_000) {
                    break;
                }
                batch.add(e);
            }
            if (batch.isEmpty()) {
                return;
            }
            flushing = true;
            body.put("appId", config.appId());
            body.put("deviceId", engine.identity.deviceId());
            ArrayNode events = body.putArray("events");
            batch.forEach(events::add);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Set<String> ids = new HashSet<>();
        batch.forEach(e -> ids.add(e.path("id").asText()));
        http.retrying(() -> http.postJson("/stats", bytes, 1 << 20)).whenComplete((r, e) -> jobs.run(() -> {
            boolean again = false;
            synchronized (lock) {
                flushing = false;
                Throwable c = e == null ? null : Download.unwrap(e);
                if (c == null || (c instanceof Http.Final f && f.status == 400)) {
                    // Delivered (or refused as malformed for good: dropped, never a poison pill).
                    try {
                        prefs.acknowledge(ids);
                        again = prefs.queue().size() > 0;
                    } catch (UncheckedIOException io) {
                        // kept; sent again later, deduplicated by id on the server
                    }
                } else if (rescheduledFlush == null) {
                    rescheduledFlush = jobs.schedule(http.jitter(RESCHEDULE), () -> {
                        synchronized (lock) {
                            rescheduledFlush = null;
                        }
                        flushStats();
                    });
                }
            }
            if (again) {
                flushStats();
            }
        }));
    }
}
