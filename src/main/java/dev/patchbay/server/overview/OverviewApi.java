package dev.patchbay.server.overview;

import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.apps.AppsApi;
import dev.patchbay.server.devices.DeviceRecorder;
import dev.patchbay.server.http.ApiRequest;
import dev.patchbay.server.http.ApiResponse;
import dev.patchbay.server.http.Router;
import dev.patchbay.server.rollouts.RolloutService;
import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/apps/{appId}/overview}: the app's rollouts in flight and its device numbers of the last 24 h
 * (docs/api.md). The 24 h counts read ranges of the indexes of schema V5, so they cost what the last day holds,
 * not what the app has ever had. Devices per bundle are counted at most once a minute per app ({@link BundleCounts}).
 */
public final class OverviewApi {
    static final Duration DAY = Duration.ofHours(24);
    /** Device events that mean an update failed on the device (docs/rollouts.md §4). */
    static final List<String> FAILURES = List.of("rollback", "verify_fail", "download_fail");
    /** Devices seen since a time: a range of index {@code devices_seen}. Parameters: app, since. */
    public static final String SEEN_SQL = "SELECT COUNT(*) FROM devices WHERE app_id = ? AND last_seen >= ?";
    /**
     * Distinct devices with a failure event since a time: one range of index {@code device_events_action} per action
     * (the union drops devices that failed more than once or in more than one way). Parameters: (app, action, since)
     * for each of {@link #FAILURES}.
     */
    public static final String FAILURES_SQL = "SELECT COUNT(*) FROM ("
            + String.join(" UNION ", java.util.Collections.nCopies(FAILURES.size(),
            "SELECT device_id FROM device_events WHERE app_id = ? AND action = ? AND received_at >= ?")) + ") f";

    private final Database db;
    private final Clock clock;
    private final DeviceRecorder recorder;
    private final BundleCounts bundleCounts = new BundleCounts();

    public OverviewApi(Database db, Clock clock, DeviceRecorder recorder) {
        this.db = db;
        this.clock = clock;
        this.recorder = recorder;
    }

    public void register(Router router) {
        router.get("/api/v1/apps/{appId}/overview", this::overview);
    }

    private ApiResponse overview(ApiRequest r) {
        String appId = AppsApi.appId(r);
        Instant now = clock.instant();
        Instant since = now.minus(DAY);
        // Checks answered before this read are in the numbers (the recorder writes behind).
        recorder.flush();
        Map<String, Object> out = db.inTransaction(c -> {
            AppStore.require(c, appId);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rolloutsInFlight", inFlight(c, appId));
            o.put("failures24h", failures(c, appId, since));
            o.put("devicesSeen24h", count(c, SEEN_SQL, appId, since));
            o.put("devices", count(c, "SELECT COUNT(*) FROM devices WHERE app_id = ?", appId, null));
            BundleCounts.Counted byBundle = bundleCounts.get(c, appId, now);
            o.put("devicesByBundle", byBundle.bundles());
            o.put("devicesByBundleAt", byBundle.at());
            return o;
        });
        return ApiResponse.ok(out);
    }

    private static long failures(Connection c, String appId, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FAILURES_SQL)) {
            int p = 1;
            for (String action : FAILURES) {
                ps.setString(p++, appId);
                ps.setString(p++, action);
                ps.setObject(p++, Database.utc(since));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long count(Connection c, String sql, String appId, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, appId);
            if (since != null) {
                ps.setObject(2, Database.utc(since));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The app's running and paused rollouts, by channel. */
    private static List<Rollout> inFlight(Connection c, String appId) throws SQLException {
        return RolloutService.activeIn(c, appId).values().stream()
                .sorted(java.util.Comparator.comparing(Rollout::channel)).toList();
    }
}
