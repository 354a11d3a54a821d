package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch-signed freshness statements (ADR 0114): what a device accepts and every tampering it refuses. */
class FreshnessBatchTest {
    static final String APP = "com.example.shop";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String[] DEVICES = {"3f1c2a64-9e4b-4b7e-8d1f-2a9c0e6b7d10", "0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e",
        "aa11bb22-cc33-4d44-8e55-ff6677889900", "12345678-90ab-4cde-8f01-234567890abc",
        "fedcba98-7654-4321-8fed-cba987654321"};

    final byte[] root = Ed25519.generatePrivateKey();
    final byte[] server = Ed25519.generatePrivateKey();
    final FreshnessCert cert = FreshnessCert.create(APP, Ed25519.publicKey(server), T0,
            T0.plus(Duration.ofDays(365)), root);

    static List<ObjectNode> batch(List<ObjectNode> statements, Ed25519.Signer key) {
        return FreshnessBatchTestSupport.batch(statements, key);
    }

    static String nonce(int i) {
        return "bm9uY2Ut" + "ABCDEFGHIJKLMN".substring(0, 13) + (char) ('a' + i);
    }

    ObjectNode statement(int i) {
        // odd devices get another channel, so two answers differ in more than device and nonce
        return FreshnessStatement.statement(APP, DEVICES[i], nonce(i), i % 2 == 0 ? "production" : "beta",
                FreshnessStatement.Outcome.UPDATE, new FreshnessStatement.ReleaseRef("1.4.0", 7, "a".repeat(64)),
                T0.plus(Duration.ofDays(2)), Duration.ofMinutes(10));
    }

    List<ObjectNode> batchOf(int n) {
        List<ObjectNode> sts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sts.add(statement(i));
        }
        return batch(sts, Ed25519.signer(server));
    }

    FreshnessStatement verify(JsonNode freshness, int device) {
        return FreshnessStatement.verify(freshness, cert.toJson(), Ed25519.publicKey(root), APP, DEVICES[device],
                nonce(device));
    }

    String refusal(JsonNode freshness, int device) {
        return assertThrows(CryptoException.class, () -> verify(freshness, device)).getMessage();
    }

    @Test
    void everyStatementOfABatchVerifiesForItsOwnDeviceAndNonce() {
        List<ObjectNode> answers = batchOf(5);
        for (int i = 0; i < 5; i++) {
            // through bytes, as a device receives it
            JsonNode wire = CanonicalJson.parse(CanonicalJson.bytes(answers.get(i)), "answer");
            FreshnessStatement fs = verify(wire, i);
            assertTrue(fs.batched());
            assertEquals(5, fs.batchSize());
            assertEquals(nonce(i), fs.nonce());
        }
        // one signature for the whole batch
        assertEquals(1, answers.stream().map(a -> a.get("signature").get("value").asText()).distinct().count());
    }

    @Test
    void aLoneStatementIsABatchOfOneWithAnEmptyPath() {
        ObjectNode a = batchOf(1).get(0);
        assertEquals(0, a.get("batch").get("path").size());
        assertEquals(1, verify(a, 0).batchSize());
    }

    @Test
    void aStatementSignedOnItsOwnStillVerifies() {
        ObjectNode single = FreshnessStatement.signed(statement(2), Ed25519.signer(server));
        FreshnessStatement fs = verify(single, 2);
        assertFalse(fs.batched());
    }

    @Test
    void aTamperedAuditPathIsRefused() {
        ObjectNode a = batchOf(5).get(1);
        ArrayNode path = (ArrayNode) a.get("batch").get("path");
        byte[] h = Codec.unb64(path.get(1).asText(), 32, "h");
        h[0] ^= 1;
        path.set(1, Codec.b64(h));
        assertTrue(refusal(a, 1).contains("not in the signed batch"), refusal(a, 1));

        ObjectNode shorter = batchOf(5).get(1);
        ((ArrayNode) shorter.get("batch").get("path")).remove(2);
        assertTrue(refusal(shorter, 1).contains("shorter"), refusal(shorter, 1));
        ObjectNode longer = batchOf(5).get(1);
        ((ArrayNode) longer.get("batch").get("path")).add(Codec.b64(new byte[32]));
        assertTrue(refusal(longer, 1).contains("longer"), refusal(longer, 1));
        ObjectNode junk = batchOf(5).get(1);
        ((ArrayNode) junk.get("batch").get("path")).set(0, "not-a-hash");
        assertTrue(refusal(junk, 1).contains("path[0]"), refusal(junk, 1));
    }

    @Test
    void aTamperedIndexRootOrTreeSizeIsRefused() {
        ObjectNode index = batchOf(5).get(1);
        ((ObjectNode) index.get("batch")).put("leafIndex", 0);
        assertTrue(refusal(index, 1).contains("not in the signed batch"), refusal(index, 1));
        ObjectNode outside = batchOf(5).get(1);
        ((ObjectNode) outside.get("batch")).put("leafIndex", 5);
        assertTrue(refusal(outside, 1).contains("leaf 5 of a batch of 5"), refusal(outside, 1));

        ObjectNode rootChanged = batchOf(5).get(3);
        ((ObjectNode) rootChanged.get("batch")).put("root", Codec.b64(new byte[32]));
        assertTrue(refusal(rootChanged, 3).contains("root signature is invalid"), refusal(rootChanged, 3));
        ObjectNode size = batchOf(5).get(3);
        ((ObjectNode) size.get("batch")).put("treeSize", 6);
        assertTrue(refusal(size, 3).contains("root signature is invalid"), refusal(size, 3));
    }

    @Test
    void aNonceSwappedBetweenAnswersOfOneBatchIsRefused() {
        List<ObjectNode> answers = batchOf(4);
        // The attacker gives device 0 a statement carrying device 0's nonce, but with the proof of answer 0 and
        // the content of answer 1: it is not a leaf of the signed tree.
        ObjectNode swapped = answers.get(1).deepCopy();
        ((ObjectNode) swapped.get("statement")).put("nonce", nonce(0)).put("deviceId", DEVICES[0]);
        swapped.set("batch", answers.get(0).get("batch"));
        assertTrue(refusal(swapped, 0).contains("not in the signed batch"), refusal(swapped, 0));
        // Nonce fields swapped between two answers: each leaf hash changes.
        ObjectNode a = answers.get(2).deepCopy();
        ((ObjectNode) a.get("statement")).put("nonce", nonce(3));
        assertTrue(refusal(a, 2).contains("not in the signed batch"), refusal(a, 2));
        // Another device's answer, intact, is valid in the batch but not for this request.
        assertTrue(refusal(answers.get(3), 2).contains("another device"), refusal(answers.get(3), 2));
        // A valid leaf for this device, but answering another of its requests: a replay.
        ObjectNode replay = batch(List.of(statement(0), statement(2).put("nonce", nonce(3))),
                Ed25519.signer(server)).get(1);
        assertTrue(refusal(replay, 2).contains("nonce mismatch"), refusal(replay, 2));
    }

    @Test
    void aRootSignedByAnotherKeyIsRefused() {
        byte[] stranger = Ed25519.generatePrivateKey();
        ObjectNode forged = batch(List.of(statement(0), statement(1)), Ed25519.signer(stranger)).get(0);
        // claims the certified key id, but the signature is the stranger's
        ((ObjectNode) forged.get("signature")).put("keyId", Ed25519.signer(server).keyId());
        assertTrue(refusal(forged, 0).contains("root signature is invalid"), refusal(forged, 0));
        // A single-statement signature presented as a batch root does not verify either (different signed message).
        ObjectNode single = FreshnessStatement.signed(statement(0), Ed25519.signer(server));
        ObjectNode mixed = batchOf(1).get(0);
        mixed.set("signature", single.get("signature"));
        assertTrue(refusal(mixed, 0).contains("root signature is invalid"), refusal(mixed, 0));
        // ... nor a batch signature without its proof.
        ObjectNode stripped = batchOf(1).get(0);
        stripped.remove("batch");
        assertTrue(refusal(stripped, 0).contains("signature is invalid"), refusal(stripped, 0));
    }

    /** RFC 9162 §2.1.1, recursively: the tree the level-by-level build must equal. */
    static byte[] mth(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        MessageDigest md = KeyIds.sha256();
        return FreshnessBatch.nodeHash(md, mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
    }

    @Test
    void theTreeIsRfc9162sAndEveryPathLeadsToItsRootForEverySize() {
        for (int n = 1; n <= 70; n++) {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                leaves.add(FreshnessBatch.leafHash(new byte[] {(byte) i, (byte) n}));
            }
            FreshnessBatch.Tree tree = new FreshnessBatch.Tree(leaves);
            assertArrayEquals(mth(leaves), tree.root(), "size " + n);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(tree.root(), FreshnessBatch.rootFromPath(leaves.get(i), i, n, tree.path(i)),
                        "leaf " + i + " of " + n);
                if (n > 1) {
                    // at another index the same path is either refused for its length or leads elsewhere
                    int other = (i + 1) % n;
                    byte[] moved;
                    try {
                        moved = FreshnessBatch.rootFromPath(leaves.get(i), other, n, tree.path(i));
                    } catch (CryptoException e) {
                        moved = null;
                    }
                    assertFalse(Arrays.equals(tree.root(), moved), "leaf " + i + " at index " + other + " of " + n);
                }
            }
        }
        // Domain separation: an inner node is not a leaf hash of its children's concatenation.
        byte[] l = FreshnessBatch.leafHash(new byte[] {1});
        byte[] r = FreshnessBatch.leafHash(new byte[] {2});
        byte[] both = new byte[64];
        System.arraycopy(l, 0, both, 0, 32);
        System.arraycopy(r, 0, both, 32, 32);
        assertFalse(Arrays.equals(new FreshnessBatch.Tree(List.of(l, r)).root(), FreshnessBatch.leafHash(both)));
    }
}
