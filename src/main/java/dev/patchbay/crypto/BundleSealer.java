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

    public static SealedBundle seal(BundleInput input, Request req, Path blobDir) {
        Fields.semver(req.version(), "version");
        if (req.version() == null) {
            throw new CryptoException("version is missing");
        }
        if (!req.cert().appId().equals(req.appId())) {
            throw new CryptoException("Release key " + req.cert().keyId() + " is certified for app "
                    + req.cert().appId() + ", not " + req.appId());
        }
        List<Path> written = new ArrayList<>();
        byte[] dataKey = DataKeys.generate();
        boolean ok = false;
        try {
            Files.createDirectories(blobDir);
            List<Manifest.File> files = new ArrayList<>(input.entries().size());
            List<BlobRef> blobs = new ArrayList<>(input.entries().size());
            long cipherBytes = 0;
            long plainBytes = 0;
            BlobCipher.Encryptor encryptor = new BlobCipher.Encryptor();
            for (BundleInput.Entry e : input.entries()) {
                MessageDigest sha = KeyIds.sha256();
                CountingInput counting;
                BlobRef ref;
                try (InputStream raw = e.open()) {
                    counting = new CountingInput(new DigestInputStream(raw, sha));
                    ref = writeBlob(blobDir, written, out -> encryptor.encrypt(dataKey, counting, out));
                }
                files.add(new Manifest.File(e.path(), counting.count, Codec.hex(sha.digest()), ref.sha256()));
                blobs.add(ref);
                cipherBytes += ref.length();
                plainBytes += counting.count;
            }
            Manifest manifest = new Manifest(files);
            byte[] manifestBytes = manifest.toBytes();
            BlobRef manifestBlob = writeBlob(blobDir, written,
                    out -> BlobCipher.encrypt(dataKey, new java.io.ByteArrayInputStream(manifestBytes), out));
            cipherBytes += manifestBlob.length();
            String wrapped = DataKeys.wrap(req.contentKey(), dataKey, req.appId(), req.version());
            ReleaseSigner.Release release = new ReleaseSigner.Release(req.appId(), req.version(), req.sequence(),
                    req.nativeMin(), req.nativeMax(), req.createdAt() == null ? Instant.now() : req.createdAt(),
                    KeyIds.ofContentKey(req.contentKey()), wrapped, manifestBlob,
                    Codec.hex(KeyIds.sha256(manifestBytes)), blobs);
            byte[] envelope = ReleaseSigner.sign(release, req.releasePrivateKey(), req.cert());
            ok = true;
            return new SealedBundle(envelope, manifest, manifestBlob, blobs, cipherBytes, plainBytes, files.size());
        } catch (IOException e) {
            throw new CryptoException("Sealing failed: " + e.getMessage(), e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            if (!ok) {
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
