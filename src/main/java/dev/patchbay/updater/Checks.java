package dev.patchbay.updater;

import dev.patchbay.crypto.Codec;
import dev.patchbay.updater.port.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Update checks: the request with a fresh nonce, every check of the signed answer ({@link UpdateCheck}), and what an
 * automatic check does with it per auto-update mode (download, then install now or queue).
 */
final class Checks extends EnginePart {
    static final long MAX_ANSWER_BYTES = 16L << 20;

    private final UpdateCheck updateCheck;
    private final AtomicBoolean checking = new AtomicBoolean();
    private boolean firstCheckAfterLaunch = true;
    private Clock.Cancellable rescheduledCheck;
    private volatile Duration serverClockOffset;

    Checks(Engine engine, UpdateCheck updateCheck) {
        super(engine);
        this.updateCheck = updateCheck;
    }

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
        engine.stats.flushStats();
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
        return updateCheck.request(ports.app(), engine.identity.deviceId(), rec,
                channel != null ? channel : engine.identity.channel(), prefs.get(Prefs.CUSTOM_ID), nonce);
    }

    /** The answer's checks (UpdateCheck); a refusal is reported and changes nothing. */
    private LatestVersion verifyAnswer(byte[] bytes, String nonce) {
        UpdateCheck.Verified v;
        try {
            v = updateCheck.verify(bytes, engine.identity.deviceId(), nonce, prefs.sequenceFloor(),
                    ports.app().nativeVersion());
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
        emit(new UpdaterEvent.UpdateCheckResult(l.kind(), l.error(), l.message(), l.version(),
                engine.bundles.current().bundle()));
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
                    if (immediate(launchCheck) && engine.installs.delays().isEmpty()) {
                        engine.installs.installQueued();
                    }
                    return CompletableFuture.completedFuture(null);
                }
            } else if (latest.kind().equals("builtin")) {
                if (isBuiltin(prefs.current())) {
                    emit(new UpdaterEvent.NoNeedUpdate(cur, "already_on_builtin"));
                } else if (immediate(launchCheck) && engine.installs.delays().isEmpty()) {
                    engine.installs.installNow(BundleInfo.BUILTIN_ID);
                } else if (!BundleInfo.BUILTIN_ID.equals(prefs.next())
                        && config.autoUpdate() != AutoUpdate.ONLY_DOWNLOAD) {
                    engine.installs.setNext(BundleInfo.BUILTIN_ID);
                }
                return CompletableFuture.completedFuture(null);
            } else {
                emit(new UpdaterEvent.NoNeedUpdate(cur, latest.error() == null ? latest.kind() : latest.error()));
                return CompletableFuture.completedFuture(null);
            }
        }
        CompletableFuture<Void> out = new CompletableFuture<>();
        engine.downloads.download(latest).whenComplete((info, e) -> job(out, () -> {
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
                || (m == AutoUpdate.AT_INSTALL && launchCheck && engine.lifecycle.installLaunch());
    }

    /** Under lock: a downloaded bundle is installed now or queued, per mode and delay conditions. */
    private void apply(String id, boolean launchCheck) {
        BundleRecord rec = prefs.bundle(id);
        if (rec == null || rec.status() == BundleStatus.ERROR || id.equals(prefs.current())
                || config.autoUpdate() == AutoUpdate.ONLY_DOWNLOAD) {
            return;
        }
        if (immediate(launchCheck) && engine.installs.delays().isEmpty()) {
            engine.installs.installNow(id);
        } else if (!id.equals(prefs.next())) {
            engine.installs.setNext(id);
        }
    }

    /** After a download failed for the network: the next check, jittered (one at a time). */
    void rescheduleCheck() {
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

    CompletableFuture<LatestVersion> getLatest(String channel) {
        return check(channel).thenCompose(l -> l.kind().equals("failed")
                ? failed(new UpdaterException(String.valueOf(l.error()), l.message() == null
                        ? "The server could not answer: " + l.error() : l.message()))
                : CompletableFuture.completedFuture(l));
    }

    Duration serverClockOffset() {
        return serverClockOffset;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        http.random().nextBytes(b);
        return b;
    }
}
