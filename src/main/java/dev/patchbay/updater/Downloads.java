package dev.patchbay.updater;

import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Downloads of released bundles ({@link Download} does one): one at a time per release, their progress, the
 * bookkeeping of a finished or failed one, and the local files a download can copy instead of fetching.
 */
final class Downloads extends EnginePart {
    private static final char[] ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            .toCharArray();

    private final Map<String, CompletableFuture<BundleInfo>> inflight = new HashMap<>();
    /** Under lock: bundles being downloaded or whose download failed, by id (they have no record). */
    final Map<String, BundleInfo> transientBundles = new LinkedHashMap<>();
    private Map<String, Download.Source> builtinHashes;

    Downloads(Engine engine) {
        super(engine);
    }

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
        Download d = new Download(engine, pr, id, pct -> progress(id, pr, pct));
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
                engine.checks.rescheduleCheck();
            }
            f.completeExceptionally(new UpdaterException(action, "Downloading " + pr.version() + " failed: "
                    + reason, e));
        }
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

    private String newId() {
        StringBuilder sb = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            sb.append(ID_CHARS[http.random().nextInt(ID_CHARS.length)]);
        }
        return sb.toString();
    }
}
