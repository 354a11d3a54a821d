package dev.patchbay.server.devices;

import dev.patchbay.domain.Json;
import dev.patchbay.server.offers.ReleaseOffers;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind of update checks: each check is kept in memory (the latest per device, plus a timeline entry when
 * the answer differs from the device's previous one) and
 * written in batches every {@link #FLUSH_MILLIS} ms, one transaction per app, so a check costs no database round trip.
 * Management reads call {@link #flush()} first; {@link #close()} flushes what is left. If more than
 * {@link #MAX_PENDING_EVENTS} timeline entries wait, further check entries are counted and dropped (the device state
 * itself is always kept).
 *
 * <p>A check that changes nothing in the device's row but {@code last_seen} is not written when this recorder wrote
 * (or queued) the same row for the device less than {@link #LAST_SEEN_WINDOW} ago (ADR 0115): {@code lastSeen} is
 * exact to that window, and a device checking every few seconds costs one row write a minute instead of one per
 * check. Any other change of the row (bundle, channel, outcome, error, offer, …) is queued at once. Writers of the
 * row other than checks (device reports) call {@link #forget} so the next check is written whatever it holds.
 */
public final class DeviceRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRecorder.class);
    static final long FLUSH_MILLIS = 200;
    static final int MAX_PENDING_EVENTS = 200_000;
    static final int MAX_REMEMBERED = 500_000;
    /**
     * How stale a stored {@code last_seen} may get while a device keeps checking with nothing else changed; each
     * device's own window lies between half of this and this ({@link #windowMillis}, ADR 0126).
     */
    static final java.time.Duration LAST_SEEN_WINDOW = java.time.Duration.ofSeconds(60);

    private final Database db;
    private final DeviceChangeLog changes;
    private final Map<String, CheckRecord> latest = new ConcurrentHashMap<>();
    /** Keys taken out of {@link #latest} by the flush that is writing them now (until its transaction is committed). */
    private final java.util.Set<String> writing = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<CheckRecord> timeline = new ConcurrentLinkedQueue<>();
    /** Per device, a digest of the last answer put in the timeline (bounded; forgotten entries just repeat once). */
    private final Map<String, Integer> lastAnswer = new ConcurrentHashMap<>();
    /** Per device, the row last queued for writing: its digest without last_seen, and its last_seen (bounded). */
    private final Map<String, Queued> queued = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService flusher;
    private final Object flushLock = new Object();
    private volatile ReleaseOffers offers = new ReleaseOffers(ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS);

    /** A recorder with a change cursor of its own (tests; the server shares the catalog's). */
    public DeviceRecorder(Database db) {
        this(db, new DeviceChangeLog());
    }

    public DeviceRecorder(Database db, DeviceChangeLog changes) {
        this.db = db;
        this.changes = changes;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-device-writer");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Where offers are recorded (its per-address limit); returns this recorder. */
    public DeviceRecorder withOffers(ReleaseOffers offers) {
        this.offers = offers;
        return this;
    }

    /** The row of a device as last queued: {@code digest} of every column but last_seen, and last_seen. */
    private record Queued(long digest, long seenMillis) {
    }

    void record(CheckRecord check) {
        String key = check.appId() + "\n" + check.deviceId();
        long digest = rowDigest(check);
        long at = check.at().toEpochMilli();
        Queued last = queued.get(key);
        if (last != null && last.digest() == digest && at >= last.seenMillis()
                && at - last.seenMillis() < windowMillis(key)) {
            skipped.incrementAndGet(); // only last_seen would move, and it moved less than the window ago
        } else {
            if (queued.size() > MAX_REMEMBERED) {
                queued.clear();
            }
            queued.put(key, new Queued(digest, at));
            latest.put(key, check);
        }
        // The timeline gets a check when its answer differs from the device's previous one: a device asking again
        // and getting the same answer only moves lastSeen (otherwise every launch of every device adds a row).
        int signature = java.util.Objects.hash(check.outcome(), check.error(), check.channel(), check.channelSource(),
                check.channelReason(), check.offered(), check.currentBundle(), check.currentSequence(),
                check.rollout() == null ? null : check.rollout().rollout().id(),
                check.rollout() != null && check.rollout().selected());
        // Read first: nearly every check repeats the answer, and a put would lock the map's bin on each of them
        // (ConcurrentHashMap.putVal was the recorder's largest frame in a profile of the benchmark).
        Integer before = lastAnswer.get(key);
        if (before != null && before == signature) {
            return;
        }
        lastAnswer.put(key, signature);
        if (lastAnswer.size() > MAX_REMEMBERED) {
            lastAnswer.clear();
        }
        if (pendingEvents.incrementAndGet() > MAX_PENDING_EVENTS) {
            pendingEvents.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        timeline.add(check);
    }

    /**
     * Whether a check of this device waits to be written or is being written (events about the device must not
     * overtake it, and its offer must be visible before the device's reports are counted: {@link #flush()} waits for a
     * flush in progress).
     */
    public boolean pending(String appId, String deviceId) {
        String key = appId + "\n" + deviceId;
        return latest.containsKey(key) || writing.contains(key);
    }

    /**
     * Another writer changed the device's row (a report applied to it): the next check of the device is written
     * whatever it holds, so the row ends with what the device said last.
     */
    public void forget(String appId, String deviceId) {
        queued.remove(appId + "\n" + deviceId);
    }

    /** Checks whose row was not written again because only last_seen would have moved (ADR 0115). */
    public long skipped() {
        return skipped.get();
    }

    /**
     * The device's own window, between half of {@link #LAST_SEEN_WINDOW} and all of it, fixed by a hash of its key
     * (ADR 0126): devices first written together (a server start, a fleet waking up) do not all fall due in the same
     * flush a minute later, their re-writes spread over the second half of the window.
     */
    static long windowMillis(String key) {
        long full = LAST_SEEN_WINDOW.toMillis();
        long half = full / 2;
        return full - half + Math.floorMod(spread(key), half);
    }

    /** {@link #windowMillis} of a device (tests). */
    static long windowMillis(String appId, String deviceId) {
        return windowMillis(appId + "\n" + deviceId);
    }

    private static long spread(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        return h ^ (h >>> 29);
    }

    /** 64-bit FNV-1a over every column a check writes except last_seen (the values separated by a 0 char). */
    static long rowDigest(CheckRecord r) {
        long h = 0xcbf29ce484222325L;
        Object[] columns = {r.customId(), r.platform(), r.osVersion(), r.nativeVersion(), r.nativeBuild(),
                r.runtimeVersion(), r.isEmulator(), r.isProduction(), r.rootKeyId(), r.contentKeyId(),
                r.channelAsked(), r.channel(), r.channelSource(), r.channelReason(), r.currentBundle(),
                r.currentSequence(), r.outcome(), r.error(), r.message(), r.offered()};
        for (Object v : columns) {
            String s = v == null ? "\u0001" : v.toString();
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ 0) * 0x100000001b3L;
        }
        return h;
    }

    /** Timeline entries of checks dropped because too many waited (an overloaded store). */
    public long dropped() {
        return dropped.get();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Writing device check state failed: {}", e.toString());
        }
    }

    /** Writes everything recorded so far. */
    public void flush() {
        synchronized (flushLock) {
            if (latest.isEmpty() && timeline.isEmpty()) {
                return;
            }
            try {
                flushLocked();
            } finally {
                writing.clear();
            }
        }
    }

    private void flushLocked() {
        Map<String, List<CheckRecord>> states = new HashMap<>();
        for (String key : List.copyOf(latest.keySet())) {
            writing.add(key); // before the removal: pending() always sees the key in one of the two
            CheckRecord r = latest.remove(key);
            if (r != null) {
                states.computeIfAbsent(r.appId(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, List<CheckRecord>> events = new LinkedHashMap<>();
        CheckRecord e;
        while ((e = timeline.poll()) != null) {
            pendingEvents.decrementAndGet();
            events.computeIfAbsent(e.appId(), k -> new ArrayList<>()).add(e);
        }
        java.util.Set<String> apps = new java.util.LinkedHashSet<>(states.keySet());
        apps.addAll(events.keySet());
        for (String app : apps) {
            List<CheckRecord> s = states.getOrDefault(app, List.of());
            List<CheckRecord> t = events.getOrDefault(app, List.of());
            try {
                try {
                    changes.write(db, c -> {
                        write(c, s, t);
                        offers.record(c, offers(s, t));
                        return null;
                    });
                } catch (StoreException ex) {
                    if (!Database.isDuplicate(ex.sqlCause())) {
                        throw ex;
                    }
                    // A device row was created meanwhile (its first event batch): the updates find it now.
                    changes.write(db, c -> {
                        write(c, s, t);
                        offers.record(c, offers(s, t));
                        return null;
                    });
                }
            } catch (StoreException ex) {
                for (CheckRecord r : s) { // not written: the next check of these devices is written again
                    queued.remove(r.appId() + "\n" + r.deviceId());
                }
                // Typically the app was deleted since the checks: its devices go with it.
                LOG.debug("Dropping {} device checks of app {}: {}", t.size(), app, ex.toString());
            }
        }
    }

    /** The releases these checks offered (ADR 0094: only offered devices count toward a rollout's health). */
    private static List<ReleaseOffers.Offer> offers(List<CheckRecord> states, List<CheckRecord> events) {
        Map<String, ReleaseOffers.Offer> out = new LinkedHashMap<>();
        for (List<CheckRecord> list : List.of(events, states)) {
            for (CheckRecord r : list) {
                if (r.offered() != null) {
                    out.putIfAbsent(r.deviceId() + "\n" + r.offered(),
                            new ReleaseOffers.Offer(r.appId(), r.deviceId(), r.offered(), r.address(), r.at()));
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static void write(Connection c, List<CheckRecord> states, List<CheckRecord> events) throws SQLException {
        List<CheckRecord> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET custom_id = ?, platform = ?,"
                + " os_version = ?, native_version = ?, native_build = ?, runtime_version = ?, is_emulator = ?,"
                + " is_production = ?, root_key_id = ?, content_key_id = ?, channel_asked = ?, channel = ?,"
                + " channel_source = ?, channel_reason = ?, current_bundle = ?, current_sequence = ?, last_outcome = ?,"
                + " last_error = ?, last_message = ?, last_seen = ?, change_seq = " + DeviceChangeLog.NEXT
                + " WHERE app_id = ? AND device_id = ?")) {
            for (CheckRecord r : states) {
                bind(ps, r);
                ps.setString(21, r.appId());
                ps.setString(22, r.deviceId());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    missing.add(states.get(i));
                }
            }
        }
        if (!missing.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices(custom_id, platform, os_version,"
                    + " native_version, native_build, runtime_version, is_emulator, is_production, root_key_id,"
                    + " content_key_id, channel_asked, channel, channel_source, channel_reason, current_bundle,"
                    + " current_sequence, last_outcome, last_error, last_message, last_seen, app_id, device_id,"
                    + " first_seen, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + DeviceChangeLog.NEXT + ")")) {
                for (CheckRecord r : missing) {
                    bind(ps, r);
                    ps.setString(21, r.appId());
                    ps.setString(22, r.deviceId());
                    ps.setObject(23, Database.utc(r.at()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_events(app_id, device_id, event_id, action,"
                + " bundle, old_bundle, device_at, received_at, details) VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, ?)")) {
            for (CheckRecord r : events) {
                ps.setString(1, r.appId());
                ps.setString(2, r.deviceId());
                ps.setString(3, DeviceStore.CHECK_ACTION);
                ps.setString(4, r.offered());
                ps.setString(5, r.currentBundle());
                ps.setObject(6, Database.utc(r.at()));
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("outcome", r.outcome());
                if (r.error() != null) {
                    d.put("error", r.error());
                }
                d.put("channel", r.channel());
                d.put("channelSource", r.channelSource());
                if (r.channelReason() != null) {
                    d.put("channelReason", r.channelReason());
                }
                if (r.rollout() != null) {
                    Map<String, Object> ro = new LinkedHashMap<>();
                    ro.put("id", r.rollout().rollout().id());
                    ro.put("bucket", r.rollout().bucket());
                    ro.put("bps", r.rollout().rollout().bps());
                    ro.put("selected", r.rollout().selected());
                    ro.put("state", r.rollout().rollout().state().wireName());
                    d.put("rollout", ro);
                }
                try {
                    ps.setString(7, Json.mapper().writeValueAsString(d));
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, CheckRecord r) throws SQLException {
        ps.setString(1, r.customId());
        ps.setString(2, r.platform());
        ps.setString(3, r.osVersion());
        ps.setString(4, r.nativeVersion());
        if (r.nativeBuild() == null) {
            ps.setNull(5, Types.BIGINT);
        } else {
            ps.setLong(5, r.nativeBuild());
        }
        ps.setString(6, r.runtimeVersion());
        ps.setBoolean(7, r.isEmulator());
        ps.setBoolean(8, r.isProduction());
        ps.setString(9, r.rootKeyId());
        ps.setString(10, r.contentKeyId());
        ps.setString(11, r.channelAsked());
        ps.setString(12, r.channel());
        ps.setString(13, r.channelSource());
        ps.setString(14, DeviceStore.cut(r.channelReason(), 300));
        ps.setString(15, r.currentBundle());
        if (r.currentSequence() == null) {
            ps.setNull(16, Types.BIGINT);
        } else {
            ps.setLong(16, r.currentSequence());
        }
        ps.setString(17, r.outcome());
        ps.setString(18, r.error());
        ps.setString(19, DeviceStore.cut(r.message(), 500));
        ps.setObject(20, Database.utc(r.at()));
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
