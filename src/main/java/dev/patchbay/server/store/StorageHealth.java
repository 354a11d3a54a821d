package dev.patchbay.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fail-stop for storage (ADR 0091): the first write the database or the blob store cannot make starts an
 * <em>episode</em> — logged once, writes refused with 503, {@code /api/v1/health} and {@code /api/v1/ready} unhealthy —
 * and a probe retries every {@link #PROBE_MILLIS} ms: it writes and syncs a small file in each storage folder, then
 * runs the recovery step (the database drops what it holds in memory and reopens from its files). When both succeed the
 * episode ends by itself.
 */
public final class StorageHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageHealth.class);
    static final long PROBE_MILLIS = 1000;
    /** Bytes the probe writes: a disk with less than this free stays in the episode. */
    static final int PROBE_BYTES = 256 * 1024;

    /** What the probe runs after the file check; throws while storage still cannot write. */
    @FunctionalInterface
    public interface Recovery {
        void recover() throws Exception;
    }

    /** The state shown by the health endpoints. */
    public record Status(boolean writable, String cause, Instant since) {
    }

    private final List<Path> folders;
    private final Clock clock;
    private final ScheduledExecutorService prober;
    private volatile Recovery recovery = () -> { };
    private volatile Status status;
    private ScheduledFuture<?> probe;

    public StorageHealth(List<Path> folders, Clock clock) {
        this.folders = List.copyOf(folders);
        this.clock = clock;
        this.status = new Status(true, null, clock.instant());
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-storage-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sets what the probe runs to recover (the database's reopen). */
    public StorageHealth onRecovery(Recovery r) {
        this.recovery = r;
        return this;
    }

    public Status status() {
        return status;
    }

    public boolean writable() {
        return status.writable();
    }

    /** Refuses a write while an episode lasts. */
    public void checkWritable() {
        Status s = status;
        if (!s.writable()) {
            throw new StorageUnavailableException(s.cause(), null);
        }
    }

    /**
     * Starts an episode for {@code e} (if none runs) and returns the exception to answer the request with. Logged
     * once per episode: a full disk does not fill the log as well.
     */
    public synchronized StorageUnavailableException fail(Throwable e) {
        String cause = describe(e);
        if (status.writable()) {
            status = new Status(false, cause, clock.instant());
            LOG.error("Storage cannot write ({}): writes are refused with 503 until it recovers", cause, e);
            probe = prober.scheduleWithFixedDelay(this::probe, PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
        }
        return new StorageUnavailableException(status.cause(), e);
    }

    private void probe() {
        try {
            for (Path folder : folders) {
                writeProbe(folder);
            }
            recovery.recover();
        } catch (Exception | Error e) {
            LOG.debug("Storage still cannot write: {}", e.toString());
            return;
        }
        synchronized (this) {
            LOG.warn("Storage writable again after the episode since {} ({}): writes accepted", status.since(),
                    status.cause());
            status = new Status(true, null, clock.instant());
            if (probe != null) {
                probe.cancel(false);
                probe = null;
            }
        }
    }

    private static void writeProbe(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(".storage-probe");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocate(PROBE_BYTES);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Whether {@code e} says storage cannot write (rather than a bug or bad input): an I/O failure of the file system,
     * H2's own I/O, closed-database and read-only errors, or its store engine's failure.
     */
    public static boolean isStorageFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StorageUnavailableException || t instanceof FileSystemException
                    || t instanceof UncheckedIOException && t.getCause() instanceof FileSystemException) {
                return true;
            }
            if (t instanceof SQLException sql && (H2_STORAGE_CODES.contains(sql.getErrorCode())
                    || isPostgresFault(sql.getSQLState()))) {
                return true;
            }
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true; // the pool found no connection in time: the database is unreachable
            }
            if (t.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof IOException && FAULT_WORDS.stream().anyMatch(m::contains)) {
                return true;
            }
        }
        return false;
    }

    /**
     * PostgreSQL (and JDBC) SQLSTATEs that say the database cannot take writes: connection exceptions (08…), out of
     * disk, memory or connections (53…), shutdown or restart (57P01–57P03), operating-system and I/O errors (58…),
     * corruption (XX001, XX002), and a read-only server (25006: a hot standby, or {@code default_transaction_read_only}
     * set by an operator; the server never opens read-only transactions itself). Constraint violations, syntax errors
     * and the like are bugs or bad input, not storage.
     */
    static boolean isPostgresFault(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("58")
                || state.equals("25006")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("XX001") || state.equals("XX002"));
    }

    /** H2: I/O exception (90028, 90031), file corrupted (90030), read only (90097), closed (90098), no disk space
     *  (90100), called at shutdown (90121). */
    private static final java.util.Set<Integer> H2_STORAGE_CODES = java.util.Set.of(90028, 90030, 90031, 90097,
            90098, 90100, 90121);
    private static final List<String> FAULT_WORDS = List.of("no space left", "read-only file system",
            "disk quota exceeded", "input/output error");

    /** A short cause for people: the innermost message that says what went wrong, without class names. */
    static String describe(Throwable e) {
        String words = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            if (t instanceof SQLException sql && "53100".equals(sql.getSQLState())) {
                // PostgreSQL's message says "No space left on device" too: name whose disk it is (ADR 0127).
                return "the database server has no space left on its disk";
            }
            String low = m.toLowerCase(Locale.ROOT);
            for (String w : FAULT_WORDS) {
                if (low.contains(w)) {
                    return switch (w) {
                        case "no space left" -> "no space left on the device";
                        case "read-only file system" -> "the file system is read-only";
                        case "disk quota exceeded" -> "the disk quota is exceeded";
                        default -> "an input/output error of the disk";
                    };
                }
            }
            if (t instanceof StorageUnavailableException) {
                words = m;
            }
            if (words == null && t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.equals("53100")) {
                    return "the database server has no space left on its disk";
                }
                if (state.equals("25006")) {
                    return "the database server is read-only";
                }
                if (state.startsWith("08") || state.startsWith("57P")) {
                    words = "the database server cannot be reached";
                } else if (state.startsWith("53") || state.startsWith("58") || state.startsWith("XX")) {
                    words = "the database server cannot write (" + state + ")";
                }
            }
            if (words == null && t instanceof java.sql.SQLTransientConnectionException) {
                words = "the database server cannot be reached";
            }
        }
        return words != null ? words : "the database cannot write its files";
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
