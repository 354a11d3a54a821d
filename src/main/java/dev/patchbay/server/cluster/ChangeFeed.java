package dev.patchbay.server.cluster;

import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The change feed of instances sharing one database (ADR 0116): a management write appends a topic row
 * ({@code app:<id>}, or {@code *} for every app) in its own transaction, just before it commits; every instance reads
 * the rows past its cursor a few times a second and drops what it caches about each topic.
 *
 * <p>Ids come from one counter row, bumped by the writing transaction as its last statement; the row stays locked until
 * that transaction commits, so ids are handed out in commit order and a row whose id a reader has passed can never
 * appear later. The cost is that management writes commit one after another, which is their rate anyway.
 */
public final class ChangeFeed {
    /** The topic of a write that concerns every app (or none in particular). */
    public static final String ALL = "*";
    private static final String APP = "app:";
    /** Rows read per poll; a reader further behind than this drops everything instead. */
    static final int PAGE = 1000;

    private final Database db;
    private final Consumer<String> invalidateApp;
    private final Runnable invalidateAll;
    private long cursor;

    /** A reader starting at the feed's end (caches start empty, so nothing before matters). */
    public ChangeFeed(Database db, Consumer<String> invalidateApp, Runnable invalidateAll) {
        this.db = db;
        this.invalidateApp = invalidateApp;
        this.invalidateAll = invalidateAll;
        this.cursor = db.inTransaction(ChangeFeed::last);
    }

    /** The topic of a write about {@code appId} (null: every app). */
    public static String topic(String appId) {
        return appId == null ? ALL : APP + appId;
    }

    /** Appends {@code topic}: the last statements of a transaction that changed data (see the class comment). */
    public static void append(Connection c, String topic) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE cluster_counters SET last_id = last_id + 1 WHERE name = 'changes'")) {
            ps.executeUpdate();
        }
        long id = last(c);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cluster_changes(id, topic, at) VALUES (?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, topic.length() > 200 ? ALL : topic);
            ps.setObject(3, Database.utc(Instant.now()));
            ps.executeUpdate();
        }
    }

    /**
     * Takes the feed's row lock until {@code c} commits: whatever runs after it in that transaction takes turns with
     * every management write and every other caller (instances minting the first admin key at once).
     */
    public static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE cluster_counters SET last_id = last_id WHERE name = 'changes'")) {
            ps.executeUpdate();
        }
    }

    private static long last(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_id FROM cluster_counters WHERE name = 'changes'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Reads what was committed since the last poll and drops the caches it concerns; answers how many rows. */
    public synchronized int poll() {
        List<String> topics = new ArrayList<>();
        long[] upTo = {cursor};
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, topic FROM cluster_changes WHERE id > ? ORDER BY id")) {
                ps.setMaxRows(PAGE);
                ps.setLong(1, cursor);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        upTo[0] = rs.getLong(1);
                        topics.add(rs.getString(2));
                    }
                }
            }
            if (topics.size() == PAGE) {
                // Far behind (a long pause): everything goes, and the reader moves to the end.
                topics.add(ALL);
                upTo[0] = Math.max(upTo[0], last(c));
            }
            return null;
        });
        cursor = upTo[0];
        Set<String> distinct = new LinkedHashSet<>(topics);
        if (distinct.contains(ALL)) {
            invalidateAll.run();
        } else {
            for (String t : distinct) {
                if (t.startsWith(APP)) {
                    invalidateApp.accept(t.substring(APP.length()));
                }
            }
        }
        return topics.size();
    }

    /** Deletes rows older than {@code before} (every reader is long past them). */
    public static int prune(Database db, Instant before) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM cluster_changes WHERE at < ?")) {
                ps.setObject(1, Database.utc(before));
                return ps.executeUpdate();
            }
        });
    }
}
