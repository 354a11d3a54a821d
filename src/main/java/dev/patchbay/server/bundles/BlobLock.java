package dev.patchbay.server.bundles;

import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.store.InstanceLock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock that session changes, commits and blob collection take turns on (ADR 0118): within this process a
 * reentrant lock, and while a thread holds it, the {@link InstanceLock} {@code blobs} that every instance on the same
 * database server takes, so a collection on one instance never deletes a blob that a session being created or committed
 * on another counts on.
 */
final class BlobLock {
    /** How long a commit or collection waits for another instance's before it answers 503. */
    static final Duration WAIT = Duration.ofMinutes(2);

    private final ReentrantLock local = new ReentrantLock();
    private final Database db;
    private InstanceLock instances;

    BlobLock(Database db) {
        this.db = db;
    }

    void lock() {
        local.lock();
        if (local.getHoldCount() > 1 || db == null) {
            return;
        }
        try {
            instances = InstanceLock.acquire(db, "blobs", WAIT);
        } catch (IOException | RuntimeException e) {
            local.unlock();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new ApiError(503, "busy", e.getMessage() + "; try again", null);
        }
    }

    void unlock() {
        if (local.getHoldCount() == 1 && instances != null) {
            InstanceLock held = instances;
            instances = null;
            held.close();
        }
        local.unlock();
    }
}
