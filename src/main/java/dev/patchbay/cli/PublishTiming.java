package dev.patchbay.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The phase breakdown of one `bundle publish` (issue 12), on stderr at the end when {@code $PATCHBAY_PUBLISH_TIMING}
 * is set: each phase's milliseconds, and the JVM's start-up before the command ran (from the process's start time).
 * Off by default: then every call is a no-op. bench/publish-time.sh sets it to print the breakdown.
 */
final class PublishTiming {
    static final String ENV = "PATCHBAY_PUBLISH_TIMING";
    private static final PublishTiming OFF = new PublishTiming(null, false);

    private final PrintStream err;
    private final boolean on;
    private final List<String> names = new ArrayList<>();
    private final List<Long> ends = new ArrayList<>();
    private long last;

    private PublishTiming(PrintStream err, boolean on) {
        this.err = err;
        this.on = on;
        this.last = System.nanoTime();
    }

    static PublishTiming forContext(Cli.Context context) {
        String v = context.env().get(ENV);
        return v == null || v.isEmpty() || v.equals("0") ? OFF : new PublishTiming(context.err(), true);
    }

    /** Ends the phase that ran since the last mark (or since the command started), naming it. */
    synchronized void mark(String phase) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        names.add(phase);
        ends.add(now - last);
        last = now;
    }

    /** {@code progress}, marking the end of opening the session (first report) and of the blob upload (commit). */
    dev.patchbay.client.ProgressListener listener(dev.patchbay.client.ProgressListener progress) {
        if (!on) {
            return progress;
        }
        return new dev.patchbay.client.ProgressListener() {
            private boolean opened;

            @Override
            public void onProgress(long bytesDone, long bytesTotal) {
                if (!opened) {
                    opened = true;
                    mark("open upload session (server)");
                }
                progress.onProgress(bytesDone, bytesTotal);
            }

            @Override
            public void committing() {
                mark("upload blobs");
                progress.committing();
            }
        };
    }

    /** Prints the breakdown: JVM start-up to the command, then each phase. */
    synchronized void print() {
        if (!on) {
            return;
        }
        long startup = ProcessHandle.current().info().startInstant()
                .map(s -> java.time.Duration.between(s, java.time.Instant.now()).toMillis()).orElse(-1L);
        long total = 0;
        for (long n : ends) {
            total += n;
        }
        long command = total / 1_000_000;
        err.printf(Locale.ROOT, "timing: %-34s %6d ms%n", "jvm start, class loading, parsing",
                startup < 0 ? -1 : startup - command);
        for (int i = 0; i < names.size(); i++) {
            err.printf(Locale.ROOT, "timing: %-34s %6d ms%n", names.get(i), ends.get(i) / 1_000_000);
        }
        err.printf(Locale.ROOT, "timing: %-34s %6d ms%n", "total (process start to here)", startup);
    }
}
