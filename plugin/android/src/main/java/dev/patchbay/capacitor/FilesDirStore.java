package dev.patchbay.capacitor;

import dev.patchbay.updater.port.FileStore;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The runtime's file port on the app's private files folder ({@code Context.getFilesDir()}). Uses {@link File} only
 * (no {@code java.nio.file}, which Android has from API 26): writes are synced to disk when closed, renames are
 * atomic within the folder.
 */
final class FilesDirStore implements FileStore {
    private final File root;

    FilesDirStore(File root) {
        this.root = root;
    }

    private File file(String path) {
        if (path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("not a relative path inside the files folder: " + path);
        }
        return path.isEmpty() ? root : new File(root, path);
    }

    @Override
    public OutputStream create(String path) throws IOException {
        return open(file(path), false);
    }

    @Override
    public OutputStream append(String path) throws IOException {
        return open(file(path), true);
    }

    private static OutputStream open(File f, boolean append) throws IOException {
        File parent = f.getParentFile();
        if (parent != null && !parent.isDirectory() && !parent.mkdirs() && !parent.isDirectory()) {
            throw new IOException("cannot create folder " + parent);
        }
        FileOutputStream file = new FileOutputStream(f, append);
        return new FilterOutputStream(file) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                try {
                    file.flush();
                    file.getFD().sync();
                } finally {
                    file.close();
                }
            }
        };
    }

    @Override
    public InputStream open(String path) throws IOException {
        return new FileInputStream(file(path));
    }

    @Override
    public boolean exists(String path) {
        return file(path).exists();
    }

    @Override
    public boolean isDirectory(String path) {
        return file(path).isDirectory();
    }

    @Override
    public long size(String path) {
        File f = file(path);
        return f.exists() ? f.length() : -1;
    }

    @Override
    public List<String> list(String path) {
        String[] names = file(path).list();
        return names == null ? List.of() : new ArrayList<>(Arrays.asList(names));
    }

    @Override
    public void mkdirs(String path) throws IOException {
        File f = file(path);
        if (!f.isDirectory() && !f.mkdirs() && !f.isDirectory()) {
            throw new IOException("cannot create folder " + f);
        }
    }

    @Override
    public void move(String from, String to) throws IOException {
        File src = file(from);
        File dst = file(to);
        if (dst.exists()) {
            throw new IOException("cannot move " + from + " to " + to + ": the target exists");
        }
        File parent = dst.getParentFile();
        if (parent != null) {
            parent.mkdirs();
        }
        if (!src.renameTo(dst)) {
            throw new IOException("cannot move " + from + " to " + to);
        }
    }

    @Override
    public void deleteRecursively(String path) throws IOException {
        delete(file(path));
    }

    private static void delete(File f) throws IOException {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                delete(c);
            }
        }
        if (f.exists() && !f.delete()) {
            throw new IOException("cannot delete " + f);
        }
    }

    @Override
    public long usableSpace() {
        // File.getUsableSpace() is 0 for a path that does not exist (yet): ask the nearest folder that does
        File f = root;
        while (f != null && !f.exists()) {
            f = f.getParentFile();
        }
        return f == null ? 0 : f.getUsableSpace();
    }

    @Override
    public String absolutePath(String path) {
        return file(path).getAbsolutePath();
    }
}
