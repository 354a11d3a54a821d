package dev.patchbay.client;

import java.time.Instant;

/**
 * One entry of the server's append-only audit log.
 *
 * @param actor  who: {@code key:<id> (<name>)}, {@code ... as <user>}, or {@code system:...} for the server itself
 * @param action what, e.g. {@code rollout.pause}
 * @param appId  the app it concerns, or null
 * @param target what it was done to, e.g. {@code com.example.shop/production}
 * @param detail the change in words or JSON (may be long)
 */
public record AuditEntry(long id, Instant at, String actor, String action, String appId, String target,
                         String detail) {
}
