package dev.patchbay.server.freshness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessBatch;
import dev.patchbay.crypto.FreshnessStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Signs freshness statements in batches (ADR 0114): one Ed25519 signature over the Merkle root of every statement
 * waiting at that moment, as a database group commit does. No timer and no thread of its own: the first request
 * thread that finds no signature in progress signs what is queued (its own statement included); the statements that
 * arrive meanwhile form the next batch. A lone check in a quiet period is a batch of one and waits for nothing; under
 * load the batches grow by themselves to (arrival rate × signing time).
 */
public final class FreshnessBatcher {
    private final Ed25519.Signer key;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition sealed = lock.newCondition();
    private List<Pending> queue = new ArrayList<>();
    private boolean signing;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    public FreshnessBatcher(Ed25519.Signer key) {
        this.key = key;
    }

    /** One statement waiting for its batch. */
    private static final class Pending {
        final byte[] leaf;
        FreshnessBatch.Tree tree;
        int index;
        byte[] signature;
        RuntimeException failure;
        boolean done;

        Pending(byte[] leaf) {
            this.leaf = leaf;
        }
    }

    /**
     * The {@code freshness} object of an answer: {@code statement} signed in a batch with the statements of concurrent
     * checks, with its proof. Blocks at most for the signature in progress plus its own batch's.
     */
    public ObjectNode sign(ObjectNode statement) {
        Pending mine = new Pending(FreshnessBatch.leafHash(CanonicalJson.bytes(statement)));
        lock.lock();
        try {
            queue.add(mine);
            while (!mine.done) {
                if (signing) {
                    sealed.awaitUninterruptibly();
                    continue;
                }
                signing = true;
                List<Pending> batch = queue;
                queue = new ArrayList<>();
                lock.unlock();
                try {
                    seal(batch);
                } finally {
                    lock.lock();
                    signing = false;
                    sealed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        FreshnessBatch.Proof proof = new FreshnessBatch.Proof(mine.tree.root(), mine.tree.size(), mine.index,
                mine.tree.path(mine.index), mine.signature);
        return FreshnessStatement.batched(statement, proof, key.keyId());
    }

    private void seal(List<Pending> batch) {
        try {
            List<byte[]> leaves = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                leaves.add(p.leaf);
            }
            FreshnessBatch.Tree tree = new FreshnessBatch.Tree(leaves);
            byte[] signature = key.sign(FreshnessBatch.head(tree.root(), tree.size()));
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                p.tree = tree;
                p.index = i;
                p.signature = signature;
            }
            batches.incrementAndGet();
            statements.addAndGet(batch.size());
        } catch (RuntimeException e) {
            for (Pending p : batch) {
                p.failure = e;
            }
        } finally {
            // Read by the waiting threads after they take the lock again, which publishes these writes.
            for (Pending p : batch) {
                p.done = true;
            }
        }
    }

    /** Batches signed so far. */
    public long batches() {
        return batches.get();
    }

    /** Statements signed in those batches. */
    public long statements() {
        return statements.get();
    }
}
