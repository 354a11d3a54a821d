package dev.patchbay.updater;

import dev.patchbay.updater.port.Clock;
import java.util.Map;

/**
 * Confirmation and rollback of the current bundle: {@code notifyAppReady} from a page of it confirms it, and a
 * bundle not confirmed in time, or that failed, is rolled back to the last confirmed one or builtin.
 */
final class Confirmation extends EnginePart {
    private Clock.Cancellable appReadyTimer;

    Confirmation(Engine engine) {
        super(engine);
    }

    BundleInfo notifyAppReady(String callingPage) {
        synchronized (lock) {
            String cur = prefs.current();
            if (!engine.webView.loadedPageOf(cur, callingPage)) {
                // A page of another bundle (the old one during a switch) cannot confirm this one.
                return info(cur, null);
            }
            if (isBuiltin(cur)) {
                emit(new UpdaterEvent.AppReady(info(cur, null), "builtin"));
                return info(cur, null);
            }
            BundleRecord rec = prefs.bundle(cur);
            if (rec == null || rec.status() == BundleStatus.ERROR) {
                return info(cur, null);
            }
            if (rec.status() == BundleStatus.SUCCESS) {
                cancelAppReadyTimer();
                emit(new UpdaterEvent.AppReady(rec.info(), "already confirmed"));
                return rec.info();
            }
            String previous = prefs.fallback();
            BundleRecord ok = rec.withStatus(BundleStatus.SUCCESS, null).withLaunches(0);
            Prefs.Tx tx = prefs.tx().bundle(ok).put(Prefs.FALLBACK, cur).event("app_ready", rec.version());
            boolean deletePrevious = config.autoDeletePrevious() && !isBuiltin(previous) && !previous.equals(cur)
                    && !previous.equals(prefs.next()) && prefs.bundle(previous) != null;
            if (deletePrevious) {
                BundleRecord p = prefs.bundle(previous);
                tx.remove(Prefs.BUNDLE + previous).event("delete", p.version());
            }
            commit(tx);
            cancelAppReadyTimer();
            if (deletePrevious) {
                deleteQuietly(previous);
            }
            emit(new UpdaterEvent.AppReady(ok.info(), "confirmed"));
            // The server learns of the confirmation now, not at the next check or lifecycle change.
            jobs.run(engine.stats::flushStats);
            return ok.info();
        }
    }

    void startAppReadyTimer(String id) {
        cancelAppReadyTimer();
        appReadyTimer = jobs.schedule(config.appReadyTimeout(), () -> {
            synchronized (lock) {
                BundleRecord rec = prefs.bundle(id);
                if (id.equals(prefs.current()) && rec != null && rec.status() == BundleStatus.PENDING) {
                    rollback(id, "notifyAppReady was not called within " + config.appReadyTimeout().toMillis()
                            + " ms", true);
                }
            }
        });
    }

    void cancelAppReadyTimer() {
        if (appReadyTimer != null) {
            appReadyTimer.cancel();
            appReadyTimer = null;
        }
    }

    /** Under lock: the current bundle failed; back to the last good one or builtin, and never again if its fault. */
    private void rollback(String id, String reason, boolean markFailed) {
        BundleRecord rec = prefs.bundle(id);
        String target = rollbackTarget(prefs.fallback(), id, null);
        Prefs.Tx tx = prefs.tx().put(Prefs.CURRENT, target);
        if (id.equals(prefs.next())) {
            tx.remove(Prefs.NEXT);
        }
        boolean delete = rec != null && config.autoDeleteFailed();
        BundleInfo failedInfo = rec == null ? unknown(id) : rec.withStatus(BundleStatus.ERROR, reason).info();
        if (rec != null) {
            if (markFailed) {
                tx.put(Prefs.FAILED + rec.version(), reason);
            }
            if (delete) {
                tx.remove(Prefs.BUNDLE + id);
            } else {
                tx.bundle(rec.withStatus(BundleStatus.ERROR, reason));
            }
        }
        tx.event("rollback", rec == null ? null : rec.version(), null,
                Map.of("reason", reason, "to", versionOf(target, null)));
        try {
            commit(tx);
        } catch (UpdaterException e) {
            // Not saved (disk full): serve the good bundle now anyway; the next start counts the bad one's
            // launches and rolls it back for good.
            cancelAppReadyTimer();
            engine.webView.switchWebView(target);
            emit(new UpdaterEvent.UpdateFailed(failedInfo, reason + " (not saved: " + e.getMessage() + ")",
                    info(target, null)));
            return;
        }
        cancelAppReadyTimer();
        engine.webView.switchWebView(target);
        if (delete) {
            deleteQuietly(id);
        }
        emit(new UpdaterEvent.UpdateFailed(failedInfo, reason, info(target, null)));
        emit(new UpdaterEvent.Set(info(target, null)));
        emit(new UpdaterEvent.AppReloaded());
        jobs.run(engine.stats::flushStats);
    }

    String rollbackTarget(String fallback, String exclude, Map<String, BundleRecord> bundles) {
        if (fallback == null || isBuiltin(fallback) || fallback.equals(exclude)) {
            return BundleInfo.BUILTIN_ID;
        }
        BundleRecord f = bundles == null ? prefs.bundle(fallback) : bundles.get(fallback);
        if (f == null || f.status() != BundleStatus.SUCCESS || layout.problem(fallback, false) != null) {
            return BundleInfo.BUILTIN_ID;
        }
        return fallback;
    }
}
