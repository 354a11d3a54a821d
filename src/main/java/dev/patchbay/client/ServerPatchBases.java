package dev.patchbay.client;

import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleOpener;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.Codec;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.DataKeys;
import dev.patchbay.crypto.FileBlobs;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchBases;
import dev.patchbay.crypto.ReleaseVerifier;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.domain.Bundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The older files a publisher patches from (bundle-format §5.4): the files of up to K earlier releases of the app on a
 * server — the channel's current bundle first, then the newest by sequence. Each release's envelope is verified
 * against the app's trust root and its manifest decrypted with the content key; an older file is downloaded and
 * decrypted only when a patch is made from it (once, then held in memory for the publish).
 */
public final class ServerPatchBases implements PatchBases, AutoCloseable {
    /** Default K: how many earlier releases get patches. */
    public static final int DEFAULT_RELEASES = 2;

    private record Older(VerifiedRelease release, Manifest manifest, byte[] dataKey) {
    }

    private final PatchbayClient client;
    private final String appId;
    private final byte[] convergentKey;
    private final List<Older> older = new ArrayList<>();
    private final Map<String, byte[]> contents = new ConcurrentHashMap<>();

    private ServerPatchBases(PatchbayClient client, String appId, byte[] contentKey) {
        this.client = client;
        this.appId = appId;
        this.convergentKey = FileBlobs.convergentKey(contentKey);
    }

    /**
     * Reads the manifests of up to {@code releases} earlier releases of {@code appId}: those {@code channel} (may be
     * null) serves first, then the newest of {@code published}. Releases of another content key are skipped.
     */
    public static ServerPatchBases load(PatchbayClient client, String appId, TrustRoot trust, byte[] contentKey,
            List<Bundle> published, String channel, int releases) {
        ServerPatchBases bases = new ServerPatchBases(client, appId, contentKey);
        List<Bundle> order = new ArrayList<>(published);
        order.sort(Comparator.comparing((Bundle b) -> channel == null || b.channels() == null
                || !b.channels().contains(channel)).thenComparing(Comparator.comparingLong(Bundle::sequence)
                .reversed()));
        Map<String, Boolean> seenManifests = new LinkedHashMap<>();
        try {
            for (Bundle b : order) {
                if (bases.older.size() >= releases) {
                    break;
                }
                Bundle full = client.getBundle(appId, b.version());
                if (full.envelope() == null) {
                    continue;
                }
                VerifiedRelease r = ReleaseVerifier.verify(CanonicalJson.bytes(full.envelope()), trust);
                if (!r.contentKeyId().equals(dev.patchbay.crypto.KeyIds.ofContentKey(contentKey))
                        || seenManifests.put(r.manifestPlainSha256(), true) != null) {
                    continue; // another content key, or a rollback release of content already listed
                }
                byte[] dataKey = DataKeys.unwrap(contentKey, r.wrappedDataKey(), r.appId(), r.version());
                Manifest m = BundleOpener.readManifest(r, ref -> client.fetchBlob(appId, ref), dataKey);
                bases.older.add(new Older(r, m, dataKey));
            }
        } catch (RuntimeException e) {
            bases.close();
            throw e;
        }
        return bases;
    }

    /** The versions patches are made from. */
    public List<String> versions() {
        return older.stream().map(o -> o.release().version()).toList();
    }

    @Override
    public List<Base> basesFor(Manifest.File file) {
        List<Base> out = new ArrayList<>();
        for (Older o : older) {
            for (Manifest.File f : PatchBases.candidates(o.manifest(), file)) {
                out.add(new Base(f.sha256(), f.size(), () -> read(o, f)));
            }
        }
        return out;
    }

    private byte[] read(Older o, Manifest.File f) throws IOException {
        byte[] held = contents.get(f.sha256());
        if (held != null) {
            return held;
        }
        BlobRef ref = f.blobRef();
        byte[] blob = client.fetchBlob(appId, ref);
        ByteArrayOutputStream plain = new ByteArrayOutputStream((int) Math.min(f.size(), Integer.MAX_VALUE - 16));
        long n = FileBlobs.open(o.manifest().version(), f, ref, o.dataKey(), convergentKey,
                new ByteArrayInputStream(blob), plain, "file " + f.path() + " of " + o.release().version());
        byte[] bytes = plain.toByteArray();
        if (n != f.size() || !Codec.hex(sha256(bytes)).equals(f.sha256())) {
            throw new CryptoException("file " + f.path() + " of " + o.release().version() + " does not match its "
                    + "manifest");
        }
        contents.put(f.sha256(), bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Arrays.fill(convergentKey, (byte) 0);
        older.forEach(o -> Arrays.fill(o.dataKey(), (byte) 0));
        contents.clear();
    }
}
