package dev.patchbay.client;

import java.util.List;

/** A page of audit entries, newest first; {@code next} is the cursor of the following page, null on the last one. */
public record AuditPage(List<AuditEntry> items, String next) {
    public AuditPage {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
