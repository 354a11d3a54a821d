package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The binary patches of a format 2 release (bundle-format §5.4, ADR 0082): which file content (by plaintext SHA-256)
 * can be made from which older file content with which patch blob. Encrypted under the release's data key like the
 * manifest, so the server never sees the base or target digests (it could test guesses against them); the release
 * metadata signs the index blob and every patch blob.
 */
public record PatchIndex(List<Entry> patches) {
    public static final String FORMAT = "patchbay-patches/1";
    /** At most this many patches per release (a few bases per changed file of at most 20,000 files). */
    public static final int MAX_PATCHES = 60_000;

    /**
     * One patch: turns the file {@code base} ({@code baseSize} bytes) into the file {@code target}
     * ({@code targetSize}); the patch itself is {@code size} bytes with SHA-256 {@code sha256}, sealed as the format
     * 2 blob {@code blob} (codec none).
     */
    public record Entry(String base, long baseSize, String target, long targetSize, String sha256, long size,
            String blob) {
        public BlobRef blobRef() {
            return new BlobRef(blob, BlobCipher.blobLength(size));
        }

        /** The patch as a manifest-like file entry, for opening its blob with {@link FileBlobs#open}. */
        public Manifest.File asFile() {
            return new Manifest.File("patch/" + blob, size, sha256, blob, FileCodec.NONE, BlobCipher.blobLength(size));
        }
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::target).thenComparing(Entry::base);

    public PatchIndex {
        patches = patches.stream().sorted(ORDER).toList();
    }

    public byte[] toBytes() {
        ObjectNode node = CanonicalJson.object();
        node.put("format", FORMAT);
        ArrayNode list = node.putArray("patches");
        for (Entry e : patches) {
            list.addObject().put("base", e.base()).put("baseSize", e.baseSize()).put("target", e.target())
                    .put("targetSize", e.targetSize()).put("sha256", e.sha256()).put("size", e.size())
                    .put("blob", e.blob());
        }
        return CanonicalJson.bytes(node);
    }

    /** The distinct patch blobs. */
    public List<BlobRef> blobs() {
        java.util.TreeSet<BlobRef> set = new java.util.TreeSet<>();
        patches.forEach(e -> set.add(e.blobRef()));
        return new ArrayList<>(set);
    }

    /**
     * Parses a decrypted index strictly and checks it against the release: known format, sorted unique (target, base)
     * pairs, a base other than its target, and exactly the patch blobs the release signs (same lengths).
     */
    public static PatchIndex parse(byte[] bytes, List<BlobRef> signedBlobs) {
        JsonNode node = CanonicalJson.parse(bytes, "The patch index");
        Fields.formatVersion(node, "patches", FORMAT);
        JsonNode list = Fields.array(node, "patches", "patches");
        if (list.size() > MAX_PATCHES) {
            throw new CryptoException("the patch index lists " + list.size() + " patches, more than " + MAX_PATCHES);
        }
        List<Entry> out = new ArrayList<>(list.size());
        Entry previous = null;
        for (int i = 0; i < list.size(); i++) {
            String w = "patches.patches[" + i + "]";
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                throw new CryptoException(w + " is not an object");
            }
            Entry e = new Entry(Fields.hex(p, "base", 64, w), Fields.integer(p, "baseSize", 0, w),
                    Fields.hex(p, "target", 64, w), Fields.integer(p, "targetSize", 0, w),
                    Fields.hex(p, "sha256", 64, w), Fields.integer(p, "size", 1, w), Fields.hex(p, "blob", 64, w));
            if (e.base().equals(e.target())) {
                throw new CryptoException(w + " patches a file into itself");
            }
            if (previous != null && ORDER.compare(previous, e) >= 0) {
                throw new CryptoException(w + " is not sorted by target and base, or is a duplicate");
            }
            previous = e;
            out.add(e);
        }
        java.util.Map<String, BlobRef> signed = new java.util.HashMap<>();
        signedBlobs.forEach(b -> signed.put(b.sha256(), b));
        Set<String> used = new HashSet<>();
        for (Entry e : out) {
            BlobRef s = signed.get(e.blob());
            if (s == null || s.length() != e.blobRef().length()) {
                throw new CryptoException("the patch index names blob " + Codec.shortId(e.blob())
                        + " which the release does not sign with that length");
            }
            used.add(e.blob());
        }
        if (used.size() != signed.size()) {
            throw new CryptoException("the release signs " + signed.size() + " patch blobs but the patch index uses "
                    + used.size());
        }
        return new PatchIndex(out);
    }
}
