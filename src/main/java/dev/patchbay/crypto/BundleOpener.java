package dev.patchbay.crypto;

import dev.patchbay.domain.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens a sealed bundle (bundle-format §4 "Opening"): verifies the envelope, unwraps the data key, decrypts and checks
 * the manifest, then every file (blob digest and length as signed, every chunk's tag, plaintext SHA-256 and size);
 * the set of blobs must equal the manifest's exactly. Files are decrypted into a staging folder that becomes
 * {@code outDir} only when everything checked out.
 */
public final class BundleOpener {
    /** A manifest larger than this is refused before it is read. */
    public static final long MAX_MANIFEST_BYTES = 64L * 1024 * 1024;

    private BundleOpener() {
    }

    /** What was opened. */
    public record Opened(VerifiedRelease release, Manifest manifest) {
    }

    /**
     * Verifies and decrypts the bundle whose blobs are files named by sha256 in {@code blobDir} into {@code outDir}
     * (which must not exist).
     */
    public static Opened open(byte[] envelope, Path blobDir, TrustRoot trust, byte[] contentKey, Path outDir) {
        VerifiedRelease release = ReleaseVerifier.verify(envelope, trust);
        String keyId = KeyIds.ofContentKey(contentKey);
        if (!keyId.equals(release.contentKeyId())) {
            throw new CryptoException("The bundle is encrypted for content key " + release.contentKeyId()
                    + ", not for the given key " + keyId);
        }
        byte[] dataKey = DataKeys.unwrap(contentKey, release.wrappedDataKey(), release.appId(), release.version());
        byte[] convergentKey = FileBlobs.convergentKey(contentKey);
        Path staging = null;
        try {
            Manifest manifest = readManifest(release, blobDir, dataKey);
            Set<String> signed = new HashSet<>();
            release.blobs().forEach(b -> signed.add(b.sha256()));
            Set<String> listed = new HashSet<>();
            for (Manifest.File f : manifest.files()) {
                if (!signed.contains(f.blob())) {
                    throw new CryptoException("Manifest file " + f.path() + " uses blob " + f.blob()
                            + " which the release does not list");
                }
                if (!listed.add(f.blob()) && manifest.version() == 1) {
                    throw new CryptoException("Manifest lists blob " + f.blob() + " twice");
                }
            }
            if (!listed.equals(signed)) {
                throw new CryptoException("The release lists " + signed.size() + " blobs but the manifest uses "
                        + listed.size());
            }
            java.util.Map<String, BlobRef> refs = new java.util.HashMap<>();
            release.blobs().forEach(b -> refs.put(b.sha256(), b));
            if (Files.exists(outDir)) {
                throw new CryptoException("Output folder " + outDir + " already exists");
            }
            Path parent = outDir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + outDir.getFileName() + ".opening-");
            for (Manifest.File f : manifest.files()) {
                BlobRef ref = refs.get(f.blob());
                if (ref.length() != f.blobLength()) {
                    throw new CryptoException("File " + f.path() + ": its blob length " + ref.length()
                            + " does not fit its size " + f.size());
                }
                Path target = staging.resolve(f.path());
                if (!target.normalize().startsWith(staging)) {
                    throw new CryptoException("File " + f.path() + " would be written outside the folder");
                }
                Files.createDirectories(target.getParent());
                MessageDigest sha = KeyIds.sha256();
                long size;
                try (InputStream in = blob(blobDir, ref, "file " + f.path());
                        OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
                                Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW), 1 << 16),
                                sha)) {
                    size = FileBlobs.open(manifest.version(), f, ref, dataKey, convergentKey, in, out,
                            "The blob of file " + f.path());
                }
                if (size != f.size() || !Codec.hex(sha.digest()).equals(f.sha256())) {
                    throw new CryptoException("File " + f.path() + " does not match the size and SHA-256 of the "
                            + "manifest");
                }
            }
            Files.move(staging, outDir, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            return new Opened(release, manifest);
        } catch (IOException e) {
            throw new CryptoException("Opening the bundle failed: " + e.getMessage(), e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            Arrays.fill(convergentKey, (byte) 0);
            FileTrees.deleteQuietly(staging);
        }
    }

    /** Decrypts and checks the manifest of a verified release (a device or console that only wants the list). */
    public static Manifest readManifest(VerifiedRelease release, Path blobDir, byte[] dataKey) throws IOException {
        BlobRef ref = release.manifest();
        if (ref.length() > MAX_MANIFEST_BYTES) {
            throw new CryptoException("The manifest blob is " + ref.length() + " bytes, more than allowed");
        }
        byte[] blob;
        try (InputStream in = blob(blobDir, ref, "the manifest")) {
            blob = new byte[(int) ref.length() + 1];
            blob = java.util.Arrays.copyOf(blob, BlobCipher.readFully(in, blob, blob.length));
        }
        return readManifest(release, blob, dataKey);
    }

    /**
     * {@link #readManifest(VerifiedRelease, Path, byte[])} with the encrypted manifest blob fetched by {@code fetch}
     * (from the server: it must answer exactly the bytes of the ref it is given), called only once the signed length
     * is known to be within {@link #MAX_MANIFEST_BYTES}.
     */
    public static Manifest readManifest(VerifiedRelease release, java.util.function.Function<BlobRef, byte[]> fetch,
                                        byte[] dataKey) {
        BlobRef ref = release.manifest();
        if (ref.length() > MAX_MANIFEST_BYTES) {
            throw new CryptoException("The manifest blob is " + ref.length() + " bytes, more than allowed");
        }
        return readManifest(release, fetch.apply(ref), dataKey);
    }

    /**
     * The decrypted, checked patch index of a release with binary patches (bundle-format §5.4), or null without;
     * {@code fetch} answers the encrypted index blob.
     */
    public static PatchIndex readPatchIndex(VerifiedRelease release, java.util.function.Function<BlobRef, byte[]> fetch,
            byte[] dataKey) {
        ReleasePatches p = release.patches();
        if (p == null) {
            return null;
        }
        if (p.index().length() > MAX_MANIFEST_BYTES) {
            throw new CryptoException("The patch index blob is " + p.index().length() + " bytes, more than allowed");
        }
        byte[] plain = BlobCipher.decrypt(dataKey, fetch.apply(p.index()), p.index(), "The patch index blob");
        if (!Codec.hex(KeyIds.sha256(plain)).equals(p.plainSha256())) {
            throw new CryptoException("The patch index does not match its signed plainSha256");
        }
        return PatchIndex.parse(plain, p.blobs());
    }

    private static Manifest readManifest(VerifiedRelease release, byte[] blob, byte[] dataKey) {
        BlobRef ref = release.manifest();
        byte[] plain = BlobCipher.decrypt(dataKey, blob, ref, "The manifest blob");
        if (!Codec.hex(KeyIds.sha256(plain)).equals(release.manifestPlainSha256())) {
            throw new CryptoException("The manifest does not match its signed plainSha256");
        }
        Manifest m = Manifest.parse(plain);
        if (m.version() != release.formatVersion()) {
            throw new CryptoException("The manifest is format " + m.version() + " but the release is format "
                    + release.formatVersion());
        }
        return m;
    }

    private static InputStream blob(Path dir, BlobRef ref, String what) throws IOException {
        try {
            return new java.io.BufferedInputStream(Files.newInputStream(dir.resolve(ref.sha256())), 1 << 17);
        } catch (NoSuchFileException e) {
            throw new CryptoException("The blob of " + what + " (" + ref.sha256() + ") is missing");
        }
    }
}
