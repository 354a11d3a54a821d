package dev.patchbay.client;

/**
 * Progress of a bundle upload, called from the uploading thread: bytes of the blobs the server lacked that it has
 * confirmed or that are on their way, out of their total. A resumed piece is counted once. Speed and ETA follow from
 * successive calls.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void onProgress(long bytesDone, long bytesTotal);
}
