package dev.patchbay.server.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The change cursor never passes a row whose transaction took a lower sequence value and commits late. */
class DeviceChangeLogTest {
    static final String APP = "com.example.shop";

    @TempDir
    Path dir;
    Database db;
    final DeviceChangeLog log = new DeviceChangeLog();

    @BeforeEach
    void open() throws Exception {
        db = dev.patchbay.server.store.TestDatabases.open(dir);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO apps(id, name, created_at, updated_at) VALUES (?, 'Shop', ?, ?)")) {
                ps.setString(1, APP);
                ps.setObject(2, Database.utc(Instant.now()));
                ps.setObject(3, Database.utc(Instant.now()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** Reads one page after {@code since} as the API does: ids handed out, and the cursor. */
    Object[] read(long since) {
        return db.inTransaction(c -> {
            long horizon = log.horizon(c);
            List<Map<String, Object>> items = new ArrayList<>();
            long last = DeviceStore.changes(c, APP, since, horizon, 100, items);
            long cursor = items.size() == 100 ? last : Math.max(since, horizon - 1);
            return new Object[] {items.stream().map(d -> (String) d.get("deviceId")).toList(), cursor};
        });
    }

    @Test
    void aWriterThatCommitsLateWithALowerSequenceIsNotSkipped() throws Exception {
        String slow = "00000000-0000-4000-8000-000000000001";
        String fast = "00000000-0000-4000-8000-000000000002";
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The slow writer takes its change_seq first and holds its transaction open.
            Future<?> slowWrite = pool.submit(() -> log.write(db, c -> {
                DeviceStore.touch(c, APP, slow, Instant.now());
                written.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            written.await(10, TimeUnit.SECONDS);
            // A later writer commits a higher change_seq.
            log.write(db, c -> {
                DeviceStore.touch(c, APP, fast, Instant.now());
                return null;
            });
            Object[] first = read(0);
            assertEquals(List.of(), first[0], "nothing is handed out past an open writer");
            release.countDown();
            slowWrite.get(10, TimeUnit.SECONDS);
            Object[] second = read((Long) first[1]);
            assertEquals(List.of(slow, fast), second[0]);
            Object[] third = read((Long) second[1]);
            assertEquals(List.of(), third[0]);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
