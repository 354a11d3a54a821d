package dev.patchbay.updater.port;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The app's private files folder (Android {@code Context.getFilesDir()}), addressed by relative '/'-separated paths.
 * Every write the runtime does goes through here, so a platform (or the harness) can report a full disk or stop
 * the process at any write.
 */
public interface FileStore {
    /** A new or truncated file (parent folders are created); closing it flushes and syncs it to disk. */
    OutputStream create(String path) throws IOException;

    /** Appends to a file (created if missing), for resumed downloads; closing it syncs it. */
    OutputStream append(String path) throws IOException;

    InputStream open(String path) throws IOException;

    boolean exists(String path);

    boolean isDirectory(String path);

    /** Size in bytes, or -1 if the file does not exist. */
    long size(String path);

    /** Names of the entries of a folder (not recursive); empty if it does not exist. */
    List<String> list(String path);

    void mkdirs(String path) throws IOException;

    /** Atomic rename of a file or folder; the target must not exist. */
    void move(String from, String to) throws IOException;

    /** Deletes a file or a folder with everything in it; no error if it does not exist. */
    void deleteRecursively(String path) throws IOException;

    /** Bytes still free for this app (best effort). */
    long usableSpace();

    /** The absolute platform path of {@code path}, as handed to the WebView as its server base path. */
    String absolutePath(String path);
}
