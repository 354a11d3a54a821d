package dev.patchbay.updater;

import dev.patchbay.updater.port.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One responsibility of the {@link Engine}: it shares the engine's ports, state and {@link #lock}, and the helpers
 * every part uses to commit, emit and describe bundles. Parts reach each other through {@link #engine}.
 */
abstract class EnginePart {
    /** After a failed download or stats flush, the next attempt (jittered). */
    static final Duration RESCHEDULE = Duration.ofMinutes(5);

    final Engine engine;
    final UpdaterConfig config;
    final Ports ports;
    final Jobs jobs;
    final Http http;
    final BundleFiles layout;
    final Prefs prefs;
    /** The engine's one lock: every state change happens under it. */
    final Object lock;

    EnginePart(Engine engine) {
        this.engine = engine;
        this.config = engine.config;
        this.ports = engine.ports;
        this.jobs = engine.jobs;
        this.http = engine.http;
        this.layout = engine.layout;
        this.prefs = engine.prefs;
        this.lock = engine.lock;
    }

    interface Work<T> {
        T call() throws Exception;
    }

    /** Runs {@code w} as a background job and completes {@code out} with its result. */
    <T> void job(CompletableFuture<T> out, Work<T> w) {
        jobs.run(() -> {
            try {
                out.complete(w.call());
            } catch (Exception e) {
                out.completeExceptionally(e);
            }
        });
        if (jobs.stopped() && !out.isDone()) {
            out.completeExceptionally(new UpdaterException("stopped", "The updater stopped"));
        }
    }

    /** Commits, turning a failed write (disk full) into an UpdaterException; nothing changed then. */
    void commit(Prefs.Tx tx) {
        if (jobs.stopped()) {
            // a stopped instance (shut down, or its process killed) never writes again
            throw new UpdaterException("stopped", "The updater was shut down");
        }
        try {
            tx.commit();
        } catch (UncheckedIOException e) {
            throw new UpdaterException("storage_failed", "The device could not save the change: " + e.getMessage(),
                    e);
        }
    }

    /** Commits an event-only change; a failure loses the event but nothing else. */
    void commitQuietly(Prefs.Tx tx) {
        if (jobs.stopped()) {
            return;
        }
        try {
            tx.commit();
        } catch (UncheckedIOException e) {
            // an event lost to a full disk is not a reason to fail the operation it describes
        }
    }

    void deleteQuietly(String id) {
        try {
            layout.delete(id);
        } catch (IOException e) {
            // removed at the next cold start (no record points at it)
        }
    }

    void emit(UpdaterEvent e) {
        for (UpdaterListener l : engine.events) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ignored) {
                // a listener's failure is not the runtime's
            }
        }
    }

    static boolean isBuiltin(String id) {
        return id == null || BundleInfo.BUILTIN_ID.equals(id);
    }

    String currentVersion() {
        return versionOf(prefs.current(), null);
    }

    String versionOf(String id, Map<String, BundleRecord> bundles) {
        if (isBuiltin(id)) {
            return BundleInfo.BUILTIN_ID;
        }
        BundleRecord r = bundles != null && bundles.containsKey(id) ? bundles.get(id) : prefs.bundle(id);
        return r == null ? null : r.version();
    }

    BundleInfo info(String id, Map<String, BundleRecord> bundles) {
        if (isBuiltin(id)) {
            return new BundleInfo(BundleInfo.BUILTIN_ID, ports.app().nativeVersion(), -1, BundleStatus.SUCCESS, null,
                    null, null, 100);
        }
        BundleRecord r = bundles != null && bundles.containsKey(id) ? bundles.get(id) : prefs.bundle(id);
        if (r != null) {
            return r.info();
        }
        BundleInfo t = engine.downloads.transientBundles.get(id);
        return t != null ? t : unknown(id);
    }

    /** CompletableFuture.failedFuture is missing before Android 12. */
    static <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.completeExceptionally(t);
        return f;
    }

    static BundleInfo unknown(String id) {
        return new BundleInfo(id, null, -1, BundleStatus.ERROR, "unknown bundle", null, null, 0);
    }

    static Map<String, String> details(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
