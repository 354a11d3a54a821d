package dev.patchbay.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * One bundle upload (bundle-format.md §7): opens a session, sends only the blobs the server lacks, in pieces with
 * {@code Content-Range}, up to {@link #PARALLEL} blobs at a time (largest first), resumes each after an interruption
 * from the size the server reports, and commits once every blob is there (the commit stays one atomic step). {@link #run()}
 * blocks; {@link #cancel()} (any thread) or interrupting the running thread (or, from the listener, the sender
 * thread it is called on) stops it and aborts the session, and
 * {@link #run()} then throws {@link CancellationException}. Any other failure also aborts the session, so nothing is
 * left behind on the server.
 */
public final class BundlePublish {
    /** Consecutive failed attempts on one blob, without progress, before giving up. */
    static final int MAX_ATTEMPTS = 5;
    /** Blobs sent at the same time: the server's per-blob work (hashing, storing) overlaps the next blob's bytes. */
    static final int PARALLEL = 3;
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    private final PatchbayClient client;
    private final String appId;
    private final String version;
    private final byte[] envelope;
    private final Path folder;
    private final List<BlobRef> blobs;
    private final ProgressListener listener;
    private final long pieceBytes;
    private volatile boolean cancelled;
    private final java.util.Queue<Call> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Set when one blob failed for good: the other senders stop (the failure, not a cancellation, is reported). */
    private volatile boolean halted;
    /** A sender's thread was interrupted (by the listener, on that thread): run() keeps the flag for its caller. */
    private volatile boolean senderInterrupted;
    private volatile String uploadId;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private long total;

    BundlePublish(PatchbayClient client, String appId, String version, byte[] envelope, Path folder,
                  List<BlobRef> blobs, ProgressListener listener, long pieceBytes) {
        this.client = client;
        this.appId = appId;
        this.version = version;
        this.envelope = envelope.clone();
        this.folder = folder;
        this.blobs = List.copyOf(blobs);
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.pieceBytes = pieceBytes;
    }

    /** Stops the upload from any thread; the running {@link #run()} aborts the session and throws. */
    public void cancel() {
        cancelled = true;
        cancelCalls();
    }

    private void cancelCalls() {
        for (Call c : calls) {
            c.cancel();
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** The server's id of the upload session, once opened. */
    public String uploadId() {
        return uploadId;
    }

    /** Uploads and publishes; answers the published bundle. */
    public Bundle run() {
        Map<String, BlobRef> bySha = new LinkedHashMap<>();
        for (BlobRef b : blobs) {
            bySha.put(b.sha256(), b);
            Path file = folder.resolve(b.sha256());
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException e) {
                throw new ValidationException("blobs", "Blob file " + file + " is missing");
            } catch (IOException e) {
                throw new ValidationException("blobs", "Blob file " + file + " cannot be read: " + e.getMessage());
            }
            if (size != b.length()) {
                throw new ValidationException("blobs", "Blob file " + file + " has " + size + " bytes, not "
                        + b.length());
            }
        }
        checkCancelled();
        JsonNode session = client.createUpload(appId, version, blobs, this::track);
        uploadId = session.path("id").asText();
        boolean success = false;
        try {
            List<BlobRef> missing = new ArrayList<>();
            for (JsonNode sha : session.path("missing")) {
                BlobRef b = bySha.get(sha.asText());
                if (b == null) {
                    throw new ServerErrorException(201, "bad_response", "The server asked for blob " + sha.asText()
                            + ", which is not part of this bundle");
                }
                missing.add(b);
                total += b.length();
            }
            listener.onProgress(0, total);
            missing.sort(java.util.Comparator.comparingLong(BlobRef::length).reversed());
            sendAll(missing);
            checkCancelled();
            listener.committing();
            Bundle bundle = client.commitUpload(appId, uploadId, envelope, this::track);
            success = true;
            return bundle;
        } catch (ServerUnreachableException e) {
            if (cancelled || Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedIOException
                    && cancelledOrInterrupted()) {
                throw cancellation();
            }
            throw e;
        } finally {
            if (!success) {
                abortQuietly();
            }
        }
    }

    private boolean cancelledOrInterrupted() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    private void track(Call call) {
        calls.add(call); // kept to the end (one per request: a few dozen); cancelling a finished call does nothing
        if (cancelled || halted) {
            call.cancel();
        }
    }

    /**
     * Sends the blobs on up to {@link #PARALLEL} threads, each blob whole by one thread. The first failure stops the
     * others and is thrown once all have stopped (so no piece goes out after the session is aborted); interrupting
     * the calling thread cancels the upload.
     */
    private void sendAll(List<BlobRef> missing) {
        int threads = Math.min(PARALLEL, missing.size());
        if (threads <= 1) {
            for (BlobRef b : missing) {
                send(b);
            }
            return;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads,
                new java.util.concurrent.ThreadFactory() {
                    private int n;

                    @Override
                    public synchronized Thread newThread(Runnable r) {
                        Thread t = new Thread(r, "patchbay-upload-" + ++n);
                        t.setDaemon(true);
                        return t;
                    }
                });
        try {
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    try {
                        for (int i = next.getAndIncrement(); i < missing.size() && !halted && !cancelled;
                                i = next.getAndIncrement()) {
                            send(missing.get(i));
                        }
                    } finally {
                        // Only the listener, called on this thread, can interrupt it: as if run()'s thread was.
                        if (Thread.currentThread().isInterrupted()) {
                            senderInterrupted = true;
                        }
                    }
                    return null;
                }));
            }
            RuntimeException first = null;
            boolean interrupted = false;
            for (java.util.concurrent.Future<?> w : workers) {
                while (true) {
                    try {
                        w.get();
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (first == null && !cancelled) {
                            first = e.getCause() instanceof RuntimeException re ? re
                                    : new IllegalStateException(e.getCause());
                            halted = true;
                            cancelCalls();
                        }
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // cancel, then still wait for the senders to stop
                        cancel();
                    }
                }
            }
            if (interrupted || senderInterrupted) {
                Thread.currentThread().interrupt();
            }
            if (cancelled) {
                throw cancellation();
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void checkCancelled() {
        if (cancelledOrInterrupted()) {
            throw cancellation();
        }
    }

    private CancellationException cancellation() {
        cancelled = true;
        return new CancellationException("The upload of " + appId + " " + version + " was cancelled");
    }

    private void abortQuietly() {
        if (uploadId == null) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // let the abort call through, then restore the flag
        try {
            client.abortUpload(appId, uploadId);
        } catch (ApiException ignored) {
            // Gone already, or the server is away: the session expires on its own.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends one blob in pieces, resuming from what the server holds after a failure. */
    private void send(BlobRef b) {
        long offset = 0;
        int failures = 0;
        long[] reported = {0}; // of this blob, already counted in sent
        while (offset < b.length() || b.length() == 0) {
            checkCancelled();
            if (halted) {
                throw new CancellationException("another blob failed");
            }
            long end = Math.min(b.length(), offset + pieceBytes);
            try {
                long before = offset;
                long received = client.putBlobPiece(appId, uploadId, b, folder.resolve(b.sha256()), offset, end,
                        bytes -> {
                            if (cancelled || halted) {
                                throw new InterruptedIOException("cancelled");
                            }
                            report(reported, before + bytes);
                        }, this::track);
                offset = received;
                failures = 0;
                report(reported, offset);
                if (b.length() == 0) {
                    break;
                }
            } catch (PatchbayClient.WrongOffset e) {
                offset = e.received();
                report(reported, offset);
                if (++failures >= MAX_ATTEMPTS) {
                    throw new ServerErrorException(409, "wrong_offset", "The server keeps reporting another offset"
                            + " for blob " + b.sha256());
                }
            } catch (ServerUnreachableException e) {
                checkCancelled();
                if (halted) {
                    throw new CancellationException("another blob failed");
                }
                if (++failures >= MAX_ATTEMPTS) {
                    throw e;
                }
                pause(failures);
                offset = receivedOrRetry(b, failures);
                report(reported, offset);
            }
        }
        report(reported, b.length());
    }

    /** Counts this blob as {@code at} bytes sent (of all blobs: the sum), reported in order across senders. */
    private void report(long[] reported, long at) {
        synchronized (sent) {
            long now = sent.addAndGet(at - reported[0]);
            reported[0] = at;
            listener.onProgress(now, total);
        }
    }

    private long receivedOrRetry(BlobRef b, int failures) {
        int attempt = failures;
        while (true) {
            checkCancelled();
            try {
                return client.blobReceived(appId, uploadId, b.sha256(), this::track);
            } catch (ServerUnreachableException e) {
                if (++attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(Math.min(2000, 100L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancellation();
        }
    }

    /** A request body streaming {@code [from, to)} of a file, reporting bytes written. */
    static RequestBody fileRange(Path file, long from, long to, PatchbayClient.SentListener sent) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return OCTETS;
            }

            @Override
            public long contentLength() {
                return to - from;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    in.skipNBytes(from);
                    byte[] buf = new byte[64 * 1024];
                    long left = to - from;
                    long written = 0;
                    while (left > 0) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw new InterruptedIOException("interrupted");
                        }
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IOException("Blob file " + file + " is shorter than expected");
                        }
                        sink.write(buf, 0, n);
                        left -= n;
                        written += n;
                        sent.sent(written);
                    }
                }
            }
        };
    }
}
