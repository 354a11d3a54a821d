package dev.patchbay.updater;

import dev.patchbay.crypto.BlobCipher;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.FileBlobs;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.updater.port.FileStore;
import dev.patchbay.updater.port.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One download of a release into {@code versions/<id>/} (device-protocol §8 steps 1-2): data key unwrapped, manifest
 * fetched and checked against the signed digest, files whose plaintext already exists locally (builtin assets,
 * other bundles) copied and re-hashed, the others fetched as blobs — capped at the signed length, resumed only on a
 * correct 206, digest-checked — and decrypted (every chunk's tag, plaintext size and SHA-256). The staging folder is
 * renamed only when it holds exactly the manifest's files. Every step runs as a background job.
 */
final class Download {
    /** A local file with a given plaintext SHA-256: a builtin asset or a file of another bundle. */
    record Source(boolean builtin, String path, long size) {
    }

    /** The device ran out of room (or storage failed) at a write. */
    static final class StorageFailure extends Http.Final {
        StorageFailure(IOException cause) {
            super("storage failed: " + cause.getMessage(), 0);
            initCause(cause);
        }
    }

    /** The overall download deadline passed. */
    static final class DeadlineExceeded extends Http.Final {
        DeadlineExceeded(String message) {
            super(message, 0);
        }
    }

    interface Progress {
        void percent(int percent);
    }

    private final Engine engine;
    private final PendingRelease pending;
    private final VerifiedRelease release;
    private final String id;
    private final FileStore files;
    private final BundleFiles layout;
    private final Progress progress;
    private final long deadline;
    private byte[] dataKey;
    private byte[] convergentKey;
    private byte[] manifestPlain;
    private Manifest manifest;
    private final List<Manifest.File> toFetch = new ArrayList<>();
    private Map<String, Source> local;
    private final PatchStep patches;
    private long totalBytes;
    private long doneBytes;
    private int lastPercent;
    /** Ciphertext bytes received from the server (tests measure deltas with it). */
    long receivedBytes;

    Download(Engine engine, PendingRelease pending, String id, Progress progress) {
        this.engine = engine;
        this.pending = pending;
        this.release = pending.release();
        this.id = id;
        this.layout = engine.layout;
        this.files = layout.files;
        this.progress = progress;
        this.deadline = engine.ports.clock().elapsedRealtime() + engine.config.downloadDeadline().toMillis();
        this.patches = new PatchStep(engine, files);
    }

    /** Runs the whole download; completes with the staged folder renamed to {@code versions/<id>}. */
    CompletableFuture<Manifest> run() {
        CompletableFuture<Manifest> done = new CompletableFuture<>();
        step(done, this::prepare)
                .thenCompose(x -> engine.http.retrying(this::fetchManifest))
                .thenCompose(x -> step(done, this::copyLocal))
                .thenCompose(x -> planPatches())
                .thenCompose(x -> fetchAll(refs(toFetch), 0))
                .thenCompose(x -> step(done, this::applyPatches))
                .thenCompose(x -> fetchAll(refs(fallback), 0))
                .thenCompose(x -> step(done, this::assemble))
                .whenComplete((x, e) -> {
                    if (e != null) {
                        done.completeExceptionally(unwrap(e));
                    } else {
                        done.complete(manifest);
                    }
                });
        return done;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code s} as a job (so a fatal Error stops the runtime instead of vanishing into a future). */
    private CompletableFuture<Void> step(CompletableFuture<?> outer, Step s) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        engine.jobs.run(() -> {
            try {
                s.run();
                f.complete(null);
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        if (engine.jobs.stopped() && !f.isDone()) {
            f.completeExceptionally(new IOException("the updater stopped"));
        }
        return f;
    }

    private void prepare() throws IOException {
        long need = release.totalLength() * 2 + (1 << 20);
        long free = files.usableSpace();
        if (free >= 0 && free < need) {
            throw new StorageFailure(new IOException("not enough space: " + free + " bytes free, " + need
                    + " needed"));
        }
        dataKey = DataKeys.unwrap(engine.config.contentKey(), release.wrappedDataKey(), release.appId(),
                release.version());
        convergentKey = FileBlobs.convergentKey(engine.config.contentKey());
    }

    private Void fetchManifest() throws IOException {
        BlobRef ref = release.manifest();
        byte[] blob = fetchSmall(ref, "the manifest blob");
        byte[] plain = BlobCipher.decrypt(dataKey, blob, ref, "The manifest blob");
        if (!Codec.hex(BundleFiles.sha256(plain)).equals(release.manifestPlainSha256())) {
            throw new CryptoException("The manifest does not match its signed plainSha256");
        }
        Manifest m = Manifest.parse(plain);
        return checkManifest(m, plain);
    }

    /** A small blob (manifest, patch index) in memory, capped at its signed length. */
    private byte[] fetchSmall(BlobRef ref, String what) throws IOException {
        checkDeadline();
        if (ref.length() > dev.patchbay.crypto.BundleOpener.MAX_MANIFEST_BYTES) {
            throw new CryptoException(what + " is " + ref.length() + " bytes, more than allowed");
        }
        HttpTransport.Request req = new HttpTransport.Request("GET", blobUrl(ref), Map.of(), null,
                engine.config.responseTimeout());
        byte[] blob;
        try (HttpTransport.Response resp = engine.http.send(req)) {
            Http.check(resp, what);
            try (InputStream in = resp.body()) {
                blob = BundleFiles.readAll(in, ref.length());
            } catch (IOException e) {
                if (e instanceof Http.Final) {
                    throw e;
                }
                if (e.getMessage() != null && e.getMessage().startsWith("the answer is larger")) {
                    throw new CryptoException(what + " is longer than its signed length");
                }
                throw new Http.Retryable(what + " download failed: " + e.getMessage(), 0, null);
            }
        }
        receivedBytes += blob.length;
        return blob;
    }

    private Void checkManifest(Manifest m, byte[] plain) {
        if (m.version() != release.formatVersion()) {
            throw new CryptoException("the manifest is format " + m.version() + " but the release is format "
                    + release.formatVersion());
        }
        Set<String> signed = new HashSet<>();
        Map<String, BlobRef> refs = new HashMap<>();
        for (BlobRef b : release.blobs()) {
            signed.add(b.sha256());
            refs.put(b.sha256(), b);
        }
        Set<String> listed = new HashSet<>();
        for (Manifest.File f : m.files()) {
            BundleFiles.safe(f.path());
            BlobRef b = refs.get(f.blob());
            if (b == null) {
                throw new CryptoException("manifest file " + f.path() + " uses a blob the release does not list");
            }
            if (!listed.add(f.blob()) && m.version() == 1) {
                throw new CryptoException("the manifest lists blob " + f.blob() + " twice");
            }
            if (b.length() != f.blobLength()) {
                throw new CryptoException("file " + f.path() + ": its blob length does not fit its size");
            }
        }
        if (!listed.equals(signed)) {
            throw new CryptoException("the release lists " + signed.size() + " blobs but the manifest uses "
                    + listed.size());
        }
        manifestPlain = plain;
        manifest = m;
        return null;
    }

    /** Copies files available locally (verified while copying); the rest is fetched. */
    private void copyLocal() throws IOException {
        checkDeadline();
        String dir = BundleFiles.partial(id);
        files.deleteRecursively(dir);
        storage(() -> files.mkdirs(dir));
        local = engine.downloads.localSources(id);
        Set<String> counted = new HashSet<>();
        for (Manifest.File f : manifest.files()) {
            Source s = local.get(f.sha256());
            if (s == null || s.size() != f.size() || !copy(s, dir + "/" + f.path(), f)) {
                toFetch.add(f);
            }
        }
        progress.percent(5);
    }

    /**
     * With signed patches (bundle-format §5.4): reads the patch index and takes the files a patch makes from a local
     * file out of {@code toFetch}; their patch blobs are fetched first.
     */
    private CompletableFuture<Void> planPatches() {
        CompletableFuture<Void> planned;
        if (release.patches() == null || toFetch.isEmpty()) {
            planned = CompletableFuture.completedFuture(null);
        } else {
            planned = engine.http.retrying(() -> {
                BlobRef ref = release.patches().index();
                byte[] plain = BlobCipher.decrypt(dataKey, fetchSmall(ref, "the patch index"), ref,
                        "The patch index");
                if (!Codec.hex(BundleFiles.sha256(plain)).equals(release.patches().plainSha256())) {
                    throw new CryptoException("The patch index does not match its signed plainSha256");
                }
                patchRefs.addAll(patches.plan(PatchIndex.parse(plain, release.patches().blobs()), toFetch, local));
                return null;
            });
        }
        return planned.thenCompose(x -> {
            java.util.Set<String> counted = new HashSet<>();
            for (BlobRef r : patchRefs) {
                counted.add(r.sha256());
                totalBytes += r.length();
            }
            for (BlobRef r : refs(toFetch)) {
                if (counted.add(r.sha256())) {
                    totalBytes += r.length();
                }
            }
            return fetchPatchBlobs(0);
        });
    }

    private final List<BlobRef> patchRefs = new ArrayList<>();
    private List<Manifest.File> fallback = List.of();

    /** Patch blobs: one that cannot be fetched as signed only sends its files back to the whole blob. */
    private CompletableFuture<Void> fetchPatchBlobs(int i) {
        if (i >= patchRefs.size()) {
            return CompletableFuture.completedFuture(null);
        }
        BlobRef ref = patchRefs.get(i);
        return engine.http.retrying(() -> fetchBlob(ref)).handle((x, e) -> {
            Throwable cause = e == null ? null : unwrap(e);
            if (cause instanceof CryptoException) {
                patches.blobFailed(ref, cause.getMessage());
                return null;
            }
            if (cause != null) {
                throw new java.util.concurrent.CompletionException(cause);
            }
            return null;
        }).thenCompose(x -> fetchPatchBlobs(i + 1));
    }

    private void applyPatches() throws IOException {
        checkDeadline();
        if (patches.any()) {
            fallback = new ArrayList<>(patches.apply(BundleFiles.partial(id), convergentKey));
            for (BlobRef r : refs(fallback)) {
                totalBytes += r.length();
            }
        }
    }

    /** Event details of the finished download (patches applied and fallbacks), or null. */
    Map<String, String> patchDetails() {
        return patches.details();
    }

    private static List<BlobRef> refs(List<Manifest.File> files) {
        Map<String, BlobRef> refs = new java.util.LinkedHashMap<>();
        files.forEach(f -> refs.putIfAbsent(f.blob(), f.blobRef()));
        return new ArrayList<>(refs.values());
    }

    private boolean copy(Source s, String target, Manifest.File f) throws IOException {
        MessageDigest sha = BundleFiles.sha256();
        long size = 0;
        try (InputStream in = s.builtin() ? engine.ports.builtin().open(s.path()) : files.open(s.path());
                OutputStream out = storageOut(target)) {
            byte[] buf = new byte[BlobCipher.CHUNK_SIZE];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                size += n;
                write(out, buf, n);
            }
        }
        if (size == f.size() && Codec.hex(sha.digest()).equals(f.sha256())) {
            return true;
        }
        files.deleteRecursively(target);
        return false;
    }

    private CompletableFuture<Void> fetchAll(List<BlobRef> refs, int i) {
        if (i >= refs.size()) {
            return CompletableFuture.completedFuture(null);
        }
        BlobRef ref = refs.get(i);
        return engine.http.retrying(() -> fetchBlob(ref)).thenCompose(x -> fetchAll(refs, i + 1));
    }

    private Void fetchBlob(BlobRef ref) throws IOException {
        checkDeadline();
        String blob = BundleFiles.blob(ref.sha256());
        String part = BundleFiles.part(ref.sha256());
        if (files.size(blob) == ref.length()) {
            return null;
        }
        long have = Math.max(0, files.size(part));
        if (have > ref.length()) {
            files.deleteRecursively(part);
            have = 0;
        }
        boolean resumed = have > 0;
        if (have < ref.length()) {
            Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
            HttpTransport.Request req = new HttpTransport.Request("GET", blobUrl(ref), headers, null,
                    engine.config.responseTimeout());
            try (HttpTransport.Response resp = engine.http.send(req)) {
                Http.check(resp, "blob " + Codec.shortId(ref.sha256()));
                boolean append;
                if (resp.status() == 206) {
                    String expected = "bytes " + have + "-" + (ref.length() - 1) + "/" + ref.length();
                    if (have == 0 || !expected.equals(resp.header("Content-Range"))) {
                        // Only a 206 that continues exactly where we are is trusted; otherwise start over.
                        files.deleteRecursively(part);
                        doneBytes -= have;
                        throw new Http.Retryable("blob " + Codec.shortId(ref.sha256()) + ": unexpected partial "
                                + "answer " + resp.header("Content-Range") + "; restarting from zero", 206, null);
                    }
                    append = true;
                } else if (resp.status() == 200) {
                    append = false;
                    resumed = false;
                    doneBytes -= have;
                    have = 0;
                } else {
                    throw new Http.Retryable("blob " + Codec.shortId(ref.sha256()) + " answered HTTP "
                            + resp.status(), resp.status(), null);
                }
                have = receive(resp, part, append, have, ref);
            }
            if (have < ref.length()) {
                throw new Http.Retryable("blob " + Codec.shortId(ref.sha256()) + ": the connection closed after "
                        + have + " of " + ref.length() + " bytes", 0, null);
            }
        }
        if (!layout.sha256Hex(part).equals(ref.sha256())) {
            files.deleteRecursively(part);
            doneBytes -= ref.length();
            if (!resumed) {
                throw new CryptoException("blob " + ref.sha256() + " does not match its signed SHA-256 (damaged or "
                        + "tampered)");
            }
            throw new Http.Retryable("blob " + Codec.shortId(ref.sha256()) + " does not match its signed SHA-256; "
                    + "restarting from zero", 0, null);
        }
        storage(() -> files.move(part, blob));
        return null;
    }

    private long receive(HttpTransport.Response resp, String part, boolean append, long have, BlobRef ref)
            throws IOException {
        InputStream in;
        try {
            in = resp.body();
        } catch (IOException e) {
            throw new Http.Retryable("blob body failed: " + e.getMessage(), 0, null);
        }
        try (InputStream body = in; OutputStream out = append ? storageAppend(part) : storageOut(part)) {
            byte[] buf = new byte[BlobCipher.CHUNK_SIZE];
            while (true) {
                int n;
                try {
                    n = body.read(buf);
                } catch (IOException e) {
                    throw new Http.Retryable("blob " + Codec.shortId(ref.sha256()) + ": the connection dropped "
                            + "after " + have + " bytes (" + e.getMessage() + ")", 0, null);
                }
                if (n < 0) {
                    break;
                }
                checkDeadline();
                if (have + n > ref.length()) {
                    out.close();
                    files.deleteRecursively(part);
                    throw new CryptoException("blob " + Codec.shortId(ref.sha256())
                            + " is longer than its signed length " + ref.length());
                }
                write(out, buf, n);
                have += n;
                receivedBytes += n;
                doneBytes += n;
                reportProgress();
            }
        }
        return have;
    }

    private void reportProgress() {
        if (totalBytes <= 0) {
            return;
        }
        int pct = (int) Math.min(90, 10 + (doneBytes * 80 / totalBytes));
        if (pct / 10 > lastPercent / 10) {
            lastPercent = pct;
            progress.percent(pct / 10 * 10);
        }
    }

    /** Decrypts the fetched blobs, writes the metadata and renames the staging folder. */
    private void assemble() throws IOException {
        checkDeadline();
        String dir = BundleFiles.partial(id);
        List<Manifest.File> whole = new ArrayList<>(toFetch);
        whole.addAll(fallback);
        for (Manifest.File f : whole) {
            BlobRef ref = f.blobRef();
            MessageDigest sha = BundleFiles.sha256();
            long size;
            try (InputStream in = files.open(BundleFiles.blob(ref.sha256()));
                    OutputStream out = new DigestOutputStream(storageOut(dir + "/" + f.path()), sha)) {
                size = FileBlobs.open(manifest.version(), f, ref, dataKey, convergentKey, in, new StorageGuard(out),
                        "The blob of file " + f.path());
            }
            if (size != f.size() || !Codec.hex(sha.digest()).equals(f.sha256())) {
                throw new CryptoException("file " + f.path() + " does not match the size and SHA-256 of the "
                        + "manifest");
            }
        }
        String problem = layout.filesProblem(dir, manifest, false);
        if (problem != null) {
            throw new CryptoException("the staged bundle is incomplete: " + problem);
        }
        storage(() -> layout.write(BundleFiles.envelope(id), pending.envelope()));
        storage(() -> layout.write(BundleFiles.manifest(id), manifestPlain));
        storage(() -> files.move(dir, BundleFiles.folder(id)));
        java.util.Arrays.fill(dataKey, (byte) 0);
        java.util.Arrays.fill(convergentKey, (byte) 0);
    }

    /** Deletes what this download left (staging, metadata; ciphertext too unless it may be resumed). */
    void discard(boolean keepCiphertext) {
        try {
            files.deleteRecursively(BundleFiles.partial(id));
            files.deleteRecursively(BundleFiles.envelope(id));
            files.deleteRecursively(BundleFiles.manifest(id));
            if (!keepCiphertext) {
                for (BlobRef b : ciphertext()) {
                    files.deleteRecursively(BundleFiles.part(b.sha256()));
                    files.deleteRecursively(BundleFiles.blob(b.sha256()));
                }
            }
        } catch (IOException ignored) {
            // leftovers are removed at the next cold start
        }
    }

    /** Removes the verified ciphertext once the bundle is installed. */
    void dropCiphertext() {
        try {
            for (BlobRef b : ciphertext()) {
                files.deleteRecursively(BundleFiles.blob(b.sha256()));
            }
        } catch (IOException ignored) {
            // removed at the next cold start
        }
    }

    private List<BlobRef> ciphertext() {
        List<BlobRef> all = new ArrayList<>(release.blobs());
        all.addAll(release.patchBlobs());
        return all;
    }

    private String blobUrl(BlobRef ref) {
        return pending.urlOf(ref.sha256());
    }

    private void checkDeadline() throws IOException {
        if (engine.jobs.stopped()) {
            throw new IOException("the updater was shut down");
        }
        if (engine.ports.clock().elapsedRealtime() > deadline) {
            throw new DeadlineExceeded("the download took longer than " + engine.config.downloadDeadline()
                    .getSeconds() + " s");
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void storage(IoAction a) throws StorageFailure {
        try {
            a.run();
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    private OutputStream storageOut(String path) throws StorageFailure {
        return storageOut(files, path);
    }

    /** A new file; a failure to create it is a storage failure. */
    static OutputStream storageOut(FileStore files, String path) throws StorageFailure {
        try {
            return files.create(path);
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    private OutputStream storageAppend(String path) throws StorageFailure {
        try {
            return files.append(path);
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    private static void write(OutputStream out, byte[] buf, int n) throws StorageFailure {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    /** Marks write failures of decrypted output as storage failures. */
    private static final class StorageGuard extends java.io.FilterOutputStream {
        StorageGuard(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new StorageFailure(e);
            }
        }

        @Override
        public void close() {
            // closed by the caller's try-with-resources on the underlying stream
        }
    }
}
