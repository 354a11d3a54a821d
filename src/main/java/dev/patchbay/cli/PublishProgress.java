package dev.patchbay.cli;

import dev.patchbay.crypto.BundleSealer;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What `bundle publish` is doing before the upload starts, from the first second: unlocking keys, reading the input,
 * then sealing with bytes done / total. On a terminal one line rewritten in place (at most every 200 ms; the upload's
 * own line follows); elsewhere nothing (CI logs keep their one upload line). Thread-safe: sealing reports from
 * several threads.
 */
final class PublishProgress implements BundleSealer.Progress {
    private final PrintStream err;
    private final boolean show;
    private final LongSupplier clock;
    private long lastPrint;
    private boolean sealing;
    private int lastWidth;
    /** Phase timing (off unless asked for): the start of patching ends the sealing phase. */
    PublishTiming timing;

    PublishProgress(PrintStream err, boolean tty, boolean quiet, LongSupplier nanoClock) {
        this.err = err;
        this.show = tty && !quiet;
        this.clock = nanoClock;
    }

    static PublishProgress forContext(Cli.Context context, boolean quiet) {
        boolean tty = context.err() == System.err && System.console() != null;
        return new PublishProgress(context.err(), tty, quiet, System::nanoTime);
    }

    /** A new phase ("Unlocking keys", "Reading bundle"): always shown at once. */
    synchronized void phase(String text) {
        print(text + " …");
    }

    @Override
    public synchronized void sealed(long doneBytes, long totalBytes) {
        sealedFiles(-1, -1, doneBytes, totalBytes);
    }

    @Override
    public synchronized void sealedFiles(int doneFiles, int totalFiles, long doneBytes, long totalBytes) {
        long now = clock.getAsLong();
        if (sealing && doneBytes < totalBytes && now - lastPrint < UploadProgress.TTY_INTERVAL_NANOS) {
            return;
        }
        sealing = true;
        lastPrint = now;
        int percent = totalBytes <= 0 ? 100 : (int) (doneBytes * 100 / totalBytes);
        String files = totalFiles < 0 ? "" : String.format(Locale.ROOT, "%d / %d files, ", doneFiles, totalFiles);
        print(String.format(Locale.ROOT, "Compressing and sealing %s%s / %s (%d%%)", files, Text.bytes(doneBytes),
                Text.bytes(totalBytes), percent));
    }

    @Override
    public synchronized void patched(int done, int total) {
        if (done == 0 && timing != null) {
            timing.mark("compress, seal files");
        }
        long now = clock.getAsLong();
        if (done > 0 && done < total && now - lastPrint < UploadProgress.TTY_INTERVAL_NANOS) {
            return;
        }
        lastPrint = now;
        print(String.format(Locale.ROOT, "Making binary patches %d / %d", done, total));
    }

    /** Clears the line so the upload progress (or the result) starts on a clean one. */
    synchronized void done() {
        if (show && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }

    private void print(String text) {
        if (!show) {
            return;
        }
        String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
        lastWidth = text.length();
        err.print("\r" + padded);
        err.flush();
    }
}
