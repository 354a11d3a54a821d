package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The plaintext manifest of a bundle (bundle-format §4.1): files sorted by path, each with size, sha256 and blob. */
public record Manifest(List<File> files) {
    public static final String FORMAT = "patchbay-manifest/1";

    /** One file: safe relative path, plaintext size and SHA-256, and the SHA-256 of its ciphertext blob. */
    public record File(String path, long size, String sha256, String blob) {
        /** The blob of this file as signed in the release (its length follows from the size). */
        public BlobRef blobRef() {
            return new BlobRef(blob, BlobCipher.blobLength(size));
        }
    }

    public Manifest {
        files = List.copyOf(files);
    }

    public byte[] toBytes() {
        ObjectNode node = CanonicalJson.object();
        node.put("format", FORMAT);
        ArrayNode list = node.putArray("files");
        for (File f : files) {
            list.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256())
                    .put("blob", f.blob());
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
        Fields.expect(node, "format", FORMAT, "manifest");
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
            files.add(new File(path, Fields.integer(f, "size", 0, w), Fields.hex(f, "sha256", 64, w),
                    Fields.hex(f, "blob", 64, w)));
        }
        for (File f : files) {
            if (dirs.contains(f.path().toLowerCase(Locale.ROOT))) {
                throw new CryptoException("manifest: \"" + f.path() + "\" is both a file and a folder");
            }
        }
        return new Manifest(files);
    }
}
