package dev.patchbay.server.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * Content-addressed storage of encrypted bundle blobs, named by the SHA-256 of their bytes, plus the staging area of
 * uploads in progress. Only blobs whose digest was checked while receiving them are ever visible under their name.
 * Two implementations: {@link FileBlobStore} (the data folder) and {@link S3BlobStore} (an S3-compatible bucket,
 * ADR 0112). An implementation must never report a write as done that it did not store: a failure of the storage
 * itself is thrown (for S3 as {@link dev.patchbay.server.store.StorageUnavailableException}, answered 503).
 */
public interface BlobStore extends AutoCloseable {
    Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The size of the stored blob, or -1 if the store does not hold it. */
    long size(String sha256) throws IOException;

    /** Opens a stored blob for reading; {@link java.nio.file.NoSuchFileException} if the store does not hold it. */
    InputStream open(String sha256) throws IOException;

    /** Opens a stored blob from byte {@code from} on (a resumed download). */
    default InputStream open(String sha256, long from) throws IOException {
        InputStream in = open(sha256);
        if (from > 0) {
            try {
                in.skipNBytes(from);
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }
        return in;
    }

    /**
     * How devices reach blobs without the server, or {@code null} when they download them from the server's
     * {@code /blobs/{sha256}} (the default).
     */
    default DirectLinks directLinks() {
        return null;
    }

    @Override
    default void close() {
    }

    /** Bytes received so far for a blob of an upload (its length if it is complete and stored). */
    long received(String uploadId, String sha256, long length) throws IOException;

    /**
     * Appends the bytes of {@code in} to an upload's partial blob, starting at {@code start}, which must equal what
     * was received so far ({@link WrongOffsetException} otherwise). {@code start == 0} with {@code restart} discards
     * any partial data first. When the blob reaches {@code length} bytes it is hashed and, if its digest is
     * {@code sha256}, moved into the store; otherwise the partial data is dropped ({@link DigestMismatchException}).
     * Bytes beyond {@code length} drop the partial data ({@link TooLongException}). If {@code in} fails mid-way, what
     * was received stays for a resume and the {@link IOException} is thrown.
     *
     * @return bytes received so far (== length when complete)
     */
    long append(String uploadId, String sha256, long length, long start, boolean restart, InputStream in)
            throws IOException;

    /** Drops the staging data of an upload (its partial blobs). */
    void dropUpload(String uploadId) throws IOException;

    /** Digests of every stored blob (for the start-up sweep). */
    java.util.List<String> stored() throws IOException;

    /** Ids of the uploads that have staging data (for the start-up sweep). */
    java.util.List<String> stagedUploads() throws IOException;

    /** Deletes a stored blob (garbage collection); no-op if absent. */
    void delete(String sha256) throws IOException;

    final class WrongOffsetException extends IOException {
        private final long received;

        public WrongOffsetException(long received) {
            super("expected start " + received);
            this.received = received;
        }

        public long received() {
            return received;
        }
    }

    final class DigestMismatchException extends IOException {
        public DigestMismatchException(String message) {
            super(message);
        }
    }

    final class TooLongException extends IOException {
        public TooLongException(String message) {
            super(message);
        }
    }

    final class BusyException extends IOException {
        public BusyException(String message) {
            super(message);
        }
    }
}
