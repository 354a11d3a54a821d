package dev.patchbay.server.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Blobs as files: {@code <root>/<first 2 hex>/<sha256>}; uploads staged as {@code <root>/uploads/<uploadId>/<sha256>.part}.
 * A completed part is hashed as it streams in (the running digest survives between requests of one upload; after a
 * restart it is recomputed from the part file), flushed, and moved atomically into place.
 */
public final class FileBlobStore implements BlobStore {
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final Path uploads;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Running digests of parts, keyed by part path; valid only if {@code offset} equals the part's size. */
    private final Map<Path, Running> digests = new ConcurrentHashMap<>();

    private record Running(MessageDigest digest, long offset) {
    }

    public FileBlobStore(Path root) throws IOException {
        this.root = root;
        this.uploads = root.resolve("uploads");
        Files.createDirectories(uploads);
    }

    public Path root() {
        return root;
    }

    private Path blobPath(String sha256) {
        check(sha256);
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private Path partPath(String uploadId, String sha256) {
        check(sha256);
        if (!uploadId.matches("[0-9a-z]{1,40}")) {
            throw new IllegalArgumentException("bad upload id");
        }
        return uploads.resolve(uploadId).resolve(sha256 + ".part");
    }

    private static void check(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a sha256: " + sha256);
        }
    }

    @Override
    public long size(String sha256) throws IOException {
        try {
            return Files.size(blobPath(sha256));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        // Only the content-addressed tree: staging parts live under uploads/ and are never opened here.
        return Files.newInputStream(blobPath(sha256));
    }

    @Override
    public long received(String uploadId, String sha256, long length) throws IOException {
        if (size(sha256) == length) {
            return length;
        }
        try {
            return Files.size(partPath(uploadId, sha256));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    @Override
    public long append(String uploadId, String sha256, long length, long start, boolean restart, InputStream in)
            throws IOException {
        Path part = partPath(uploadId, sha256);
        ReentrantLock lock = locks.computeIfAbsent(part.toString(), k -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new BusyException("Another request is uploading blob " + sha256 + " of this upload right now");
        }
        try {
            if (size(sha256) == length) {
                // Stored already (another upload, or a retried final request): read and discard what was sent, so
                // the answer does not race an unread body.
                byte[] buf = new byte[BUFFER];
                long skipped = 0;
                int n;
                while (skipped <= length && (n = in.read(buf)) != -1) {
                    skipped += n;
                }
                return length;
            }
            Files.createDirectories(part.getParent());
            if (restart && start == 0) {
                Files.deleteIfExists(part);
                digests.remove(part);
            }
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (start != have) {
                throw new WrongOffsetException(have);
            }
            MessageDigest digest = runningDigest(part, have);
            long offset = have;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                byte[] buf = new byte[BUFFER];
                try {
                    int n;
                    while ((n = in.read(buf)) != -1) {
                        if (offset + n > length) {
                            out.close();
                            drop(part);
                            throw new TooLongException("Blob " + sha256 + " is longer than its declared " + length
                                    + " bytes");
                        }
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                        while (bb.hasRemaining()) {
                            out.write(bb);
                        }
                        digest.update(buf, 0, n);
                        offset += n;
                    }
                } catch (TooLongException e) {
                    throw e;
                } catch (IOException | UncheckedIOException | IllegalStateException e) {
                    // The client went away mid-blob: keep what arrived (flushed) for a resume.
                    out.force(false);
                    digests.put(part, new Running(digest, offset));
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
                out.force(true);
            }
            if (offset < length) {
                digests.put(part, new Running(digest, offset));
                return offset;
            }
            digests.remove(part);
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                drop(part);
                throw new DigestMismatchException("The " + length + " bytes received for blob " + sha256
                        + " have SHA-256 " + actual + "; the partial data was dropped");
            }
            Path target = blobPath(sha256);
            Files.createDirectories(target.getParent());
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // The rename itself is durable only once its directory is synced (ADR 0090).
            syncDirectory(target.getParent());
            // Stored: a request still holding this lock object only finds the blob complete, so it can go.
            locks.remove(part.toString(), lock);
            return length;
        } finally {
            lock.unlock();
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException e) {
            // A platform that cannot open a directory (Windows): its file system orders the rename itself.
        }
    }

    private MessageDigest runningDigest(Path part, long have) throws IOException {
        Running r = digests.get(part);
        if (r != null && r.offset() == have) {
            try {
                return (MessageDigest) r.digest().clone();
            } catch (CloneNotSupportedException e) {
                // fall through and recompute
            }
        }
        MessageDigest d = sha256();
        if (have > 0) {
            try (InputStream in = Files.newInputStream(part)) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) != -1) {
                    d.update(buf, 0, n);
                }
            }
        }
        return d;
    }

    private void drop(Path part) throws IOException {
        digests.remove(part);
        Files.deleteIfExists(part);
    }

    @Override
    public void dropUpload(String uploadId) throws IOException {
        if (!uploadId.matches("[0-9a-z]{1,40}")) {
            return;
        }
        Path dir = uploads.resolve(uploadId);
        if (!Files.exists(dir)) {
            return;
        }
        digests.keySet().removeIf(p -> p.startsWith(dir));
        locks.keySet().removeIf(p -> Path.of(p).startsWith(dir));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public java.util.List<String> stored() throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Stream<Path> prefixes = Files.list(root)) {
            for (Path prefix : prefixes.filter(Files::isDirectory).toList()) {
                String name = prefix.getFileName().toString();
                if (!name.matches("[0-9a-f]{2}")) {
                    continue;
                }
                try (Stream<Path> files = Files.list(prefix)) {
                    files.map(f -> f.getFileName().toString())
                            .filter(f -> SHA256.matcher(f).matches() && f.startsWith(name))
                            .forEach(out::add);
                }
            }
        }
        return out;
    }

    @Override
    public java.util.List<String> stagedUploads() throws IOException {
        try (Stream<Path> dirs = Files.list(uploads)) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("[0-9a-z]{1,40}")).toList();
        }
    }

    @Override
    public void delete(String sha256) throws IOException {
        Path p = blobPath(sha256);
        Files.deleteIfExists(p);
        try {
            Files.deleteIfExists(p.getParent());
        } catch (DirectoryNotEmptyException stillUsed) {
            // other blobs share the prefix folder
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
