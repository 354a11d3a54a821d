package dev.patchbay.server.freshness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.Ed25519;
import dev.patchbay.crypto.FreshnessBatch;
import dev.patchbay.crypto.FreshnessStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs freshness statements in batches (ADR 0114): one Ed25519 signature over the Merkle root of the statements of
 * concurrent checks, as a database group commit does. No thread of its own: the first request thread that finds no
 * batch gathering becomes its leader; statements that arrive meanwhile join it and their threads go on at once
 * ({@link #signLater}: the answer is completed by the leader, ADR 0119). When checks are arriving concurrently (a
 * batch was taken within the last two windows and had company or is still being signed), the leader first waits up
 * to {@link #DEFAULT_WINDOW} for more, or until
 * {@link #DEFAULT_MAX_BATCH} are queued, as Roughtime servers do: signing takes ~35 µs, so without a window batches
 * would stay near one statement until the signer saturates. A lone check in a quiet period is a batch of one and
 * waits for nothing. While one leader signs, the next batch may already gather under another.
 */
public final class FreshnessBatcher {
    private static final Logger LOG = LoggerFactory.getLogger(FreshnessBatcher.class);

    /** Longest a batch's leader waits for more statements while checks are arriving. */
    public static final java.time.Duration DEFAULT_WINDOW = java.time.Duration.ofMillis(1);
    /** A batch is signed as soon as it holds this many statements. */
    public static final int DEFAULT_MAX_BATCH = 256;

    private final Ed25519.Signer key;
    private final long windowNanos;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition full = lock.newCondition();
    private List<Pending> queue = new ArrayList<>();
    private boolean gathering;
    private long lastTaken = System.nanoTime() - (1L << 40);
    private int lastSize;
    private int sealing;
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

    /** One statement waiting for its batch, and what to do with its {@code freshness} object. */
    private record Pending(ObjectNode statement, byte[] leaf, BiConsumer<ObjectNode, RuntimeException> done) {
    }

    /**
     * The {@code freshness} object of an answer: {@code statement} signed in a batch with the statements of concurrent
     * checks, with its proof. Blocks for the window and its batch's signature (the calling thread may lead the batch).
     */
    public ObjectNode sign(ObjectNode statement) {
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        signLater(statement, (freshness, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(freshness);
            }
        });
        try {
            return answer.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Signs {@code statement} in a batch and hands {@code done} its {@code freshness} object (or the failure), exactly
     * once. Returns at once unless the calling thread becomes the batch's leader: then it gathers (at most the
     * window), signs, and runs {@code done} of every statement of the batch, its own included, before returning.
     * {@code done} runs on the leader's thread: it must not block.
     */
    public void signLater(ObjectNode statement, BiConsumer<ObjectNode, RuntimeException> done) {
        Pending mine = new Pending(statement, FreshnessBatch.leafHash(CanonicalJson.bytes(statement)), done);
        List<Pending> batch;
        lock.lock();
        try {
            queue.add(mine);
            if (queue.size() >= maxBatch) {
                full.signal();
            }
            if (gathering) {
                return; // this batch's leader signs it and completes this statement
            }
            gathering = true;
            gather();
            batch = queue;
            queue = new ArrayList<>();
            gathering = false;
            lastTaken = System.nanoTime();
            lastSize = batch.size();
            sealing++;
        } finally {
            lock.unlock();
        }
        try {
            seal(batch);
        } finally {
            lock.lock();
            try {
                sealing--;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * While checks are arriving concurrently, waits (holding the leadership) up to the window for more statements.
     * Concurrently means: the last batch was taken within two windows and either held more than one statement or is
     * still being signed. One client checking again and again (each check after the last answer) therefore never
     * waits: nothing could join its batch.
     */
    private void gather() {
        long start = System.nanoTime();
        if (windowNanos == 0 || start - lastTaken > 2 * windowNanos || lastSize < 2 && sealing == 0) {
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
        FreshnessBatch.Tree tree;
        byte[] signature;
        try {
            List<byte[]> leaves = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                leaves.add(p.leaf());
            }
            tree = new FreshnessBatch.Tree(leaves);
            signature = key.sign(FreshnessBatch.head(tree.root(), tree.size()));
            batches.incrementAndGet();
            statements.addAndGet(batch.size());
        } catch (RuntimeException e) {
            for (Pending p : batch) {
                complete(p, null, e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            ObjectNode freshness;
            try {
                FreshnessBatch.Proof proof = new FreshnessBatch.Proof(tree.root(), tree.size(), i, tree.path(i),
                        signature);
                freshness = FreshnessStatement.batched(p.statement(), proof, key.keyId());
            } catch (RuntimeException e) {
                complete(p, null, e);
                continue;
            }
            complete(p, freshness, null);
        }
    }

    /** Runs one statement's completion; its failure is its own answer's, never the other statements' of the batch. */
    private static void complete(Pending p, ObjectNode freshness, RuntimeException failure) {
        try {
            p.done().accept(freshness, failure);
        } catch (RuntimeException e) {
            LOG.error("Completing a batch-signed answer failed", e);
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
