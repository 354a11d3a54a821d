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
 * {@code Content-Range}, resumes after an interruption from the size the server reports, and commits. {@link #run()}
 * blocks; {@link #cancel()} (any thread) or interrupting the running thread stops it and aborts the session, and
 * {@link #run()} then throws {@link CancellationException}. Any other failure also aborts the session, so nothing is
 * left behind on the server.
 */
public final class BundlePublish {
    /** Consecutive failed attempts on one blob, without progress, before giving up. */
    static final int MAX_ATTEMPTS = 5;
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
    private volatile Call current;
    private volatile String uploadId;
    private long done;
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
        Call c = current;
        if (c != null) {
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
            for (BlobRef b : missing) {
                send(b);
            }
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
        current = call;
        if (cancelled) {
            call.cancel();
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
        long base = done;
        while (offset < b.length() || b.length() == 0) {
            checkCancelled();
            long end = Math.min(b.length(), offset + pieceBytes);
            try {
                long before = offset;
                long received = client.putBlobPiece(appId, uploadId, b, folder.resolve(b.sha256()), offset, end,
                        sent -> {
                            if (cancelled) {
                                throw new InterruptedIOException("cancelled");
                            }
                            listener.onProgress(base + before + sent, total);
                        }, this::track);
                offset = received;
                failures = 0;
                listener.onProgress(base + offset, total);
                if (b.length() == 0) {
                    break;
                }
            } catch (PatchbayClient.WrongOffset e) {
                offset = e.received();
                listener.onProgress(base + offset, total);
                if (++failures >= MAX_ATTEMPTS) {
                    throw new ServerErrorException(409, "wrong_offset", "The server keeps reporting another offset"
                            + " for blob " + b.sha256());
                }
            } catch (ServerUnreachableException e) {
                checkCancelled();
                if (++failures >= MAX_ATTEMPTS) {
                    throw e;
                }
                pause(failures);
                offset = receivedOrRetry(b, failures);
                listener.onProgress(base + offset, total);
            }
        }
        done = base + b.length();
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
