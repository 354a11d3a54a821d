package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a terminal shows while `bundle publish` runs: files and bytes sealed, then uploading and committing. */
class PublishProgressTest {
    @Test
    void sealingCountsFilesAndBytesAndTheUploadSaysWhenItCommits() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PublishProgress p = new PublishProgress(err, true, false, now::get);
        p.phase("Reading dist: 32 files, 12.0 MB");
        p.phase("Using the keys held by the agent");
        p.sealedFiles(0, 32, 0, 12_000_000);
        now.set(300_000_000L);
        p.sealedFiles(16, 32, 6_000_000, 12_000_000);
        now.set(310_000_000L);
        p.sealedFiles(17, 32, 6_500_000, 12_000_000); // within 200 ms: not shown
        p.sealedFiles(32, 32, 12_000_000, 12_000_000); // the end is always shown
        p.done();
        String sealing = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\rReading dist: 32 files, 12.0 MB …"
                + "\rUsing the keys held by the agent …"
                + "\rCompressing and sealing 0 / 32 files, 0 B / 12.0 MB (0%)"
                + "\rCompressing and sealing 16 / 32 files, 6.0 MB / 12.0 MB (50%)"
                + "\rCompressing and sealing 32 / 32 files, 12.0 MB / 12.0 MB (100%)"
                + "\r" + " ".repeat(63) + "\r", sealing);

        bytes.reset();
        UploadProgress u = new UploadProgress(err, true, false, now::get);
        now.set(0);
        u.onProgress(0, 4_000_000);
        now.set(1_000_000_000L);
        u.onProgress(4_000_000, 4_000_000);
        u.committing();
        u.finish();
        assertEquals("\rUploading 4.0 MB / 4.0 MB (100%), 4.0 MB/s, ETA 0:00"
                + "\rUploading 4.0 MB / 4.0 MB (100%), 4.0 MB/s, ETA 0:00, committing …"
                + "\rUploading 4.0 MB / 4.0 MB (100%), 4.0 MB/s, ETA 0:00" + " ".repeat(", committing …".length()) + "\n",
                bytes.toString(StandardCharsets.UTF_8));

        bytes.reset(); // not a terminal, or --quiet: nothing from the phases, no committing line
        PublishProgress quiet = new PublishProgress(err, false, false, now::get);
        quiet.phase("Reading dist: 1 files, 5 B");
        quiet.sealedFiles(1, 1, 5, 5);
        quiet.done();
        UploadProgress log = new UploadProgress(err, false, true, now::get);
        log.onProgress(5, 5);
        log.committing();
        log.finish();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
