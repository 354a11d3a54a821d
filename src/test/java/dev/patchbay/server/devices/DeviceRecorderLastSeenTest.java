package dev.patchbay.server.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADR 0115: a check that would only move last_seen is not written again within {@link DeviceRecorder#LAST_SEEN_WINDOW}
 * of the row's last write; after the window it is, and any other change of the row is written at once.
 */
class DeviceRecorderLastSeenTest {
    static final String APP = "com.example.shop";
    static final String DEVICE = "00000000-0000-4000-8000-000000000001";
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path dir;
    Database db;
    DeviceRecorder recorder;

    @BeforeEach
    void open() throws Exception {
        db = dev.patchbay.server.store.TestDatabases.open(dir);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO apps(id, name, created_at, updated_at) VALUES (?, 'Shop', ?, ?)")) {
                ps.setString(1, APP);
                ps.setObject(2, Database.utc(T0));
                ps.setObject(3, Database.utc(T0));
                ps.executeUpdate();
            }
            return null;
        });
        recorder = new DeviceRecorder(db);
    }

    @AfterEach
    void close() {
        recorder.close();
        db.close();
    }

    static CheckRecord check(String bundle, String outcome, String offered, Instant at) {
        return check(DEVICE, bundle, outcome, offered, at);
    }

    static CheckRecord check(String device, String bundle, String outcome, String offered, Instant at) {
        return new CheckRecord(APP, device, null, "android", "14", "1.4.0", 140L, "0.1.0", false, true, null, null,
                null, "production", "default", null, bundle, null, outcome, null, null, offered, at, null, "127.0.0.1");
    }

    /** {last_seen, change_seq, current_bundle, last_outcome} of the device's row. */
    Object[] row() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_seen, change_seq, current_bundle, last_outcome"
                    + " FROM devices WHERE app_id = ? AND device_id = ?")) {
                ps.setString(1, APP);
                ps.setString(2, DEVICE);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Object[] {Database.instant(rs.getObject(1)), rs.getLong(2), rs.getString(3),
                            rs.getString(4)};
                }
            }
        });
    }

    void record(CheckRecord r) {
        recorder.record(r);
        recorder.flush();
    }

    @Test
    void repeatedIdenticalChecksAreWrittenOncePerWindow() {
        record(check("1.5.0", "up_to_date", null, T0));
        Object[] first = row();
        assertEquals(T0, first[0]);

        // The same check again, within the window: the row (and its change cursor) does not move.
        long window = DeviceRecorder.windowMillis(APP, DEVICE);
        Instant inside = T0.plusMillis(window - 1);
        record(check("1.5.0", "up_to_date", null, T0.plusSeconds(5)));
        record(check("1.5.0", "up_to_date", null, inside));
        Object[] within = row();
        assertEquals(T0, within[0]);
        assertEquals(first[1], within[1], "change_seq moved: the console would sync a row that did not change");
        assertEquals(2, recorder.skipped());

        // Once the window has passed since the write, the next identical check is written.
        Instant after = T0.plusMillis(window);
        record(check("1.5.0", "up_to_date", null, after));
        Object[] written = row();
        assertEquals(after, written[0]);
        assertNotEquals(first[1], written[1]);

        // And the window starts again from that write.
        record(check("1.5.0", "up_to_date", null, after.plusSeconds(1)));
        assertEquals(after, row()[0]);
    }

    @Test
    void aStateChangeIsWrittenAtOnce() {
        record(check("builtin", "update", "1.5.0", T0));
        Object[] first = row();

        // One second later the device runs the bundle: written at once, inside the window.
        record(check("1.5.0", "up_to_date", null, T0.plusSeconds(1)));
        Object[] changed = row();
        assertEquals(T0.plusSeconds(1), changed[0]);
        assertEquals("1.5.0", changed[2]);
        assertEquals("up_to_date", changed[3]);
        assertNotEquals(first[1], changed[1]);

        // Back to the earlier state (a rollback on the device): written at once too.
        record(check("builtin", "update", "1.5.0", T0.plusSeconds(2)));
        Object[] back = row();
        assertEquals(T0.plusSeconds(2), back[0]);
        assertEquals("builtin", back[2]);
        assertEquals(0, recorder.skipped());
    }

    @Test
    void aReportThatChangedTheRowMakesTheNextCheckWriteIt() {
        record(check("1.5.0", "up_to_date", null, T0));
        // Another writer (a device report applied to the row) sets another bundle.
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE devices SET current_bundle = 'other' WHERE app_id = ? AND device_id = ?")) {
                ps.setString(1, APP);
                ps.setString(2, DEVICE);
                ps.executeUpdate();
            }
            return null;
        });
        recorder.forget(APP, DEVICE);
        record(check("1.5.0", "up_to_date", null, T0.plusSeconds(3)));
        assertEquals("1.5.0", row()[2]);
        assertEquals(T0.plusSeconds(3), row()[0]);
    }

    /**
     * ADR 0126: 2,000 devices first written in the same second and then checking every second with nothing changed
     * are written again spread over the second half of the window, not all in the one flush a minute later (which
     * stalled a run of the update-check benchmark); and none is left unwritten longer than the window.
     */
    @Test
    void reWritesOfDevicesFirstSeenTogetherAreSpreadOverTheWindow() {
        int devices = 2_000;
        long windowSeconds = DeviceRecorder.LAST_SEEN_WINDOW.toSeconds();
        long[] lastWritten = new long[devices];
        int[] perSecond = new int[(int) (2 * windowSeconds) + 1];
        for (int second = 0; second <= 2 * windowSeconds; second++) {
            for (int d = 0; d < devices; d++) {
                long before = recorder.skipped();
                recorder.record(check(new java.util.UUID(0, d).toString(), "1.5.0", "up_to_date", null,
                        T0.plusSeconds(second)));
                if (recorder.skipped() == before) {
                    perSecond[second]++;
                    if (second > 0) {
                        assertTrue(second - lastWritten[d] <= windowSeconds, "device " + d + " unwritten for "
                                + (second - lastWritten[d]) + " s");
                    }
                    lastWritten[d] = second;
                }
            }
        }
        assertEquals(devices, perSecond[0]);
        int mostInOneSecond = java.util.Arrays.stream(perSecond, 1, perSecond.length).max().orElseThrow();
        // Uniform over 30 s would be ~67 a second; all at once would be 2,000.
        assertTrue(mostInOneSecond < 3 * devices / (windowSeconds / 2), "re-writes in one second: " + mostInOneSecond);
        for (int second = 1; second < windowSeconds / 2; second++) {
            assertEquals(0, perSecond[second], "re-written before half the window, at second " + second);
        }
    }
}
