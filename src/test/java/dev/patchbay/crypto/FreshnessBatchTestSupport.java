package dev.patchbay.crypto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Builds batch-signed freshness answers as the server does, for tests of what devices accept. */
public final class FreshnessBatchTestSupport {
    private FreshnessBatchTestSupport() {
    }

    /** The {@code freshness} objects of one batch over {@code statements}, signed by {@code key}. */
    public static List<ObjectNode> batch(List<ObjectNode> statements, Ed25519.Signer key) {
        List<byte[]> leaves = new ArrayList<>();
        for (ObjectNode st : statements) {
            leaves.add(FreshnessBatch.leafHash(CanonicalJson.bytes(st)));
        }
        FreshnessBatch.Tree tree = new FreshnessBatch.Tree(leaves);
        byte[] signature = key.sign(FreshnessBatch.head(tree.root(), tree.size()));
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            out.add(FreshnessStatement.batched(statements.get(i), new FreshnessBatch.Proof(tree.root(), tree.size(),
                    i, tree.path(i), signature), key.keyId()));
        }
        return out;
    }
}
