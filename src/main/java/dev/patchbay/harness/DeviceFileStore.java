package dev.patchbay.harness;

import dev.patchbay.updater.port.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The app's {@code files/} folder of an emulated device. Paths are relative and '/'-separated ({@code ..}, absolute
 * paths and backslashes are refused). Closing a written file syncs it to disk; moves are atomic renames followed by
 * a sync of the target's folder. Each close, move and delete is one persisted write for the {@link KillSwitch}; every
 * byte written is taken from the {@link DiskSpace} (ENOSPC when it runs out, at any write).
 */
public final class DeviceFileStore implements FileStore {
    private final Path root;
    private final AppProcess process;
    private final DiskSpace disk;
    private final boolean fsync;

    DeviceFileStore(Path root, AppProcess process, DiskSpace disk) {
        this(root, process, disk, true);
    }

    /** {@code fsync} false: closes, moves and deletes skip the fsyncs (see {@link DeviceEnvironment#fsync()}). */
    DeviceFileStore(Path root, AppProcess process, DiskSpace disk, boolean fsync) {
        this.root = root.toAbsolutePath().normalize();
        this.process = process;
        this.disk = disk;
        this.fsync = fsync;
    }

    Path resolve(String path) throws IOException {
        if (path == null || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new IOException("Invalid path: " + path);
        }
        if (path.isEmpty()) {
            return root;
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IOException("Invalid path: " + path);
            }
        }
        return root.resolve(path);
    }

    @Override
    public OutputStream create(String path) throws IOException {
        return open(path, false);
    }

    @Override
    public OutputStream append(String path) throws IOException {
        return open(path, true);
    }

    private OutputStream open(String path, boolean append) throws IOException {
        process.checkAlive();
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        if (!append && Files.exists(p)) {
            disk.giveBack(Files.size(p));
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        return new SyncedOutput(ch, path);
    }

    /** Writes through to the file; close = fsync + close (the persisted write). */
    private final class SyncedOutput extends OutputStream {
        private final FileChannel ch;
        private final String path;
        private boolean closed;

        SyncedOutput(FileChannel ch, String path) {
            this.ch = ch;
            this.path = path;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("Stream closed");
            }
            process.checkAlive();
            disk.take(len);
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                process.beforeWrite("close " + path);
                if (fsync) {
                    ch.force(true);
                }
            } finally {
                ch.close();
            }
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        process.checkAlive();
        return Channels.newInputStream(FileChannel.open(resolve(path), StandardOpenOption.READ));
    }

    @Override
    public boolean exists(String path) {
        process.checkAlive();
        try {
            return Files.exists(resolve(path));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean isDirectory(String path) {
        process.checkAlive();
        try {
            return Files.isDirectory(resolve(path));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public long size(String path) {
        process.checkAlive();
        try {
            Path p = resolve(path);
            return Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public List<String> list(String path) {
        process.checkAlive();
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(resolve(path))) {
            ds.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    @Override
    public void mkdirs(String path) throws IOException {
        process.checkAlive();
        Files.createDirectories(resolve(path));
    }

    @Override
    public void move(String from, String to) throws IOException {
        Path src = resolve(from);
        Path dst = resolve(to);
        process.beforeWrite("move " + from + " -> " + to);
        if (Files.exists(dst)) {
            throw new FileAlreadyExistsException(to);
        }
        Files.createDirectories(dst.getParent());
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        if (fsync) {
            fsyncDir(dst.getParent());
            if (!src.getParent().equals(dst.getParent())) {
                fsyncDir(src.getParent());
            }
        }
    }

    @Override
    public void deleteRecursively(String path) throws IOException {
        Path p = resolve(path);
        if (p.equals(root)) {
            throw new IOException("Refusing to delete the files folder itself");
        }
        process.checkAlive();
        if (!Files.exists(p)) {
            return;
        }
        process.beforeWrite("delete " + path);
        deleteTree(p, disk);
        if (fsync) {
            fsyncDir(p.getParent());
        }
    }

    static void deleteTree(Path p, DiskSpace disk) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(p)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path q : all) {
            if (disk != null && Files.isRegularFile(q)) {
                disk.giveBack(Files.size(q));
            }
            try {
                Files.delete(q);
            } catch (NoSuchFileException ignored) {
                // gone already
            }
        }
    }

    @Override
    public long usableSpace() {
        process.checkAlive();
        long real;
        try {
            Files.createDirectories(root);
            real = Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            real = 0;
        }
        return Math.min(real, disk.free());
    }

    @Override
    public String absolutePath(String path) {
        try {
            return resolve(path).toString();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Makes a rename or a new entry in {@code dir} durable (as fsync on the folder does on Linux). */
    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a folder be opened (Windows); the rename is still atomic there
        }
    }
}
