package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The plaintext manifest of a bundle (bundle-format §4.1): files sorted by path, each with size, sha256 and blob;
 * format 2 adds each file's codec and blob length (a compressed blob's length no longer follows from the size).
 */
public record Manifest(int version, List<File> files) {
    public static final String FORMAT = "patchbay-manifest/1";
    public static final String FORMAT_2 = "patchbay-manifest/2";

    /**
     * One file: safe relative path, plaintext size and SHA-256, the SHA-256 of its ciphertext blob, how it was
     * encoded before encryption and the blob's length.
     */
    public record File(String path, long size, String sha256, String blob, FileCodec codec, long blobLength) {
        /** A format 1 entry: no codec, the blob length follows from the size. */
        public File(String path, long size, String sha256, String blob) {
            this(path, size, sha256, blob, FileCodec.NONE, BlobCipher.blobLength(size));
        }

        /** The blob of this file as signed in the release. */
        public BlobRef blobRef() {
            return new BlobRef(blob, blobLength);
        }
    }

    public Manifest {
        if (version != 1 && version != 2) {
            throw new CryptoException("unknown manifest version " + version);
        }
        files = List.copyOf(files);
    }

    /** A format 1 manifest. */
    public Manifest(List<File> files) {
        this(1, files);
    }

    public byte[] toBytes() {
        ObjectNode node = CanonicalJson.object();
        node.put("format", version == 1 ? FORMAT : FORMAT_2);
        ArrayNode list = node.putArray("files");
        for (File f : files) {
            ObjectNode o = list.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256())
                    .put("blob", f.blob());
            if (version >= 2) {
                o.put("codec", f.codec().id()).put("blobLength", f.blobLength());
            }
        }
        return CanonicalJson.bytes(node);
    }

    public long totalSize() {
        return files.stream().mapToLong(File::size).sum();
    }

    /**
     * Parses a decrypted manifest strictly: known format, sorted unique safe NFC paths without case collisions, so
     * that opening can never write outside its folder.
     */
    public static Manifest parse(byte[] bytes) {
        JsonNode node = CanonicalJson.parse(bytes, "The manifest");
        int version = Fields.formatVersion(node, "manifest", FORMAT, FORMAT_2);
        JsonNode list = Fields.array(node, "files", "manifest");
        java.util.ArrayList<File> files = new java.util.ArrayList<>(list.size());
        Set<String> folded = new HashSet<>();
        Set<String> dirs = new HashSet<>();
        String previous = null;
        for (int i = 0; i < list.size(); i++) {
            String w = "manifest.files[" + i + "]";
            JsonNode f = list.get(i);
            if (!f.isObject()) {
                throw new CryptoException(w + " is not an object");
            }
            String path = Fields.text(f, "path", w);
            String safe;
            try {
                safe = BundleInput.safePath(path, false);
            } catch (IllegalArgumentException e) {
                throw new CryptoException(w + ".path is unsafe: " + e.getMessage());
            }
            if (safe == null || !safe.equals(path) || !Normalizer.isNormalized(path, Normalizer.Form.NFC)) {
                throw new CryptoException(w + ".path \"" + path + "\" is not a safe NFC path");
            }
            if (previous != null && CanonicalJson.compareCodePoints(previous, path) >= 0) {
                throw new CryptoException(w + ".path is not sorted or is a duplicate");
            }
            if (!folded.add(path.toLowerCase(Locale.ROOT))) {
                throw new CryptoException(w + ".path \"" + path + "\" collides with another path in case");
            }
            String lower = path.toLowerCase(Locale.ROOT);
            for (int s = lower.indexOf('/'); s >= 0; s = lower.indexOf('/', s + 1)) {
                dirs.add(lower.substring(0, s));
            }
            previous = path;
            long size = Fields.integer(f, "size", 0, w);
            String sha = Fields.hex(f, "sha256", 64, w);
            String blob = Fields.hex(f, "blob", 64, w);
            if (version == 1) {
                files.add(new File(path, size, sha, blob));
            } else {
                FileCodec codec = FileCodec.of(Fields.text(f, "codec", w), w + ".codec");
                long blobLength = Fields.integer(f, "blobLength", 0, w);
                // a codec is only used where it makes the blob smaller: this caps downloads at the plain size
                long plain = BlobCipher.blobLength(size);
                if (codec == FileCodec.NONE ? blobLength != plain : blobLength >= plain) {
                    throw new CryptoException(w + ".blobLength " + blobLength + " does not fit its size " + size
                            + " and codec " + codec.id());
                }
                files.add(new File(path, size, sha, blob, codec, blobLength));
            }
        }
        java.util.Map<String, File> byBlob = new java.util.HashMap<>();
        for (File f : files) {
            File same = byBlob.putIfAbsent(f.blob(), f);
            if (same != null && (version == 1 || !same.sha256().equals(f.sha256()) || same.size() != f.size()
                    || same.codec() != f.codec())) {
                throw new CryptoException("manifest: \"" + f.path() + "\" and \"" + same.path()
                        + "\" share blob " + Codec.shortId(f.blob()) + " but not their content");
            }
            if (dirs.contains(f.path().toLowerCase(Locale.ROOT))) {
                throw new CryptoException("manifest: \"" + f.path() + "\" is both a file and a folder");
            }
        }
        return new Manifest(version, files);
    }
}
