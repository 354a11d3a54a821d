package dev.patchbay.updater;

import dev.patchbay.crypto.BinaryDelta;
import dev.patchbay.crypto.BlobCipher;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.FileBlobs;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.ReleasePatches;
import dev.patchbay.updater.port.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary patches of one download (bundle-format §5.4, device-protocol §8.4 step 2): picks, for every file the
 * device has to fetch, the smallest signed patch whose base it holds (a builtin asset or a file of another bundle)
 * when that is smaller than the file's own blob; applies it streaming (the base read at random positions, one
 * 64 KiB buffer) and checks the result's size and SHA-256 against the manifest. Any failure — base missing or
 * changed, patch damaged or hostile, result mismatch — falls back to the file's whole blob, with the reason kept for
 * the {@code download_complete} event.
 */
final class PatchStep {
    /** A file to make from a patch: the signed patch and the local file it applies to. */
    record Planned(Manifest.File file, PatchIndex.Entry patch, Download.Source base) {
    }

    private final FileStore files;
    private final Engine engine;
    private final List<Planned> planned = new ArrayList<>();
    private final List<Manifest.File> fallback = new ArrayList<>();
    private final Map<String, String> failedBlobs = new HashMap<>();
    private int applied;
    private String firstProblem;

    PatchStep(Engine engine, FileStore files) {
        this.engine = engine;
        this.files = files;
    }

    /**
     * Moves from {@code toFetch} the files a patch in {@code index} makes from a local file; returns the patch blobs
     * to fetch instead.
     */
    List<BlobRef> plan(PatchIndex index, List<Manifest.File> toFetch, Map<String, Download.Source> local) {
        Map<String, List<PatchIndex.Entry>> byTarget = new HashMap<>();
        for (PatchIndex.Entry e : index.patches()) {
            byTarget.computeIfAbsent(e.target(), k -> new ArrayList<>()).add(e);
        }
        Map<String, BlobRef> refs = new LinkedHashMap<>();
        for (java.util.Iterator<Manifest.File> it = toFetch.iterator(); it.hasNext(); ) {
            Manifest.File f = it.next();
            PatchIndex.Entry best = null;
            Download.Source base = null;
            for (PatchIndex.Entry e : byTarget.getOrDefault(f.sha256(), List.of())) {
                Download.Source s = local.get(e.base());
                if (s != null && s.size() == e.baseSize() && e.targetSize() == f.size()
                        && e.blobRef().length() < f.blobLength()
                        && (best == null || e.blobRef().length() < best.blobRef().length())) {
                    best = e;
                    base = s;
                }
            }
            if (best != null) {
                planned.add(new Planned(f, best, base));
                refs.putIfAbsent(best.blob(), best.blobRef());
                it.remove();
            }
        }
        return new ArrayList<>(refs.values());
    }

    /** A patch blob could not be fetched as signed: the files it would make come whole instead. */
    void blobFailed(BlobRef ref, String reason) {
        failedBlobs.putIfAbsent(ref.sha256(), reason);
    }

    /**
     * Applies the planned patches into the staging folder {@code dir}; the files whose patch failed are returned (to
     * be fetched whole).
     */
    List<Manifest.File> apply(String dir, byte[] convergentKey) throws IOException {
        for (Planned p : planned) {
            String target = dir + "/" + p.file().path();
            String problem = failedBlobs.get(p.patch().blob());
            if (problem == null) {
                try {
                    problem = applyOne(p, target, convergentKey);
                } catch (Download.StorageFailure e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    problem = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
            if (problem == null) {
                applied++;
                continue;
            }
            files.deleteRecursively(target);
            if (firstProblem == null) {
                firstProblem = p.file().path() + ": " + problem;
            }
            fallback.add(p.file());
        }
        return fallback;
    }

    /** Null when the file was made and checked, else why not. */
    private String applyOne(Planned p, String target, byte[] convergentKey) throws IOException {
        PatchIndex.Entry e = p.patch();
        String patchPath = BundleFiles.blob(e.blob()) + ".patch";
        MessageDigest patchSha = BundleFiles.sha256();
        long patchSize;
        try (InputStream in = files.open(BundleFiles.blob(e.blob()));
                OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
                        Download.storageOut(files, patchPath), BlobCipher.CHUNK_SIZE), patchSha)) {
            patchSize = FileBlobs.open(2, e.asFile(), e.blobRef(), null, convergentKey, in, out,
                    "The patch blob of " + p.file().path());
        }
        try {
            if (patchSize != e.size() || !Codec.hex(patchSha.digest()).equals(e.sha256())) {
                return "the patch does not match its signed size and SHA-256";
            }
            MessageDigest sha = BundleFiles.sha256();
            long size;
            try (BaseReader base = new BaseReader(p.base());
                    InputStream patch = new java.io.BufferedInputStream(files.open(patchPath), BlobCipher.CHUNK_SIZE);
                    OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
                            Download.storageOut(files, target), BlobCipher.CHUNK_SIZE), sha)) {
                size = BinaryDelta.apply(base, patch, out, p.file().size());
            }
            if (size != p.file().size() || !Codec.hex(sha.digest()).equals(p.file().sha256())) {
                return "the patched file does not match the manifest's size and SHA-256 (its base changed?)";
            }
            return null;
        } finally {
            files.deleteRecursively(patchPath);
        }
    }

    /** Whether any file comes from a patch. */
    boolean any() {
        return !planned.isEmpty();
    }

    /** Details for the {@code download_complete} event: patches applied, fallbacks and the first reason. */
    Map<String, String> details() {
        if (planned.isEmpty()) {
            return null;
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("patched", Integer.toString(applied));
        if (!fallback.isEmpty()) {
            d.put("patchFallbacks", Integer.toString(fallback.size()));
            d.put("patchFallback", firstProblem.length() > 300 ? firstProblem.substring(0, 300) : firstProblem);
        }
        return d;
    }

    /** Does the release carry patches worth reading for these files? */
    static boolean worthReading(ReleasePatches patches, List<Manifest.File> toFetch) {
        return patches != null && !toFetch.isEmpty();
    }

    /**
     * Random reads of a local file through the file ports, which only stream: reads forward skip, a read behind
     * the current position reopens the file (patches mostly copy forward).
     */
    private final class BaseReader implements BinaryDelta.Old, AutoCloseable {
        private final Download.Source source;
        private InputStream in;
        private long position;

        BaseReader(Download.Source source) {
            this.source = source;
        }

        @Override
        public long length() {
            return source.size();
        }

        @Override
        public void read(long pos, byte[] buf, int off, int len) throws IOException {
            if (in == null || pos < position) {
                close();
                in = source.builtin() ? engine.ports.builtin().open(source.path()) : files.open(source.path());
                position = 0;
            }
            while (position < pos) {
                long n = in.skip(pos - position);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("the base file " + source.path() + " is shorter than expected");
                    }
                    n = 1;
                }
                position += n;
            }
            int got = 0;
            while (got < len) {
                int n = in.read(buf, off + got, len - got);
                if (n < 0) {
                    throw new IOException("the base file " + source.path() + " is shorter than expected");
                }
                got += n;
            }
            position += len;
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
                in = null;
            }
        }
    }
}
