package dev.patchbay.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.server.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease and the change feed on a real H2 database, several "instances" being several objects on it. */
class LeaderLeaseTest {
    @TempDir
    Path dir;

    @Test
    void oneHolderAtATimeAndATakeoverOnlyAfterExpiryWithAHigherFence() throws Exception {
        try (Database db = Database.openH2(dir.resolve("db"))) {
            LeaderLease a = new LeaderLease(db, "leader", "a", Duration.ofSeconds(2));
            LeaderLease b = new LeaderLease(db, "leader", "b", Duration.ofSeconds(2));
            assertTrue(a.renew());
            assertFalse(b.renew(), "taken while a holds it");
            assertTrue(a.renew(), "the holder renews");
            long fence = a.fence();
            // a stops renewing (a crash): it stops counting itself leader a second before others may take over.
            Thread.sleep(1100);
            assertFalse(a.held(), "a stale holder knows it before the lease expires for the others");
            assertFalse(b.renew(), "not expired yet on the database's clock");
            Thread.sleep(1100);
            assertTrue(b.renew(), "expired: b takes it");
            assertTrue(b.fence() > fence, "a new holding has a higher fence");
            assertFalse(a.renew(), "the old holder cannot take it back while b renews");
            assertFalse(a.held());
            b.release();
            assertTrue(a.renew(), "released: taken at once");
        }
    }

    @Test
    void racingInstancesNeverBothHoldIt() throws Exception {
        try (Database db = Database.openH2(dir.resolve("db"))) {
            Set<String> holders = ConcurrentHashMap.newKeySet();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                LeaderLease l = new LeaderLease(db, "leader", "i" + i, Duration.ofSeconds(5));
                String name = "i" + i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int k = 0; k < 20; k++) {
                        if (l.renew()) {
                            holders.add(name);
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, holders.size(), "holders: " + holders);
        }
    }

    @Test
    void theFeedHandsOutCommittedTopicsInOrderAndNeverARolledBackOne() throws Exception {
        try (Database db = Database.openH2(dir.resolve("db"))) {
            db.onCommit(ChangeFeed::append);
            List<String> seen = new ArrayList<>();
            AtomicInteger all = new AtomicInteger();
            ChangeFeed reader = new ChangeFeed(db, seen::add, all::incrementAndGet);
            db.noting(ChangeFeed.topic("com.a"), () -> db.inTransaction(c -> {
                c.createStatement().executeUpdate("INSERT INTO storage_probe(id, probed_at) VALUES (7, CURRENT_TIMESTAMP)");
                return null;
            }));
            try {
                db.noting(ChangeFeed.topic("com.b"), () -> db.inTransaction(c -> {
                    c.createStatement().executeUpdate("UPDATE storage_probe SET probed_at = CURRENT_TIMESTAMP");
                    throw new IllegalStateException("refused");
                }));
            } catch (IllegalStateException expected) {
                // rolled back: its topic must not appear
            }
            db.noting(ChangeFeed.topic("com.c"), () -> db.inTransaction(c -> null)); // changed nothing: no row
            db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM storage_probe")); // not noted
            assertEquals(1, reader.poll());
            assertEquals(List.of("com.a"), seen);
            // Concurrent writers (each on its own row; they meet only on the feed's counter): every change is read
            // exactly once, and the ids have no gaps.
            db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO storage_probe(id, probed_at)"
                    + " VALUES (10, CURRENT_TIMESTAMP), (11, CURRENT_TIMESTAMP), (12, CURRENT_TIMESTAMP),"
                    + " (13, CURRENT_TIMESTAMP)"));
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int row = 10 + w;
                Thread t = new Thread(() -> {
                    for (int k = 0; k < 25; k++) {
                        db.noting(ChangeFeed.topic("w" + row), () -> db.inTransaction(c -> c.createStatement()
                                .executeUpdate("UPDATE storage_probe SET probed_at = CURRENT_TIMESTAMP WHERE id = " + row)));
                    }
                });
                t.start();
                writers.add(t);
            }
            int read = 0;
            while (writers.stream().anyMatch(Thread::isAlive)) {
                read += reader.poll();
            }
            for (Thread t : writers) {
                t.join();
            }
            read += reader.poll();
            assertEquals(100, read, "every committed change read once");
            long[] span = db.inTransaction(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT COUNT(*), MIN(id), MAX(id) FROM cluster_changes")) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                }
            });
            assertEquals(span[0], span[2] - span[1] + 1, "ids without gaps");
            assertTrue(seen.containsAll(List.of("w10", "w11", "w12", "w13")), seen.toString());
            assertEquals(0, all.get());
        }
    }
}
