package dev.patchbay.updater;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Json;
import dev.patchbay.updater.port.Clock;
import dev.patchbay.updater.port.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime behind {@link Updater}. Every state change happens under {@link #lock} as one {@link Prefs.Tx}; network
 * and file work runs as {@link Jobs}; the install is the sequence of atomic steps of device-protocol §8.
 */
final class Engine {
    /** Cold starts an unconfirmed bundle gets before it is rolled back (an app that crashes before it confirms). */
    static final int MAX_UNCONFIRMED_LAUNCHES = 2;
    /** After a failed download or stats flush, the next attempt (jittered). */
    static final Duration RESCHEDULE = Duration.ofMinutes(5);
    static final long MAX_ANSWER_BYTES = 16L << 20;
    static final String SERVER_BASE_PATH = "serverBasePath";
    private static final char[] ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();

    final List<UpdaterListener> events = new CopyOnWriteArrayList<>();
    final UpdaterConfig config;
    final Ports ports;
    final Jobs jobs;
    final Http http;
    final BundleFiles layout;
    final Prefs prefs;
    private final TrustRoot trust;
    private final UpdateCheck updateCheck;
    private final Object lock = new Object();

    private boolean started;
    /** The bundle the WebView serves in this process; may differ from {@code current} if a write failed. */
    private volatile String served;
    private long backgroundSince = -1;
    private String expectedPage;
    private boolean pageLoaded;
    private String lastLoadedPage;
    private boolean anyPageLoaded;
    private Clock.Cancellable appReadyTimer;
    private Clock.Cancellable rescheduledCheck;
    private Clock.Cancellable rescheduledFlush;
    private final AtomicBoolean checking = new AtomicBoolean();
    private boolean firstCheckAfterLaunch = true;
    /** This launch is the first after a fresh install or a native update (for {@link AutoUpdate#AT_INSTALL}). */
    private boolean installLaunch;
    private final PeriodicCheck periodic;
    private boolean flushing;
    private final Map<String, CompletableFuture<BundleInfo>> inflight = new HashMap<>();
    private final Map<String, BundleInfo> transientBundles = new LinkedHashMap<>();
    private Map<String, Download.Source> builtinHashes;
    private volatile Duration serverClockOffset;

    Engine(UpdaterConfig config, Ports ports) {
        this.config = config;
        this.ports = ports;
        this.jobs = new Jobs(ports.background(), ports.clock());
        this.http = new Http(ports.http(), config, jobs);
        this.trust = TrustRoot.create(config.appId(), config.rootPublicKey(), config.contentKeyId());
        this.layout = new BundleFiles(ports.files(), trust);
        this.updateCheck = new UpdateCheck(config, trust);
        this.prefs = new Prefs(ports.prefs(), ports.clock(), config.statsEnabled());
        this.periodic = new PeriodicCheck(jobs, config.autoUpdate() == AutoUpdate.OFF ? Duration.ZERO
                : config.periodCheckDelay(), () -> scheduleCheck());
    }

    // ------------------------------------------------------------------ lifecycle

    void onColdStart() {
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
            List<UpdaterEvent> emit = new ArrayList<>();
            List<String> deleteAfter = new ArrayList<>();
            Prefs.Tx tx = prefs.tx();
            ensureDeviceId(tx);
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

            List<DelayCondition> delays = delays();
            List<DelayCondition> remaining = new ArrayList<>();
            for (DelayCondition d : delays) {
                if (d.kind() != DelayCondition.Kind.KILL && !satisfied(d)) {
                    remaining.add(d);
                }
            }
            if (remaining.size() != delays.size()) {
                putDelays(tx, remaining);
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
                    String target = rollbackTarget(fallback, current, bundles);
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
            served = current;
            syncWebView(current, false);
            if (saved) {
                for (String id : deleteAfter) {
                    deleteQuietly(id);
                }
            }
            // The WebView may have loaded its page before the runtime (Capacitor creates it first): that load
            // counts if it is of the bundle the runtime settled on.
            expectedPage = layout.absolute(current);
            pageLoaded = anyPageLoaded && Objects.equals(lastLoadedPage, expectedPage);
            BundleRecord cur = bundles.get(current);
            if (cur != null && cur.status() == BundleStatus.PENDING) {
                startAppReadyTimer(current);
            }
            emit.forEach(this::emit);
        }
        if (config.autoUpdate() != AutoUpdate.OFF) {
            scheduleCheck();
        }
        periodic.foreground();
        flushStats();
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
            List<DelayCondition> delays = delays();
            List<DelayCondition> remaining = new ArrayList<>();
            long inBackground = backgroundSince < 0 ? -1 : ports.clock().elapsedRealtime() - backgroundSince;
            for (DelayCondition d : delays) {
                boolean cleared = satisfied(d) || (d.kind() == DelayCondition.Kind.BACKGROUND && inBackground >= 0
                        && inBackground >= backgroundMillis(d));
                if (!cleared) {
                    remaining.add(d);
                }
            }
            if (remaining.size() != delays.size()) {
                putDelays(tx, remaining);
            }
            backgroundSince = -1;
            tx.event("foreground", versionOf(prefs.current(), null));
            commit(tx);
        }
        if (config.autoUpdate() != AutoUpdate.OFF) {
            scheduleCheck();
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
            List<DelayCondition> delays = delays();
            List<DelayCondition> remaining = new ArrayList<>();
            for (DelayCondition d : delays) {
                if (!satisfied(d)) {
                    remaining.add(d);
                }
            }
            if (remaining.size() != delays.size()) {
                putDelays(tx, remaining);
            }
            tx.event("background", versionOf(prefs.current(), null));
            commit(tx);
            installQueued();
        }
        flushStats();
    }

    void onPageLoaded(String path) {
        synchronized (lock) {
            lastLoadedPage = path;
            anyPageLoaded = true;
            if (Objects.equals(path, expectedPage)) {
                pageLoaded = true;
            }
        }
    }

    String serverBasePath() {
        return layout.absolute(servedId());
    }

    private String servedId() {
        String s = served;
        return s != null ? s : prefs.current();
    }

    // ------------------------------------------------------------------ confirm and rollback

    BundleInfo notifyAppReady(String callingPage) {
        synchronized (lock) {
            String cur = prefs.current();
            if (!Objects.equals(callingPage, layout.absolute(cur)) || !pageLoaded) {
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
            jobs.run(this::flushStats);
            return ok.info();
        }
    }

    private void startAppReadyTimer(String id) {
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

    private void cancelAppReadyTimer() {
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
            switchWebView(target);
            emit(new UpdaterEvent.UpdateFailed(failedInfo, reason + " (not saved: " + e.getMessage() + ")",
                    info(target, null)));
            return;
        }
        cancelAppReadyTimer();
        switchWebView(target);
        if (delete) {
            deleteQuietly(id);
        }
        emit(new UpdaterEvent.UpdateFailed(failedInfo, reason, info(target, null)));
        emit(new UpdaterEvent.Set(info(target, null)));
        emit(new UpdaterEvent.AppReloaded());
        jobs.run(this::flushStats);
    }

    private String rollbackTarget(String fallback, String exclude, Map<String, BundleRecord> bundles) {
        if (fallback == null || isBuiltin(fallback) || fallback.equals(exclude)) {
            return BundleInfo.BUILTIN_ID;
        }
        BundleRecord f = bundles == null ? prefs.bundle(fallback) : bundles.get(fallback);
        if (f == null || f.status() != BundleStatus.SUCCESS || layout.problem(fallback, false) != null) {
            return BundleInfo.BUILTIN_ID;
        }
        return fallback;
    }

    // ------------------------------------------------------------------ install

    /** Under lock: installs the queued bundle if no delay condition holds it back (background, or a JS call). */
    private void installQueued() {
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
    private void installNow(String id) {
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
        switchWebView(id);
        if (rec != null && rec.status() != BundleStatus.SUCCESS) {
            startAppReadyTimer(id);
        } else {
            cancelAppReadyTimer();
        }
        emit(new UpdaterEvent.Set(info(id, null)));
        emit(new UpdaterEvent.AppReloaded());
    }

    /** Persists the WebView path (CapWebViewSettings) for the next cold start, and tells the WebView if asked. */
    private void syncWebView(String id, boolean tell) {
        String path = layout.absolute(id);
        String stored = ports.webViewSettings().get(SERVER_BASE_PATH);
        if (!Objects.equals(stored, path)) {
            try {
                if (path == null) {
                    ports.webViewSettings().remove(SERVER_BASE_PATH);
                } else {
                    ports.webViewSettings().put(SERVER_BASE_PATH, path);
                }
            } catch (UncheckedIOException e) {
                // re-derived from `current` at the next cold start
            }
            // The Bridge read the old value when it was created: it must hear of the change.
            ports.webView().setServerBasePath(path);
        } else if (tell) {
            ports.webView().setServerBasePath(path);
        }
    }

    private void switchWebView(String id) {
        served = id;
        expectedPage = layout.absolute(id);
        pageLoaded = false;
        anyPageLoaded = false;
        syncWebView(id, true);
    }

    // ------------------------------------------------------------------ checks

    /** Starts an automatic check unless one is running. */
    CheckStatus scheduleCheck() {
        if (config.autoUpdate() == AutoUpdate.OFF || jobs.stopped()) {
            return CheckStatus.UNAVAILABLE;
        }
        if (!checking.compareAndSet(false, true)) {
            return CheckStatus.ALREADY_RUNNING;
        }
        boolean launchCheck;
        synchronized (lock) {
            launchCheck = firstCheckAfterLaunch;
            firstCheckAfterLaunch = false;
        }
        check(null).whenComplete((latest, e) -> {
            if (e != null) {
                checkDone();
                return;
            }
            // handle() changes state: it runs as a job so that a fatal error stops the runtime
            jobs.run(() -> handle(latest, launchCheck).whenComplete((x, e2) -> checkDone()));
            if (jobs.stopped()) {
                checking.set(false);
            }
        });
        return CheckStatus.QUEUED;
    }

    private void checkDone() {
        checking.set(false);
        flushStats();
    }

    CheckStatus triggerUpdateCheck() {
        return scheduleCheck();
    }

    /** One update check: request with a fresh nonce, retries, and every check of the answer. */
    CompletableFuture<LatestVersion> check(String channel) {
        String nonce = Codec.b64(randomBytes(16));
        byte[] body;
        synchronized (lock) {
            body = checkRequest(channel, nonce);
        }
        CompletableFuture<LatestVersion> out = new CompletableFuture<>();
        http.retrying(() -> http.postJson("/updates", body, MAX_ANSWER_BYTES)).whenComplete((bytes, e) -> job(out,
                () -> {
                    if (e != null) {
                        Throwable cause = Download.unwrap(e);
                        String reason = cause.getMessage();
                        synchronized (lock) {
                            boolean limited = cause instanceof Http.Retryable r && r.status == 429
                                    || cause instanceof Http.Final f && f.status == 429;
                            commitQuietly(prefs.tx().event(limited ? "rate_limited" : "check", currentVersion(),
                                    null, Map.of("outcome", "error", "error", String.valueOf(reason))));
                        }
                        emit(new UpdaterEvent.CheckFailed(reason));
                        throw new UpdaterException("check_failed", "The update check failed: " + reason, cause);
                    }
                    return verifyAnswer(bytes, nonce);
                }));
        return out;
    }

    private byte[] checkRequest(String channel, String nonce) {
        String cur = prefs.current();
        BundleRecord rec = isBuiltin(cur) ? null : prefs.bundle(cur);
        return updateCheck.request(ports.app(), deviceId(), rec, channel != null ? channel : channel(),
                prefs.get(Prefs.CUSTOM_ID), nonce);
    }

    /** The answer's checks (UpdateCheck); a refusal is reported and changes nothing. */
    private LatestVersion verifyAnswer(byte[] bytes, String nonce) {
        UpdateCheck.Verified v;
        try {
            v = updateCheck.verify(bytes, deviceId(), nonce, prefs.sequenceFloor(), ports.app().nativeVersion());
        } catch (UpdateCheck.Refused r) {
            throw r.freshness ? freshnessFail(r.getMessage()) : verifyFail(r.version, r.getMessage());
        }
        serverClockOffset = Duration.between(ports.clock().now(), v.statement().issuedAt());
        LatestVersion l = v.latest();
        synchronized (lock) {
            Prefs.Tx tx = prefs.tx().event("check", currentVersion(), null, details("outcome", l.kind(), "error",
                    l.error()));
            if (l.isUpdate()) {
                tx.event("update_available", l.version());
            }
            commitQuietly(tx);
        }
        emit(new UpdaterEvent.UpdateCheckResult(l.kind(), l.error(), l.message(), l.version(), current().bundle()));
        return l;
    }

    private UpdaterException freshnessFail(String reason) {
        synchronized (lock) {
            commitQuietly(prefs.tx().event("freshness_fail", currentVersion(), null, Map.of("reason", reason)));
        }
        emit(new UpdaterEvent.FreshnessFailed(reason));
        return new UpdaterException("freshness_fail", "The update answer was refused: " + reason);
    }

    private UpdaterException verifyFail(String version, String reason) {
        synchronized (lock) {
            commitQuietly(prefs.tx().event("verify_fail", version, null, Map.of("reason", reason)));
        }
        emit(new UpdaterEvent.VerifyFailed(version, reason));
        return new UpdaterException("verify_fail", "Release " + version + " was refused: " + reason);
    }

    /** What an automatic check does with a verified answer, per auto-update mode. */
    private CompletableFuture<Void> handle(LatestVersion latest, boolean launchCheck) {
        synchronized (lock) {
            BundleInfo cur = info(prefs.current(), null);
            if (latest.isUpdate()) {
                PendingRelease pr = latest.release;
                String failed = prefs.failed(pr.version());
                if (failed != null) {
                    emit(new UpdaterEvent.NoNeedUpdate(cur, "failed_before: " + failed));
                    return CompletableFuture.completedFuture(null);
                }
                if (pr.envelopeSha256().equals(cur.checksum())) {
                    emit(new UpdaterEvent.NoNeedUpdate(cur, "already_current"));
                    return CompletableFuture.completedFuture(null);
                }
                BundleRecord next = prefs.bundle(prefs.next());
                if (next != null && pr.envelopeSha256().equals(next.envelopeSha256())) {
                    if (immediate(launchCheck) && delays().isEmpty()) {
                        installQueued();
                    }
                    return CompletableFuture.completedFuture(null);
                }
            } else if (latest.kind().equals("builtin")) {
                if (isBuiltin(prefs.current())) {
                    emit(new UpdaterEvent.NoNeedUpdate(cur, "already_on_builtin"));
                } else if (immediate(launchCheck) && delays().isEmpty()) {
                    installNow(BundleInfo.BUILTIN_ID);
                } else if (!BundleInfo.BUILTIN_ID.equals(prefs.next())
                        && config.autoUpdate() != AutoUpdate.ONLY_DOWNLOAD) {
                    setNext(BundleInfo.BUILTIN_ID);
                }
                return CompletableFuture.completedFuture(null);
            } else {
                emit(new UpdaterEvent.NoNeedUpdate(cur, latest.error() == null ? latest.kind() : latest.error()));
                return CompletableFuture.completedFuture(null);
            }
        }
        CompletableFuture<Void> out = new CompletableFuture<>();
        download(latest).whenComplete((info, e) -> job(out, () -> {
            if (e == null) {
                synchronized (lock) {
                    apply(info.id(), launchCheck);
                }
            }
            return null;
        }));
        return out;
    }

    private boolean immediate(boolean launchCheck) {
        AutoUpdate m = config.autoUpdate();
        return m == AutoUpdate.ALWAYS || (m == AutoUpdate.ON_LAUNCH && launchCheck)
                || (m == AutoUpdate.AT_INSTALL && launchCheck && installLaunch);
    }

    /** Under lock: a downloaded bundle is installed now or queued, per mode and delay conditions. */
    private void apply(String id, boolean launchCheck) {
        BundleRecord rec = prefs.bundle(id);
        if (rec == null || rec.status() == BundleStatus.ERROR || id.equals(prefs.current())
                || config.autoUpdate() == AutoUpdate.ONLY_DOWNLOAD) {
            return;
        }
        if (immediate(launchCheck) && delays().isEmpty()) {
            installNow(id);
        } else if (!id.equals(prefs.next())) {
            setNext(id);
        }
    }

    private void setNext(String id) {
        commit(prefs.tx().put(Prefs.NEXT, id).event("set_next", versionOf(id, null)));
        emit(new UpdaterEvent.SetNext(info(id, null)));
    }

    // ------------------------------------------------------------------ download

    CompletableFuture<BundleInfo> download(LatestVersion latest) {
        if (latest == null || latest.release == null) {
            return failed(new UpdaterException("not_update",
                    "Only an \"update\" answer of getLatest can be downloaded"));
        }
        PendingRelease pr = latest.release;
        String id;
        CompletableFuture<BundleInfo> f;
        synchronized (lock) {
            CompletableFuture<BundleInfo> running = inflight.get(pr.envelopeSha256());
            if (running != null) {
                return running;
            }
            for (BundleRecord r : prefs.bundles().values()) {
                if (r.envelopeSha256().equals(pr.envelopeSha256()) && r.status() != BundleStatus.ERROR
                        && layout.problem(r.id(), false) == null) {
                    return CompletableFuture.completedFuture(r.info());
                }
            }
            if (prefs.failed(pr.version()) != null) {
                return failed(new UpdaterException("failed_before", "Bundle "
                        + pr.version() + " failed on this device before: " + prefs.failed(pr.version())));
            }
            id = newId();
            f = new CompletableFuture<>();
            inflight.put(pr.envelopeSha256(), f);
            BundleInfo info = downloadingInfo(id, pr, 0);
            transientBundles.put(id, info);
            commitQuietly(prefs.tx().event("download_start", pr.version()));
            emit(new UpdaterEvent.Download(0, info));
        }
        Download d = new Download(this, pr, id, pct -> progress(id, pr, pct));
        d.run().whenComplete((m, e) -> {
            jobs.run(() -> finishDownload(d, id, pr, e == null ? null : Download.unwrap(e), f));
            if (jobs.stopped() && !f.isDone()) {
                f.completeExceptionally(new UpdaterException("stopped", "The updater stopped"));
            }
        });
        return f;
    }

    private BundleInfo downloadingInfo(String id, PendingRelease pr, int pct) {
        return new BundleInfo(id, pr.version(), pr.release().sequence(), BundleStatus.DOWNLOADING, null, null,
                pr.envelopeSha256(), pct);
    }

    private void progress(String id, PendingRelease pr, int pct) {
        BundleInfo info = downloadingInfo(id, pr, pct);
        synchronized (lock) {
            transientBundles.put(id, info);
        }
        if (pct >= 10 && pct <= 90) {
            prefs.defer("download_progress", pr.version(), Map.of("percent", Integer.toString(pct)));
        }
        emit(new UpdaterEvent.Download(pct, info));
    }

    private void finishDownload(Download d, String id, PendingRelease pr, Throwable e, CompletableFuture<BundleInfo> f) {
        synchronized (lock) {
            inflight.remove(pr.envelopeSha256());
            if (e == null) {
                BundleRecord rec = new BundleRecord(id, pr.version(), pr.release().sequence(), BundleStatus.PENDING,
                        null, ports.clock().now(), pr.envelopeSha256(), 0);
                try {
                    commit(prefs.tx().bundle(rec).event("download_complete", pr.version(), null,
                            d.patchDetails()));
                } catch (UpdaterException storage) {
                    e = new Download.StorageFailure(new IOException(storage.getMessage()));
                }
                if (e == null) {
                    transientBundles.remove(id);
                    d.dropCiphertext();
                    emit(new UpdaterEvent.Download(100, rec.info()));
                    emit(new UpdaterEvent.DownloadComplete(rec.info()));
                    emit(new UpdaterEvent.UpdateAvailable(rec.info()));
                    f.complete(rec.info());
                    return;
                }
            }
            String action;
            boolean reschedule = false;
            boolean keep = false;
            if (e instanceof CryptoException) {
                action = "verify_fail";
            } else if (e instanceof Download.StorageFailure) {
                action = "disk_full";
            } else if (e instanceof Http.Retryable || e instanceof Download.DeadlineExceeded
                    || e instanceof Http.Final) {
                action = "download_fail";
                reschedule = true;
                keep = true;
            } else if (e instanceof IOException || e instanceof UncheckedIOException) {
                action = "disk_full";
            } else {
                action = "download_fail";
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            d.discard(keep);
            BundleInfo failed = new BundleInfo(id, pr.version(), pr.release().sequence(), BundleStatus.ERROR, reason,
                    null, pr.envelopeSha256(), 0);
            transientBundles.put(id, failed);
            commitQuietly(prefs.tx().event(action, pr.version(), null, Map.of("reason", reason)));
            if (action.equals("verify_fail")) {
                emit(new UpdaterEvent.VerifyFailed(pr.version(), reason));
            }
            emit(new UpdaterEvent.DownloadFailed(pr.version(), reason));
            if (reschedule && config.autoUpdate() != AutoUpdate.OFF) {
                rescheduleCheck();
            }
            f.completeExceptionally(new UpdaterException(action, "Downloading " + pr.version() + " failed: "
                    + reason, e));
        }
    }

    private void rescheduleCheck() {
        if (rescheduledCheck != null) {
            rescheduledCheck.cancel();
        }
        rescheduledCheck = jobs.schedule(http.jitter(RESCHEDULE), () -> {
            synchronized (lock) {
                rescheduledCheck = null;
            }
            scheduleCheck();
        });
    }

    /** Plaintext SHA-256 → a local file with that content: builtin assets and the files of other bundles. */
    Map<String, Download.Source> localSources(String excludeId) throws IOException {
        Map<String, Download.Source> out = new HashMap<>();
        Map<String, BundleRecord> bundles;
        synchronized (lock) {
            bundles = prefs.bundles();
        }
        for (BundleRecord r : bundles.values()) {
            if (r.id().equals(excludeId) || r.status() == BundleStatus.ERROR) {
                continue;
            }
            try {
                BundleFiles.Stored s = layout.load(r.id());
                for (dev.patchbay.crypto.Manifest.File f : s.manifest().files()) {
                    out.putIfAbsent(f.sha256(), new Download.Source(false, BundleFiles.folder(r.id()) + "/"
                            + f.path(), f.size()));
                }
            } catch (IOException | RuntimeException e) {
                // a damaged bundle is no source; files are re-hashed while copied anyway
            }
        }
        for (Map.Entry<String, Download.Source> e : builtinHashes().entrySet()) {
            out.putIfAbsent(e.getKey(), e.getValue());
        }
        return out;
    }

    private Map<String, Download.Source> builtinHashes() throws IOException {
        synchronized (lock) {
            if (builtinHashes != null) {
                return builtinHashes;
            }
        }
        Map<String, Download.Source> map = new HashMap<>();
        byte[] buf = new byte[1 << 16];
        for (String path : ports.builtin().list()) {
            MessageDigest md = BundleFiles.sha256();
            long size = 0;
            try (InputStream in = ports.builtin().open(path)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    size += n;
                }
            }
            map.putIfAbsent(Codec.hex(md.digest()), new Download.Source(true, path, size));
        }
        synchronized (lock) {
            builtinHashes = map;
        }
        return map;
    }

    // ------------------------------------------------------------------ JS API

    CompletableFuture<LatestVersion> getLatest(String channel) {
        return check(channel).thenCompose(l -> l.kind().equals("failed")
                ? failed(new UpdaterException(String.valueOf(l.error()), l.message() == null
                        ? "The server could not answer: " + l.error() : l.message()))
                : CompletableFuture.completedFuture(l));
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
            String target = toLastSuccessful ? rollbackTarget(prefs.fallback(), null, null) : BundleInfo.BUILTIN_ID;
            String cur = prefs.current();
            Prefs.Tx tx = prefs.tx().event("reset", versionOf(target, null), versionOf(cur, null),
                    Map.of("reason", toLastSuccessful ? "to_last_successful" : "to_builtin"));
            commit(tx);
            installNow(target);
            return info(target, null);
        }
    }

    void reload() {
        synchronized (lock) {
            expectedPage = layout.absolute(servedId());
            pageLoaded = false;
        }
        ports.webView().reload();
        emit(new UpdaterEvent.AppReloaded());
    }

    CurrentBundle current() {
        synchronized (lock) {
            return new CurrentBundle(info(servedId(), null), ports.app().nativeVersion());
        }
    }

    List<BundleInfo> list() {
        synchronized (lock) {
            List<BundleInfo> out = new ArrayList<>();
            Map<String, BundleRecord> bundles = prefs.bundles();
            bundles.values().forEach(r -> out.add(r.info()));
            transientBundles.forEach((id, info) -> {
                if (!bundles.containsKey(id)) {
                    out.add(info);
                }
            });
            return out;
        }
    }

    BundleInfo nextBundle() {
        synchronized (lock) {
            String n = prefs.next();
            return n == null ? null : info(n, null);
        }
    }

    void delete(String id) {
        synchronized (lock) {
            if (isBuiltin(id) || id.equals(prefs.current()) || id.equals(prefs.next())) {
                throw new UpdaterException("not_allowed", "The builtin, current and queued bundles cannot be deleted");
            }
            BundleInfo t = transientBundles.get(id);
            if (t != null && t.status() == BundleStatus.DOWNLOADING) {
                throw new UpdaterException("not_allowed", "Bundle " + id + " is being downloaded");
            }
            BundleRecord rec = prefs.bundle(id);
            if (rec == null && t == null) {
                throw new UpdaterException("not_found", "No bundle has id " + id);
            }
            transientBundles.remove(id);
            if (rec != null) {
                Prefs.Tx tx = prefs.tx().remove(Prefs.BUNDLE + id).event("delete", rec.version());
                if (id.equals(prefs.fallback())) {
                    tx.remove(Prefs.FALLBACK);
                }
                commit(tx);
                deleteQuietly(id);
            }
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

    private static long backgroundMillis(DelayCondition d) {
        return Delays.backgroundMillis(d);
    }

    private boolean satisfied(DelayCondition d) {
        return Delays.satisfied(d, ports.clock().now(), ports.app().nativeVersion());
    }

    private void putDelays(Prefs.Tx tx, List<DelayCondition> list) {
        if (list.isEmpty()) {
            tx.remove(Prefs.DELAYS);
        } else {
            tx.put(Prefs.DELAYS, Delays.json(list));
        }
    }

    CompletableFuture<ChannelAnswer> setChannel(String channel, boolean trigger) {
        ObjectNode req = Json.mapper().createObjectNode();
        req.put("appId", config.appId());
        req.put("deviceId", deviceId());
        req.put("platform", ports.app().platform());
        if (channel == null) {
            req.putNull("channel");
        } else {
            req.put("channel", channel);
        }
        byte[] body = req.toString().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<ChannelAnswer> out = new CompletableFuture<>();
        http.retrying(() -> http.postJson("/channel_self", body, 1 << 20)).whenComplete((bytes, e) -> job(out, () -> {
            if (e != null) {
                Throwable c = Download.unwrap(e);
                return new ChannelAnswer(false, null, "network", c.getMessage());
            }
            JsonNode a = Json.mapper().readTree(bytes);
            if (!"ok".equals(a.path("status").asText())) {
                return new ChannelAnswer(false, null, a.path("error").asText("error"),
                        a.hasNonNull("message") ? a.get("message").asText() : null);
            }
            synchronized (lock) {
                Prefs.Tx tx = prefs.tx().put(Prefs.CHANNEL, channel)
                        .event("channel_set", currentVersion(), null, details("channel", channel));
                commit(tx);
            }
            if (trigger) {
                scheduleCheck();
            }
            return new ChannelAnswer(true, channel, null, null);
        }));
        return out;
    }

    String channel() {
        String c = prefs.get(Prefs.CHANNEL);
        return c != null ? c : config.defaultChannel();
    }

    void setCustomId(String customId) {
        synchronized (lock) {
            commit(prefs.tx().put(Prefs.CUSTOM_ID, customId == null || customId.isEmpty() ? null : customId));
        }
    }

    String deviceId() {
        synchronized (lock) {
            String id = prefs.get(Prefs.DEVICE_ID);
            if (id == null) {
                Prefs.Tx tx = prefs.tx();
                id = ensureDeviceId(tx);
                commit(tx);
            }
            return id;
        }
    }

    private String ensureDeviceId(Prefs.Tx tx) {
        String id = prefs.get(Prefs.DEVICE_ID);
        if (id == null) {
            id = java.util.UUID.randomUUID().toString().toLowerCase(java.util.Locale.ROOT);
            tx.put(Prefs.DEVICE_ID, id);
        }
        return id;
    }

    // ------------------------------------------------------------------ stats

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
            body.put("deviceId", deviceId());
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

    // ------------------------------------------------------------------ helpers

    boolean awaitIdle(Duration timeout) {
        return jobs.awaitIdle(timeout);
    }

    void shutdown() {
        jobs.shutdown();
    }

    Duration serverClockOffset() {
        return serverClockOffset;
    }

    private interface Work<T> {
        T call() throws Exception;
    }

    /** Runs {@code w} as a background job and completes {@code out} with its result. */
    private <T> void job(CompletableFuture<T> out, Work<T> w) {
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
    private void commit(Prefs.Tx tx) {
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
    private void commitQuietly(Prefs.Tx tx) {
        if (jobs.stopped()) {
            return;
        }
        try {
            tx.commit();
        } catch (UncheckedIOException e) {
            // an event lost to a full disk is not a reason to fail the operation it describes
        }
    }

    private void deleteQuietly(String id) {
        try {
            layout.delete(id);
        } catch (IOException e) {
            // removed at the next cold start (no record points at it)
        }
    }

    private void emit(UpdaterEvent e) {
        for (UpdaterListener l : events) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ignored) {
                // a listener's failure is not the runtime's
            }
        }
    }

    private static boolean isBuiltin(String id) {
        return id == null || BundleInfo.BUILTIN_ID.equals(id);
    }

    private String currentVersion() {
        return versionOf(prefs.current(), null);
    }

    private String versionOf(String id, Map<String, BundleRecord> bundles) {
        if (isBuiltin(id)) {
            return BundleInfo.BUILTIN_ID;
        }
        BundleRecord r = bundles != null && bundles.containsKey(id) ? bundles.get(id) : prefs.bundle(id);
        return r == null ? null : r.version();
    }

    private BundleInfo info(String id, Map<String, BundleRecord> bundles) {
        if (isBuiltin(id)) {
            return new BundleInfo(BundleInfo.BUILTIN_ID, ports.app().nativeVersion(), -1, BundleStatus.SUCCESS, null,
                    null, null, 100);
        }
        BundleRecord r = bundles != null && bundles.containsKey(id) ? bundles.get(id) : prefs.bundle(id);
        if (r != null) {
            return r.info();
        }
        BundleInfo t = transientBundles.get(id);
        return t != null ? t : unknown(id);
    }

    /** CompletableFuture.failedFuture is missing before Android 12. */
    private static <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.completeExceptionally(t);
        return f;
    }

    private static BundleInfo unknown(String id) {
        return new BundleInfo(id, null, -1, BundleStatus.ERROR, "unknown bundle", null, null, 0);
    }

    private static Map<String, String> details(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private String newId() {
        StringBuilder sb = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            sb.append(ID_CHARS[http.random().nextInt(ID_CHARS.length)]);
        }
        return sb.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        http.random().nextBytes(b);
        return b;
    }
}
