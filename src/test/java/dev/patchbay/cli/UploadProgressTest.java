package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The upload line names the commit step on a terminal, and the final line replaces it. */
class UploadProgressTest {
    @Test
    void aTerminalShowsCommittingAfterTheLastByteThenTheFinalLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        UploadProgress p = new UploadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false,
                now::get);
        p.onProgress(0, 4_000_000);
        now.set(2_000_000_000L);
        p.onProgress(4_000_000, 4_000_000);
        p.committing();
        p.finish();
        assertEquals("\rUploading 4.0 MB / 4.0 MB (100%), 2.0 MB/s, ETA 0:00"
                + "\rUploading 4.0 MB / 4.0 MB (100%), 2.0 MB/s, ETA 0:00, committing …"
                + "\rUploading 4.0 MB / 4.0 MB (100%), 2.0 MB/s, ETA 0:00" + " ".repeat(", committing …".length())
                + "\n",
                bytes.toString(StandardCharsets.UTF_8));

        ByteArrayOutputStream log = new ByteArrayOutputStream(); // CI logs: no extra line for the commit
        UploadProgress q = new UploadProgress(new PrintStream(log, true, StandardCharsets.UTF_8), false, false,
                now::get);
        q.onProgress(0, 5);
        q.onProgress(5, 5);
        q.committing();
        q.finish();
        assertEquals("Uploading 5 B / 5 B (100%), 0.0 MB/s, ETA 0:00\n", log.toString(StandardCharsets.UTF_8));
    }
}
