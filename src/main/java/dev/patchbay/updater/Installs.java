package dev.patchbay.updater;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Install scheduling: a downloaded bundle installed now (steps 5 and 6 of device-protocol §8) or queued for the next
 * background or cold start, held back by the delay conditions; the JS API's next, set and reset.
 */
final class Installs extends EnginePart {
    Installs(Engine engine) {
        super(engine);
    }

    /** Under lock: installs the queued bundle if no delay condition holds it back (background, or a JS call). */
    void installQueued() {
        String next = prefs.next();
        if (next == null) {
            return;
        }
        if (next.equals(prefs.current())) {
            commit(prefs.tx().remove(Prefs.NEXT));
            return;
        }
        if (!delays().isEmpty()) {
            return;
        }
        if (!isBuiltin(next)) {
            BundleRecord rec = prefs.bundle(next);
            if (rec == null || rec.status() == BundleStatus.ERROR || layout.problem(next, false) != null) {
                commit(prefs.tx().remove(Prefs.NEXT));
                return;
            }
        }
        installNow(next);
    }

    /**
     * Under lock: step 5 and 6 of device-protocol §8: {@code current} (+ sequence floor, + next cleared) in one
     * commit, then the WebView path.
     */
    void installNow(String id) {
        String old = prefs.current();
        BundleRecord rec = isBuiltin(id) ? null : prefs.bundle(id);
        Prefs.Tx tx = prefs.tx().put(Prefs.CURRENT, id);
        if (id.equals(prefs.next()) || (prefs.next() != null && isBuiltin(id))) {
            tx.remove(Prefs.NEXT);
        }
        if (rec != null) {
            if (rec.sequence() > prefs.sequenceFloor()) {
                tx.put(Prefs.SEQUENCE_FLOOR, Long.toString(rec.sequence()));
            }
            if (rec.status() != BundleStatus.SUCCESS) {
                rec = rec.withLaunches(1);
                tx.bundle(rec);
            }
        }
        tx.event("set", versionOf(id, null), versionOf(old, null), null);
        commit(tx);
        engine.webView.switchWebView(id);
        if (rec != null && rec.status() != BundleStatus.SUCCESS) {
            engine.confirmation.startAppReadyTimer(id);
        } else {
            engine.confirmation.cancelAppReadyTimer();
        }
        emit(new UpdaterEvent.Set(info(id, null)));
        emit(new UpdaterEvent.AppReloaded());
    }

    void setNext(String id) {
        commit(prefs.tx().put(Prefs.NEXT, id).event("set_next", versionOf(id, null)));
        emit(new UpdaterEvent.SetNext(info(id, null)));
    }

    BundleInfo next(String id) {
        synchronized (lock) {
            if (!isBuiltin(id)) {
                requireInstallable(id);
            }
            if (id.equals(prefs.current())) {
                if (prefs.next() != null) {
                    commit(prefs.tx().remove(Prefs.NEXT));
                }
                return info(id, null);
            }
            setNext(id);
            return info(id, null);
        }
    }

    BundleInfo set(String id) {
        synchronized (lock) {
            if (!isBuiltin(id)) {
                requireInstallable(id);
            }
            installNow(id);
            return info(id, null);
        }
    }

    private void requireInstallable(String id) {
        BundleRecord rec = prefs.bundle(id);
        if (rec == null) {
            throw new UpdaterException("not_found", "No downloaded bundle has id " + id);
        }
        if (rec.status() == BundleStatus.ERROR) {
            throw new UpdaterException("not_allowed", "Bundle " + id + " (" + rec.version() + ") failed: "
                    + rec.reason());
        }
        String problem = layout.problem(id, false);
        if (problem != null) {
            throw new UpdaterException("not_allowed", "Bundle " + id + " cannot be installed: " + problem);
        }
    }

    BundleInfo reset(boolean toLastSuccessful) {
        synchronized (lock) {
            String target = toLastSuccessful ? engine.confirmation.rollbackTarget(prefs.fallback(), null, null)
                    : BundleInfo.BUILTIN_ID;
            String cur = prefs.current();
            Prefs.Tx tx = prefs.tx().event("reset", versionOf(target, null), versionOf(cur, null),
                    Map.of("reason", toLastSuccessful ? "to_last_successful" : "to_builtin"));
            commit(tx);
            installNow(target);
            return info(target, null);
        }
    }

    void setDelays(List<DelayCondition> conditions) {
        List<DelayCondition> list = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
        for (DelayCondition d : list) {
            Delays.validate(d);
        }
        synchronized (lock) {
            Prefs.Tx tx = prefs.tx();
            putDelays(tx, list);
            tx.event("delay_set", currentVersion(), null, Map.of("conditions", Delays.json(list)));
            commit(tx);
        }
    }

    void cancelDelay() {
        synchronized (lock) {
            commit(prefs.tx().remove(Prefs.DELAYS).event("delay_cancel", currentVersion()));
        }
    }

    List<DelayCondition> delays() {
        return Delays.parse(prefs.get(Prefs.DELAYS));
    }

    static long backgroundMillis(DelayCondition d) {
        return Delays.backgroundMillis(d);
    }

    boolean satisfied(DelayCondition d) {
        return Delays.satisfied(d, ports.clock().now(), ports.app().nativeVersion());
    }

    void putDelays(Prefs.Tx tx, List<DelayCondition> list) {
        if (list.isEmpty()) {
            tx.remove(Prefs.DELAYS);
        } else {
            tx.put(Prefs.DELAYS, Delays.json(list));
        }
    }
}
