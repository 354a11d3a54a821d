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
 * Signs freshness statements in batches (ADR 0114): one Ed25519 signature over the Merkle root of the statements of
 * concurrent checks, as a database group commit does. No thread of its own: the first request thread that finds no
 * signature in progress becomes the batch's leader and signs what is queued (its own statement included). When
 * checks are arriving (a batch was sealed within the last two windows), the leader first waits up to
 * {@link #DEFAULT_WINDOW} for more, or until {@link #DEFAULT_MAX_BATCH} are queued, as Roughtime servers do: signing
 * takes ~35 µs, so without a window batches would stay near one statement until the signer saturates. A lone check
 * in a quiet period is a batch of one and waits for nothing.
 */
public final class FreshnessBatcher {
    /** Longest a batch's leader waits for more statements while checks are arriving. */
    public static final java.time.Duration DEFAULT_WINDOW = java.time.Duration.ofMillis(1);
    /** A batch is signed as soon as it holds this many statements. */
    public static final int DEFAULT_MAX_BATCH = 256;

    private final Ed25519.Signer key;
    private final long windowNanos;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition sealed = lock.newCondition();
    private final Condition full = lock.newCondition();
    private List<Pending> queue = new ArrayList<>();
    private boolean signing;
    private long lastSeal = System.nanoTime() - (1L << 40);
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    public FreshnessBatcher(Ed25519.Signer key) {
        this(key, DEFAULT_WINDOW, DEFAULT_MAX_BATCH);
    }

    public FreshnessBatcher(Ed25519.Signer key, java.time.Duration window, int maxBatch) {
        if (window.isNegative() || maxBatch < 1) {
            throw new IllegalArgumentException("a batch window is >= 0 and a batch holds at least one statement");
        }
        this.key = key;
        this.windowNanos = window.toNanos();
        this.maxBatch = maxBatch;
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
            if (queue.size() >= maxBatch) {
                full.signal();
            }
            while (!mine.done) {
                if (signing) {
                    sealed.awaitUninterruptibly();
                    continue;
                }
                signing = true;
                gather();
                List<Pending> batch = queue;
                queue = new ArrayList<>();
                lock.unlock();
                try {
                    seal(batch);
                } finally {
                    lock.lock();
                    signing = false;
                    lastSeal = System.nanoTime();
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

    /** While checks are arriving, waits (holding the leadership) up to the window for more statements. */
    private void gather() {
        long start = System.nanoTime();
        if (windowNanos == 0 || start - lastSeal > 2 * windowNanos) {
            return;
        }
        long left = windowNanos;
        while (queue.size() < maxBatch && left > 0) {
            try {
                full.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = windowNanos - (System.nanoTime() - start);
        }
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
