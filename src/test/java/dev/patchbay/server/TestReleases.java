package dev.patchbay.server;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.KeyIds;
import dev.patchbay.crypto.ReleaseCert;
import dev.patchbay.crypto.ReleaseSigner;
import dev.patchbay.crypto.TrustRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys, trust material and signed release envelopes for tests, built with the crypto library's pieces. The blobs are
 * random bytes standing in for ciphertext: the server never decrypts, it checks digests, lengths and signatures.
 */
public final class TestReleases {
    public final String appId;
    public final byte[] rootKey = Ed25519.generatePrivateKey();
    public final byte[] releaseKey = Ed25519.generatePrivateKey();
    public final byte[] contentKey = new byte[32];
    public final ReleaseCert cert;
    public final TrustRoot trust;
    private final SecureRandom random = new SecureRandom();

    /** One sealed bundle: its envelope and blobs (the manifest blob first). */
    public record Sealed(String version, long sequence, byte[] envelope, List<BlobRef> blobs, Map<String, byte[]> bytes) {
        public byte[] bytes(BlobRef b) {
            return bytes.get(b.sha256());
        }

        /** Writes each blob as {@code <folder>/<sha256>}. */
        public Path writeTo(Path folder) throws IOException {
            Files.createDirectories(folder);
            for (Map.Entry<String, byte[]> e : bytes.entrySet()) {
                Files.write(folder.resolve(e.getKey()), e.getValue());
            }
            return folder;
        }

        /** The JSON of {@code POST .../uploads}. */
        public String uploadRequest() {
            StringBuilder sb = new StringBuilder("{\"version\":\"" + version + "\",\"blobs\":[");
            for (int i = 0; i < blobs.size(); i++) {
                sb.append(i == 0 ? "" : ",").append("{\"sha256\":\"").append(blobs.get(i).sha256())
                        .append("\",\"length\":").append(blobs.get(i).length()).append('}');
            }
            return sb.append("]}").toString();
        }
    }

    public TestReleases(String appId) {
        this.appId = appId;
        new SecureRandom().nextBytes(contentKey);
        Instant now = Instant.now();
        cert = ReleaseCert.create(appId, Ed25519.publicKey(releaseKey), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(730)), rootKey);
        trust = TrustRoot.create(appId, Ed25519.publicKey(rootKey), KeyIds.ofContentKey(contentKey)).withCert(cert);
    }

    public byte[] trustJson() {
        return trust.toBytes();
    }

    public String trustText() {
        return new String(trustJson(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A bundle with {@code fileSizes.length} file blobs of random bytes and a manifest blob. */
    public Sealed seal(String version, long sequence, int... fileSizes) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        byte[] manifest = randomBytes(300);
        BlobRef manifestRef = ref(manifest);
        bytes.put(manifestRef.sha256(), manifest);
        List<BlobRef> files = new ArrayList<>();
        for (int size : fileSizes) {
            byte[] b = randomBytes(size);
            BlobRef r = ref(b);
            bytes.put(r.sha256(), b);
            files.add(r);
        }
        return seal(version, sequence, manifestRef, files, bytes);
    }

    /** A bundle over the given blobs (to share blobs between bundles). */
    public Sealed seal(String version, long sequence, BlobRef manifest, List<BlobRef> files, Map<String, byte[]> bytes) {
        return seal(version, sequence, "1.0.0", null, manifest, files, bytes);
    }

    /** A bundle with a native version range ({@code nativeMin}/{@code nativeMax}, null = open). */
    public Sealed sealNative(String version, long sequence, String nativeMin, String nativeMax, int... fileSizes) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        byte[] manifest = randomBytes(300);
        BlobRef manifestRef = ref(manifest);
        bytes.put(manifestRef.sha256(), manifest);
        List<BlobRef> files = new ArrayList<>();
        for (int size : fileSizes) {
            byte[] b = randomBytes(size);
            BlobRef r = ref(b);
            bytes.put(r.sha256(), b);
            files.add(r);
        }
        return seal(version, sequence, nativeMin, nativeMax, manifestRef, files, bytes);
    }

    private Sealed seal(String version, long sequence, String nativeMin, String nativeMax, BlobRef manifest,
                        List<BlobRef> files, Map<String, byte[]> bytes) {
        byte[] wrapped = randomBytes(60);
        ReleaseSigner.Release meta = new ReleaseSigner.Release(appId, version, sequence, nativeMin, nativeMax,
                Instant.now().minusSeconds(5), KeyIds.ofContentKey(contentKey),
                Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped), manifest, "e".repeat(64), files);
        byte[] envelope = ReleaseSigner.sign(meta, releaseKey, cert);
        List<BlobRef> all = new ArrayList<>();
        all.add(manifest);
        all.addAll(files);
        return new Sealed(version, sequence, envelope, all, bytes);
    }

    /**
     * Seals a site folder with the crypto library's {@link dev.patchbay.crypto.BundleSealer} (real encryption) into
     * {@code blobDir} (files named by digest, as {@code PatchbayClient.publishBundle} expects).
     */
    public Sealed sealFolder(Path site, Path blobDir, String version, long sequence) throws IOException {
        return sealFolder(site, blobDir, version, sequence, dev.patchbay.crypto.PatchBases.NONE);
    }

    /** As {@link #sealFolder(Path, Path, String, long)}, with binary patches from the older files {@code bases} offers. */
    public Sealed sealFolder(Path site, Path blobDir, String version, long sequence,
            dev.patchbay.crypto.PatchBases bases) throws IOException {
        dev.patchbay.crypto.SealedBundle sealed;
        try (dev.patchbay.crypto.BundleInput in = dev.patchbay.crypto.BundleInput.open(site)) {
            sealed = dev.patchbay.crypto.BundleSealer.seal(in, new dev.patchbay.crypto.BundleSealer.Request(appId,
                    version, sequence, "1.0.0", null, null, releaseKey, cert, contentKey), blobDir,
                    dev.patchbay.crypto.BundleSealer.CURRENT_FORMAT, dev.patchbay.crypto.BundleSealer.Progress.NONE,
                    bases);
        }
        lastSealed = sealed;
        List<BlobRef> all = new ArrayList<>(sealed.uploadBlobs());
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (BlobRef b : all) {
            bytes.put(b.sha256(), Files.readAllBytes(blobDir.resolve(b.sha256())));
        }
        return new Sealed(version, sequence, sealed.envelope(), all, bytes);
    }

    /** What the last {@link #sealFolder} made (manifest, patch index): tests compute expected downloads with it. */
    public volatile dev.patchbay.crypto.SealedBundle lastSealed;

    public byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    public static BlobRef ref(byte[] bytes) {
        try {
            return new BlobRef(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), bytes.length);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
