package dev.patchbay.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Seals a bundle (bundle-format §4): each file into its own blob under a fresh data key, the manifest into a blob,
 * the data key wrapped under the content key, the release metadata signed. Blobs are written into an output folder
 * named by their sha256; on failure the blobs written by this call are deleted.
 */
public final class BundleSealer {
    private BundleSealer() {
    }

    /** What to seal with: release fields and keys. {@code createdAt} null means now; native bounds may be null. */
    public record Request(String appId, String version, long sequence, String nativeMin, String nativeMax,
            Instant createdAt, byte[] releasePrivateKey, ReleaseCert cert, byte[] contentKey) {
        /** A request with the keys of an app's key folder. */
        public static Request of(AppKeys keys, String version, long sequence, String nativeMin, String nativeMax) {
            return new Request(keys.appId(), version, sequence, nativeMin, nativeMax, null, keys.releasePrivateKey(),
                    keys.releaseCert(), keys.contentKey());
        }
    }

    /** Seals in the current format (2: compressed, convergent file blobs). */
    public static SealedBundle seal(BundleInput input, Request req, Path blobDir) {
        return seal(input, req, blobDir, CURRENT_FORMAT, Progress.NONE);
    }

    /** The format {@link #seal(BundleInput, Request, Path)} writes. */
    public static final int CURRENT_FORMAT = 2;

    /** Plaintext bytes sealed so far, out of the bundle's total; called from sealing threads. */
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void sealed(long doneBytes, long totalBytes);

        /** As {@link #sealed(long, long)}, with files sealed so far out of all; what the sealer calls. */
        default void sealedFiles(int doneFiles, int totalFiles, long doneBytes, long totalBytes) {
            sealed(doneBytes, totalBytes);
        }

        /** Binary patches tried so far, out of all to try (after sealing; only when there are bases). */
        default void patched(int done, int total) {
        }
    }

    /**
     * Seals in format {@code formatVersion}: 1 (what runtimes before format 2 read: every file encrypted as it is
     * under the release's data key) or 2. Files are sealed in parallel, each on one thread with bounded memory.
     */
    public static SealedBundle seal(BundleInput input, Request req, Path blobDir, int formatVersion,
            Progress progress) {
        return seal(input, req, blobDir, formatVersion, progress, PatchBases.NONE);
    }

    /**
     * As {@link #seal(BundleInput, Request, Path, int, Progress)}, and in format 2 with binary patches from the
     * older files {@code bases} offers (bundle-format §5.4): each kept where it is smaller than the file's blob.
     */
    public static SealedBundle seal(BundleInput input, Request req, Path blobDir, int formatVersion,
            Progress progress, PatchBases bases) {
        return seal(input, req, blobDir, formatVersion, progress, bases,
                ReleaseSigner.KeySigner.of(req.releasePrivateKey()));
    }

    /**
     * As {@link #seal(BundleInput, Request, Path, int, Progress, PatchBases)}, signed by {@code signer} (a key agent
     * that keeps the release key, ADR 0083) instead of {@code req.releasePrivateKey()}, which may then be null.
     */
    public static SealedBundle seal(BundleInput input, Request req, Path blobDir, int formatVersion,
            Progress progress, PatchBases bases, ReleaseSigner.KeySigner signer) {
        Fields.semver(req.version(), "version");
        if (req.version() == null) {
            throw new CryptoException("version is missing");
        }
        if (formatVersion != 1 && formatVersion != 2) {
            throw new CryptoException("unknown bundle format " + formatVersion + " (1 or 2)");
        }
        if (!req.cert().appId().equals(req.appId())) {
            throw new CryptoException("Release key " + req.cert().keyId() + " is certified for app "
                    + req.cert().appId() + ", not " + req.appId());
        }
        List<Path> written = java.util.Collections.synchronizedList(new ArrayList<>());
        byte[] dataKey = DataKeys.generate();
        byte[] convergentKey = formatVersion == 2 ? FileBlobs.convergentKey(req.contentKey()) : null;
        boolean ok = false;
        try {
            Files.createDirectories(blobDir);
            FileBlobs.Sink blobSink = new FileBlobs.Sink() {
                @Override
                public BlobRef write(FileBlobs.BlobWriter w) throws IOException {
                    return writeBlob(blobDir, written, w::write);
                }
            };
            List<BundleInput.Entry> entries = input.entries();
            long total = entries.stream().mapToLong(BundleInput.Entry::size).sum();
            java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicInteger doneFiles = new java.util.concurrent.atomic.AtomicInteger();
            ThreadLocal<BlobCipher.Encryptor> encryptors = ThreadLocal.withInitial(BlobCipher.Encryptor::new);
            FileBlobs.Sealed[] sealed = new FileBlobs.Sealed[entries.size()];
            SealTasks.run(entries.size(), i -> {
                BundleInput.Entry e = entries.get(i);
                BlobCipher.Encryptor encryptor = encryptors.get();
                FileBlobs.Sink sink = new FileBlobs.Sink() {
                    @Override
                    public BlobRef write(FileBlobs.BlobWriter w) throws IOException {
                        return writeBlob(blobDir, written, w::write);
                    }

                    @Override
                    public void discard(BlobRef blob) throws IOException {
                        Path p = blobDir.resolve(blob.sha256());
                        written.remove(p);
                        Files.deleteIfExists(p);
                    }
                };
                sealed[i] = formatVersion == 2
                        ? FileBlobs.seal(convergentKey, e.path(), e::open, sink, encryptor)
                        : sealV1(dataKey, e, sink, encryptor);
                progress.sealedFiles(doneFiles.incrementAndGet(), entries.size(), done.addAndGet(e.size()), total);
            }, i -> entries.get(i).size());
            List<Manifest.File> files = new ArrayList<>(entries.size());
            java.util.Map<String, BlobRef> unique = new java.util.LinkedHashMap<>();
            long cipherBytes = 0;
            long plainBytes = 0;
            for (FileBlobs.Sealed s : sealed) {
                files.add(s.file());
                if (unique.putIfAbsent(s.blob().sha256(), s.blob()) == null) {
                    cipherBytes += s.blob().length();
                }
                plainBytes += s.file().size();
            }
            List<BlobRef> blobs = new ArrayList<>(unique.values());
            PatchIndex patchIndex = formatVersion == 2 && bases != PatchBases.NONE
                    ? PatchMaker.make(entries, sealed, bases, convergentKey, blobSink, progress) : null;
            ReleasePatches patches = null;
            if (patchIndex != null) {
                byte[] indexBytes = patchIndex.toBytes();
                BlobRef indexBlob = writeBlob(blobDir, written,
                        out -> BlobCipher.encrypt(dataKey, new java.io.ByteArrayInputStream(indexBytes), out));
                patches = new ReleasePatches(indexBlob, Codec.hex(KeyIds.sha256(indexBytes)), patchIndex.blobs());
            }
            Manifest manifest = new Manifest(formatVersion, files);
            byte[] manifestBytes = manifest.toBytes();
            BlobRef manifestBlob = writeBlob(blobDir, written,
                    out -> BlobCipher.encrypt(dataKey, new java.io.ByteArrayInputStream(manifestBytes), out));
            cipherBytes += manifestBlob.length();
            String wrapped = DataKeys.wrap(req.contentKey(), dataKey, req.appId(), req.version());
            ReleaseSigner.Release release = new ReleaseSigner.Release(req.appId(), req.version(), req.sequence(),
                    req.nativeMin(), req.nativeMax(), req.createdAt() == null ? Instant.now() : req.createdAt(),
                    KeyIds.ofContentKey(req.contentKey()), wrapped, manifestBlob,
                    Codec.hex(KeyIds.sha256(manifestBytes)), blobs, formatVersion, patches);
            byte[] envelope = ReleaseSigner.sign(release, signer, req.cert());
            ok = true;
            return new SealedBundle(envelope, manifest, manifestBlob, blobs, cipherBytes, plainBytes, files.size(),
                    patchIndex, patches);
        } catch (IOException e) {
            throw new CryptoException("Sealing failed: " + e.getMessage(), e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            if (convergentKey != null) {
                Arrays.fill(convergentKey, (byte) 0);
            }
            if (!ok) {
                synchronized (written) {
                    for (Path p : written) {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException ignored) {
                            // best effort: only ciphertext
                        }
                    }
                }
            }
        }
    }

    /** Format 1: the file as it is, under the release's data key with a random salt. */
    private static FileBlobs.Sealed sealV1(byte[] dataKey, BundleInput.Entry e, FileBlobs.Sink sink,
            BlobCipher.Encryptor encryptor) throws IOException {
        MessageDigest sha = KeyIds.sha256();
        CountingInput counting;
        BlobRef ref;
        try (InputStream raw = e.open()) {
            counting = new CountingInput(new DigestInputStream(raw, sha));
            ref = sink.write(out -> encryptor.encrypt(dataKey, counting, out));
        }
        return new FileBlobs.Sealed(new Manifest.File(e.path(), counting.count, Codec.hex(sha.digest()),
                ref.sha256()), ref);
    }

    private interface BlobWriter {
        BlobRef write(OutputStream out) throws IOException;
    }

    private static BlobRef writeBlob(Path dir, List<Path> written, BlobWriter writer) throws IOException {
        Path tmp = Files.createTempFile(dir, ".blob", ".tmp");
        written.add(tmp);
        BlobRef ref;
        try (OutputStream out = Files.newOutputStream(tmp)) { // the cipher writes whole 64 KiB chunks
            ref = writer.write(out);
        }
        Path target = dir.resolve(ref.sha256());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        written.remove(tmp);
        written.add(target);
        return ref;
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
