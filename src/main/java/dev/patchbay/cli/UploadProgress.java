package dev.patchbay.cli;

import dev.patchbay.client.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Upload progress on stderr: bytes done / total, MB/s and ETA. On a terminal one line rewritten in place (at most
 * every 200 ms); otherwise (CI logs) a line every few seconds. Remembers the total: the bytes the server lacked.
 */
final class UploadProgress implements ProgressListener {
    static final long TTY_INTERVAL_NANOS = 200_000_000L;
    static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final boolean tty;
    private final boolean quiet;
    private final LongSupplier clock;
    private long start = -1;
    private long lastPrint;
    private long total = -1;
    private long done;
    private int lastWidth;
    private boolean printed;

    UploadProgress(PrintStream err, boolean tty, boolean quiet, LongSupplier nanoClock) {
        this.err = err;
        this.tty = tty;
        this.quiet = quiet;
        this.clock = nanoClock;
    }

    /** Progress for a command's stderr: in place when that is the process's terminal; silent if quiet. */
    static UploadProgress forContext(Cli.Context context, boolean quiet) {
        boolean tty = context.err() == System.err && System.console() != null;
        return new UploadProgress(context.err(), tty, quiet, System::nanoTime);
    }

    @Override
    public synchronized void onProgress(long bytesDone, long bytesTotal) {
        long now = clock.getAsLong();
        if (start < 0) {
            start = now;
            lastPrint = now;
        }
        total = bytesTotal;
        done = bytesDone;
        long interval = tty ? TTY_INTERVAL_NANOS : LOG_INTERVAL_NANOS;
        if (!quiet && now - lastPrint >= interval) {
            lastPrint = now;
            print(line(now));
        }
    }

    /** On a terminal, the step after the last byte: the server checks and publishes the bundle. */
    @Override
    public synchronized void committing() {
        if (!quiet && tty) {
            print(line(clock.getAsLong()) + " · committing …");
        }
    }

    /** Ends the progress display: the final state (if anything was to upload), and the line break on a terminal. */
    synchronized void finish() {
        if (!quiet && (printed || total > 0)) {
            print(line(clock.getAsLong()));
            if (tty) {
                err.println();
            }
        }
    }

    /** Bytes the server lacked (uploaded), or 0 if it reported nothing. */
    synchronized long total() {
        return Math.max(total, 0);
    }

    private void print(String text) {
        printed = true;
        if (tty) {
            String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
            lastWidth = text.length();
            err.print("\r" + padded);
            err.flush();
        } else {
            err.println(text);
        }
    }

    String line(long now) {
        double seconds = Math.max((now - start) / 1e9, 1e-3);
        double rate = done / seconds;
        String eta = rate <= 0 ? "--:--" : Text.duration((long) Math.ceil((total - done) / rate));
        int percent = total <= 0 ? 100 : (int) (done * 100 / total);
        return String.format(Locale.ROOT, "Uploading %s / %s (%d%%), %.1f MB/s, ETA %s",
                Text.bytes(done), Text.bytes(total), percent, rate / 1e6, eta);
    }
}
