package dev.patchbay.client;

import java.time.Instant;

/**
 * Filters of {@link PatchbayClient#audit(AuditQuery)}; null fields do not filter.
 *
 * @param appId  entries of this app
 * @param actor  entries whose actor contains this text (case-insensitive)
 * @param action an action ({@code channel.update}), or a prefix of actions ending in a dot ({@code rollout.})
 * @param target entries about exactly this target ({@code com.example.shop/production})
 * @param from   entries at or after this time
 * @param to     entries before this time
 * @param limit  entries per page, 1..500 (0 = the server's default, 50)
 * @param before the previous page's {@link AuditPage#next()}, or null for the newest entries
 */
public record AuditQuery(String appId, String actor, String action, String target, Instant from, Instant to,
                         int limit, String before) {

    /** Every entry, newest first, {@code limit} per page. */
    public static AuditQuery all(int limit) {
        return new AuditQuery(null, null, null, null, null, null, limit, null);
    }

    /** The same filters, the page after {@code next}. */
    public AuditQuery after(String next) {
        return new AuditQuery(appId, actor, action, target, from, to, limit, next);
    }
}
