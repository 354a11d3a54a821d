package dev.patchbay.updater;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The app's lifecycle as the runtime sees it: the cold start reconciles persisted state with the files (a native
 * change, a damaged or unconfirmed current bundle rolled back, a queued bundle installed), and foreground and
 * background clear delay conditions, install what is queued, and start or stop checks.
 */
final class Lifecycle extends EnginePart {
    /** Cold starts an unconfirmed bundle gets before it is rolled back (an app that crashes before it confirms). */
    static final int MAX_UNCONFIRMED_LAUNCHES = 2;

    private final PeriodicCheck periodic;
    private boolean started;
    private long backgroundSince = -1;
    /** This launch is the first after a fresh install or a native update (for {@link AutoUpdate#AT_INSTALL}). */
    private boolean installLaunch;

    Lifecycle(Engine engine) {
        super(engine);
        this.periodic = new PeriodicCheck(jobs, config.autoUpdate() == AutoUpdate.OFF ? Duration.ZERO
                : config.periodCheckDelay(), () -> engine.checks.scheduleCheck());
    }

    /** Under lock: this launch is the first after a fresh install or a native update. */
    boolean installLaunch() {
        return installLaunch;
    }

    void onColdStart() {
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
            List<UpdaterEvent> emit = new ArrayList<>();
            List<String> deleteAfter = new ArrayList<>();
            Prefs.Tx tx = prefs.tx();
            engine.identity.ensureDeviceId(tx);
            try {
                layout.cleanup(prefs.bundles().keySet());
            } catch (IOException e) {
                // leftovers stay until the next start; they are never booted
            }
            Map<String, BundleRecord> bundles = new HashMap<>(prefs.bundles());
            String current = prefs.current();
            String next = prefs.next();
            String fallback = prefs.fallback();
            String oldVersion = versionOf(current, bundles);

            String build = Long.toString(ports.app().nativeBuild());
            String storedBuild = prefs.get(Prefs.NATIVE_BUILD);
            if (!build.equals(storedBuild)) {
                tx.put(Prefs.NATIVE_BUILD, build);
                installLaunch = true;
            }
            if (storedBuild != null && !build.equals(storedBuild)) {
                tx.event("native_changed", oldVersion, null, Map.of("from", storedBuild, "to", build));
                if (config.resetWhenUpdate()) {
                    for (String id : bundles.keySet()) {
                        tx.remove(Prefs.BUNDLE + id);
                        deleteAfter.add(id);
                    }
                    bundles.clear();
                    if (!isBuiltin(current)) {
                        tx.event("reset", BundleInfo.BUILTIN_ID, oldVersion, Map.of("reason", "native_changed"));
                    }
                    current = BundleInfo.BUILTIN_ID;
                    next = null;
                    fallback = BundleInfo.BUILTIN_ID;
                    tx.remove(Prefs.CURRENT).remove(Prefs.NEXT).remove(Prefs.FALLBACK);
                }
            }

            List<DelayCondition> delays = engine.installs.delays();
            List<DelayCondition> remaining = new ArrayList<>();
            for (DelayCondition d : delays) {
                if (d.kind() != DelayCondition.Kind.KILL && !engine.installs.satisfied(d)) {
                    remaining.add(d);
                }
            }
            if (remaining.size() != delays.size()) {
                engine.installs.putDelays(tx, remaining);
            }

            if (!isBuiltin(current)) {
                BundleRecord rec = bundles.get(current);
                String problem;
                boolean theBundlesFault = false;
                if (rec == null) {
                    problem = "its record is missing";
                } else if (rec.status() == BundleStatus.ERROR) {
                    problem = "it failed before: " + rec.reason();
                } else {
                    problem = layout.problem(current, rec.status() != BundleStatus.SUCCESS);
                }
                if (problem == null && rec.status() == BundleStatus.PENDING) {
                    if (rec.launches() >= MAX_UNCONFIRMED_LAUNCHES) {
                        problem = "it did not call notifyAppReady in " + rec.launches() + " launches";
                        theBundlesFault = true;
                    } else {
                        BundleRecord counted = rec.withLaunches(rec.launches() + 1);
                        bundles.put(current, counted);
                        tx.bundle(counted);
                    }
                }
                if (problem != null) {
                    String target = engine.confirmation.rollbackTarget(fallback, current, bundles);
                    tx.put(Prefs.CURRENT, target);
                    if (Objects.equals(next, current)) {
                        next = null;
                        tx.remove(Prefs.NEXT);
                    }
                    BundleInfo failedInfo = null;
                    if (rec != null) {
                        BundleRecord failed = rec.withStatus(BundleStatus.ERROR, problem);
                        failedInfo = failed.info();
                        if (theBundlesFault) {
                            tx.put(Prefs.FAILED + rec.version(), problem);
                        }
                        if (theBundlesFault && config.autoDeleteFailed()) {
                            tx.remove(Prefs.BUNDLE + current);
                            deleteAfter.add(current);
                            bundles.remove(current);
                        } else {
                            tx.bundle(failed);
                            bundles.put(current, failed);
                        }
                    }
                    tx.event("rollback", rec != null ? rec.version() : null, null, Map.of("reason", problem, "to", versionOf(target, bundles)));
                    emit.add(new UpdaterEvent.UpdateFailed(failedInfo == null ? unknown(current) : failedInfo,
                            problem, info(target, bundles)));
                    current = target;
                }
            }

            if (next != null && !isBuiltin(next)) {
                BundleRecord n = bundles.get(next);
                if (n == null || n.status() == BundleStatus.ERROR
                        || layout.problem(next, n.status() != BundleStatus.SUCCESS) != null) {
                    next = null;
                    tx.remove(Prefs.NEXT);
                }
            }
            if (next != null && next.equals(current)) {
                next = null;
                tx.remove(Prefs.NEXT);
            }
            if (next != null && remaining.isEmpty()) {
                // The queued bundle is installed at a kill as at a background (capgo-protocol §5.5).
                String old = current;
                current = next;
                tx.put(Prefs.CURRENT, current).remove(Prefs.NEXT);
                BundleRecord n = bundles.get(current);
                if (n != null) {
                    if (n.sequence() > prefs.sequenceFloor()) {
                        tx.put(Prefs.SEQUENCE_FLOOR, Long.toString(n.sequence()));
                    }
                    if (n.status() != BundleStatus.SUCCESS) {
                        n = n.withLaunches(1);
                        bundles.put(current, n);
                        tx.bundle(n);
                    }
                }
                tx.event("set", versionOf(current, bundles), versionOf(old, bundles), null);
                emit.add(new UpdaterEvent.Set(info(current, bundles)));
            }
            tx.event("app_launch", versionOf(current, bundles));
            boolean saved = true;
            try {
                tx.commit();
            } catch (UncheckedIOException e) {
                // Disk full: nothing was saved, the same decisions are made at the next start; serve them now.
                saved = false;
            }
            engine.webView.serve(current);
            if (saved) {
                for (String id : deleteAfter) {
                    deleteQuietly(id);
                }
            }
            engine.webView.expectLaunchPage(current);
            BundleRecord cur = bundles.get(current);
            if (cur != null && cur.status() == BundleStatus.PENDING) {
                engine.confirmation.startAppReadyTimer(current);
            }
            emit.forEach(this::emit);
        }
        if (config.autoUpdate() != AutoUpdate.OFF) {
            engine.checks.scheduleCheck();
        }
        periodic.foreground();
        engine.stats.flushStats();
    }

    void onForeground() {
        try {
            foreground();
        } catch (RuntimeException e) {
            // platform glue never fails: a change that could not be saved is made again later
        }
    }

    private void foreground() {
        synchronized (lock) {
            Prefs.Tx tx = prefs.tx();
            List<DelayCondition> delays = engine.installs.delays();
            List<DelayCondition> remaining = new ArrayList<>();
            long inBackground = backgroundSince < 0 ? -1 : ports.clock().elapsedRealtime() - backgroundSince;
            for (DelayCondition d : delays) {
                boolean cleared = engine.installs.satisfied(d) || (d.kind() == DelayCondition.Kind.BACKGROUND
                        && inBackground >= 0 && inBackground >= Installs.backgroundMillis(d));
                if (!cleared) {
                    remaining.add(d);
                }
            }
            if (remaining.size() != delays.size()) {
                engine.installs.putDelays(tx, remaining);
            }
            backgroundSince = -1;
            tx.event("foreground", versionOf(prefs.current(), null));
            commit(tx);
        }
        if (config.autoUpdate() != AutoUpdate.OFF) {
            engine.checks.scheduleCheck();
        }
        periodic.foreground();
    }

    void onBackground() {
        try {
            background();
        } catch (RuntimeException e) {
            // as onForeground
        }
    }

    private void background() {
        synchronized (lock) {
            periodic.background();
            backgroundSince = ports.clock().elapsedRealtime();
            Prefs.Tx tx = prefs.tx();
            List<DelayCondition> delays = engine.installs.delays();
            List<DelayCondition> remaining = new ArrayList<>();
            for (DelayCondition d : delays) {
                if (!engine.installs.satisfied(d)) {
                    remaining.add(d);
                }
            }
            if (remaining.size() != delays.size()) {
                engine.installs.putDelays(tx, remaining);
            }
            tx.event("background", versionOf(prefs.current(), null));
            commit(tx);
            engine.installs.installQueued();
        }
        engine.stats.flushStats();
    }
}
