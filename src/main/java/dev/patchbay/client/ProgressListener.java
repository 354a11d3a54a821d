package dev.patchbay.client;

/**
 * Progress of a bundle upload, called from the upload's sender threads (up to {@code BundlePublish.PARALLEL}), one
 * call at a time and in order: bytes of the blobs the server lacked that are sent
 * so far, out of their total (blobs the server already had are not counted at all). After an interruption the count
 * steps back to what the server confirmed, and goes on from there. Speed and ETA follow from successive calls.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void onProgress(long bytesDone, long bytesTotal);

    /** Every blob is on the server; the commit (the server's checks and the atomic publish) starts now. */
    default void committing() {
    }
}
