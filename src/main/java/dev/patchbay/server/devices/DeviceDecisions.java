package dev.patchbay.server.devices;

import dev.patchbay.crypto.FreshnessStatement.Outcome;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.SemVer;
import dev.patchbay.server.offers.DiscardedReports;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.store.StoreException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The update decision and the device-state writes of the device protocol, for device endpoints that speak another
 * wire format (the Capgo-compatible routes, docs/capgo-compat.md): the same channel resolution, rules, rollout
 * bucket, check recording and event storage as {@code POST /updates} and {@code POST /stats}, without their parsing
 * and answer shapes.
 */
public final class DeviceDecisions {
    /** What a device told about itself in a check; {@code currentBundle} is a version or {@code builtin}. */
    public record Device(String appId, String deviceId, String customId, String platform, String osVersion,
                         String nativeVersion, SemVer nativeSemVer, Long nativeBuild, String runtimeVersion,
                         String currentBundle, String channelAsked, boolean isEmulator, boolean isProduction) {
    }

    /** One device event in Patchbay's vocabulary (device-protocol §5), with an id that makes re-sending harmless. */
    public record Event(String id, String action, String bundle, String oldBundle, String at,
                        Map<String, String> details) {
    }

    /** The decision for one check: outcome ({@code update}, {@code builtin}, ...), error code, message, channel. */
    public static final class Verdict {
        private final UpdatesApi.Resolution resolution;
        private final UpdatesApi.Decision decision;

        private Verdict(UpdatesApi.Resolution resolution, UpdatesApi.Decision decision) {
            this.resolution = resolution;
            this.decision = decision;
        }

        public String outcome() {
            return decision.outcome().wire();
        }

        public String error() {
            return decision.error();
        }

        public String message() {
            return decision.message();
        }

        /** The channel used, or {@code null}. */
        public String channel() {
            return resolution.channel() == null ? null : resolution.channel().name();
        }

        /** The version offered ({@code update} only), or {@code null}. */
        public String offered() {
            return decision.release() == null ? null : decision.release().version();
        }

        /**
         * The bundle the rules were applied to (the rollout's pick or the channel's bundle; {@code null} = builtin),
         * also when it was blocked.
         */
        public String candidate() {
            if (decision.release() != null) {
                return decision.release().version();
            }
            if (decision.rollout() != null) {
                return decision.rollout().bundle();
            }
            return resolution.channel() == null ? null : resolution.channel().bundle();
        }

        /**
         * The same verdict with another outcome, for what the foreign format adds on top of Patchbay's rules (a
         * missing artifact, a key mismatch); the rollout evaluation stays for the timeline.
         */
        public Verdict instead(String outcome, String error, String message) {
            return new Verdict(resolution, new UpdatesApi.Decision(Outcome.of(outcome), error, message, null,
                    decision.rollout()));
        }
    }

    private final Database db;
    private final Clock clock;
    private final DeviceCatalog catalog;
    private final DeviceRecorder recorder;

    public DeviceDecisions(Database db, Clock clock, DeviceCatalog catalog, DeviceRecorder recorder) {
        this.db = db;
        this.clock = clock;
        this.catalog = catalog;
        this.recorder = recorder;
    }

    public DeviceCatalog catalog() {
        return catalog;
    }

    /** Resolves the channel and applies its rules and rollout, as {@code POST /updates} does (no freshness). */
    public Verdict decide(DeviceCatalog.AppView app, Device d) {
        UpdatesApi.Resolution res = UpdatesApi.resolve(app, d.deviceId(), Platform.parse(d.platform()),
                d.channelAsked());
        UpdatesApi.Decision decision;
        if (res.channel() == null) {
            decision = UpdatesApi.Decision.of(Outcome.FAILED, "no_channel", "App '" + d.appId() + "' has no channel"
                    + " for " + d.platform() + (res.reason() == null ? "" : " (" + res.reason() + ")"));
        } else {
            decision = UpdatesApi.decide(app, check(d), res.channel());
        }
        return new Verdict(res, decision);
    }

    /**
     * Records the check as device state and (when the answer changed) a timeline entry, like {@code /updates}; an
     * offered release is recorded as offered to the device from {@code address} (ADR 0094: only offered devices count
     * toward a rollout's health).
     */
    public void record(Device d, Verdict v, String address) {
        UpdatesApi.Decision dec = v.decision;
        recorder.record(new CheckRecord(d.appId(), d.deviceId(), d.customId(), d.platform(), d.osVersion(),
                d.nativeVersion(), d.nativeBuild(), d.runtimeVersion(), d.isEmulator(), d.isProduction(), null, null,
                d.channelAsked(), v.channel(), v.resolution.source(), v.resolution.reason(), d.currentBundle(), null,
                dec.outcome().wire(), dec.error(), dec.message(), v.offered(), clock.instant(), dec.rollout(),
                address));
    }

    /**
     * Stores events of one device in one transaction, skipping ids stored before (and repeats within the batch), and
     * applies them to the device state, as {@code POST /stats} does. Returns {accepted, duplicates}.
     */
    public int[] store(String appId, String deviceId, List<Event> events) {
        if (recorder.pending(appId, deviceId)) {
            recorder.flush();
        }
        List<StatsApi.Event> converted = events.stream().map(e -> new StatsApi.Event(e.id(), e.action(), e.bundle(),
                e.oldBundle(), e.at(), e.details())).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                int[] stored = storeOnce(appId, deviceId, converted);
                recorder.forget(appId, deviceId); // the reports changed the row: its next check is written (ADR 0115)
                return stored;
            } catch (StoreException e) {
                if (attempt == 3 || !(e.getCause() instanceof SQLException sql) || !Database.isDuplicate(sql)) {
                    throw e;
                }
            }
        }
    }

    private int[] storeOnce(String appId, String deviceId, List<StatsApi.Event> events) {
        Instant now = clock.instant();
        return catalog.changes().write(db, c -> {
            DeviceStore.touch(c, appId, deviceId, now);
            Set<String> seen = DeviceStore.seen(c, appId, deviceId,
                    events.stream().map(StatsApi.Event::id).distinct().toList());
            List<StatsApi.Event> fresh = new ArrayList<>();
            Set<String> inBatch = new HashSet<>();
            for (StatsApi.Event e : events) {
                if (!seen.contains(e.id()) && inBatch.add(e.id())) {
                    fresh.add(e);
                }
            }
            DeviceStore.insertEvents(c, appId, deviceId, fresh, now);
            DiscardedReports.tally(c, appId, deviceId,
                    fresh.stream().map(e -> new DiscardedReports.Report(e.action(), e.bundle())).toList(), now);
            for (StatsApi.Event e : fresh) {
                DeviceStore.apply(c, appId, deviceId, e, now);
            }
            return new int[] {fresh.size(), events.size() - fresh.size()};
        });
    }

    /**
     * The device's current bundle as last stored and the last bundle an update check offered it (from its timeline),
     * each {@code null} if unknown: foreign runtimes that report failures against the bundle they run are attributed
     * to what they were downloading.
     */
    public String[] currentAndOffered(String appId, String deviceId) {
        if (recorder.pending(appId, deviceId)) {
            recorder.flush();
        }
        return db.inTransaction(c -> {
            String current = null;
            String offered = null;
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT current_bundle FROM devices WHERE app_id = ? AND device_id = ?")) {
                ps.setString(1, appId);
                ps.setString(2, deviceId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getString(1);
                    }
                }
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT bundle FROM device_events WHERE app_id = ?"
                    + " AND device_id = ? AND action = ? AND bundle IS NOT NULL ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, appId);
                ps.setString(2, deviceId);
                ps.setString(3, DeviceStore.CHECK_ACTION);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        offered = rs.getString(1);
                    }
                }
            }
            return new String[] {current, offered};
        });
    }

    private static UpdatesApi.Check check(Device d) {
        // No sequence, key ids or nonce: the plugin has no anti-rollback floor, no Patchbay keys and no freshness.
        return new UpdatesApi.Check(d.appId(), d.deviceId(), d.platform(), d.osVersion(), d.nativeVersion(),
                d.nativeSemVer(), d.nativeBuild(), d.runtimeVersion(), d.currentBundle(), null, d.channelAsked(),
                d.customId(), d.isEmulator(), d.isProduction(), null, null, null);
    }
}
