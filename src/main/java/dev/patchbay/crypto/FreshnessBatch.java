package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch-signed freshness statements (device-protocol §2.1, ADR 0114): the server signs, once, the root of a Merkle
 * tree over the statements it answers at the same moment, and each answer carries its statement, the tree size,
 * its leaf index and audit path. The tree and the proof check are those of RFC 9162 §2.1 (Certificate Transparency):
 * leaf = SHA-256(0x00 || canonical statement), node = SHA-256(0x01 || left || right), the left subtree of n leaves
 * holds the largest power of two below n. The signed message is the canonical JSON of
 * {@code {"format": "patchbay-freshness-batch/1", "root", "treeSize"}}, which no single statement can be mistaken for
 * (their format is {@code patchbay-freshness/1}).
 */
public final class FreshnessBatch {
    public static final String FORMAT = "patchbay-freshness-batch/1";
    /** Largest batch a device accepts (a server signs far fewer at once; this only bounds the work of a check). */
    public static final long MAX_TREE_SIZE = 1L << 20;
    static final int HASH_LENGTH = 32;

    private FreshnessBatch() {
    }

    /** What an answer carries besides its statement: the signed root and tree size, its leaf index and audit path. */
    public record Proof(byte[] root, long treeSize, long leafIndex, List<byte[]> path, byte[] signature) {
        /** The {@code batch} object of a {@code freshness} answer. */
        public ObjectNode toJson() {
            ObjectNode b = CanonicalJson.object();
            b.put("treeSize", treeSize);
            b.put("root", Codec.b64(root));
            b.put("leafIndex", leafIndex);
            ArrayNode p = b.putArray("path");
            for (byte[] h : path) {
                p.add(Codec.b64(h));
            }
            return b;
        }

        static Proof fromJson(JsonNode batch, String where) {
            long size = Fields.integer(batch, "treeSize", 1, where);
            if (size > MAX_TREE_SIZE) {
                throw new CryptoException(where + ".treeSize " + size + " is larger than " + MAX_TREE_SIZE);
            }
            byte[] root = Codec.unb64(Fields.text(batch, "root", where), HASH_LENGTH, where + ".root");
            long index = Fields.integer(batch, "leafIndex", 0, where);
            JsonNode p = Fields.array(batch, "path", where);
            if (p.size() > 64) {
                throw new CryptoException(where + ".path has " + p.size() + " hashes; a batch needs at most 64");
            }
            List<byte[]> path = new ArrayList<>(p.size());
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).isTextual()) {
                    throw new CryptoException(where + ".path[" + i + "] is not a string");
                }
                path.add(Codec.unb64(p.get(i).asText(), HASH_LENGTH, where + ".path[" + i + "]"));
            }
            return new Proof(root, size, index, path, null);
        }
    }

    /** The leaf hash of a statement's canonical bytes. */
    public static byte[] leafHash(byte[] canonicalStatement) {
        MessageDigest md = KeyIds.sha256();
        md.update((byte) 0x00);
        return md.digest(canonicalStatement);
    }

    static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
        md.update((byte) 0x01);
        md.update(left);
        return md.digest(right);
    }

    /** The message the freshness key signs for a batch. */
    public static byte[] head(byte[] root, long treeSize) {
        ObjectNode h = CanonicalJson.object();
        h.put("format", FORMAT);
        h.put("root", Codec.b64(root));
        h.put("treeSize", treeSize);
        return CanonicalJson.bytes(h);
    }

    /**
     * The tree over {@code leaves} (leaf hashes, in order), level by level: an odd last node is carried up unchanged,
     * which gives exactly the RFC 9162 tree.
     */
    public static final class Tree {
        private final List<byte[][]> levels = new ArrayList<>();

        public Tree(List<byte[]> leaves) {
            if (leaves.isEmpty()) {
                throw new IllegalArgumentException("a batch has at least one statement");
            }
            MessageDigest md = KeyIds.sha256();
            byte[][] level = leaves.toArray(new byte[0][]);
            levels.add(level);
            while (level.length > 1) {
                byte[][] up = new byte[(level.length + 1) / 2][];
                for (int i = 0; i + 1 < level.length; i += 2) {
                    up[i / 2] = nodeHash(md, level[i], level[i + 1]);
                }
                if (level.length % 2 == 1) {
                    up[up.length - 1] = level[level.length - 1];
                }
                levels.add(up);
                level = up;
            }
        }

        public byte[] root() {
            return levels.get(levels.size() - 1)[0];
        }

        public int size() {
            return levels.get(0).length;
        }

        /** The audit path of leaf {@code index}, from the leaf's sibling up. */
        public List<byte[]> path(int index) {
            List<byte[]> path = new ArrayList<>(levels.size());
            int i = index;
            for (int l = 0; l < levels.size() - 1; l++) {
                byte[][] level = levels.get(l);
                int sibling = i ^ 1;
                if (sibling < level.length) {
                    path.add(level[sibling]);
                }
                i >>= 1;
            }
            return path;
        }
    }

    /**
     * The root that {@code leaf} at {@code index} with {@code path} leads to in a tree of {@code treeSize} leaves
     * (RFC 9162 §2.1.3.2); {@link CryptoException} if the index is outside the tree or the path has the wrong length.
     */
    public static byte[] rootFromPath(byte[] leaf, long index, long treeSize, List<byte[]> path) {
        if (index >= treeSize) {
            throw new CryptoException("The freshness batch proof is for leaf " + index + " of a batch of " + treeSize
                    + " (leafIndex modified)");
        }
        MessageDigest md = KeyIds.sha256();
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leaf;
        for (byte[] p : path) {
            if (sn == 0) {
                throw new CryptoException("The freshness batch audit path is longer than a batch of " + treeSize
                        + " needs (path or leafIndex modified)");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(md, p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(md, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new CryptoException("The freshness batch audit path is shorter than a batch of " + treeSize
                    + " needs (path or leafIndex modified)");
        }
        return r;
    }

    /**
     * Checks a batched statement: the root is signed by {@code publicKey}, and the statement is the leaf at the
     * proof's index under that root. Reasons name what does not hold.
     */
    static void verify(byte[] publicKey, byte[] canonicalStatement, Proof proof, byte[] signature) {
        if (!Ed25519.verify(publicKey, head(proof.root(), proof.treeSize()), signature)) {
            throw new CryptoException("The freshness batch root signature is invalid (root or tree size modified,"
                    + " or forged)");
        }
        byte[] computed = rootFromPath(leafHash(canonicalStatement), proof.leafIndex(), proof.treeSize(),
                proof.path());
        if (!MessageDigest.isEqual(computed, proof.root())) {
            throw new CryptoException("The freshness statement is not in the signed batch (statement, leafIndex or"
                    + " audit path modified)");
        }
    }
}
