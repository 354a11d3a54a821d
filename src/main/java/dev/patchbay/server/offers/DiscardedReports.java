package dev.patchbay.server.offers;

import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tally of device reports a rollout's health refused (ADR 0094): per rollout and reason, kept with the rollout so
 * the console and CLI can say "60 reports discarded: not offered".
 */
public final class DiscardedReports {
    /** The actions the health policy reads (successes and failures; see HealthEvaluator). */
    public static final Set<String> HEALTH_ACTIONS = Set.of("rollback", "verify_fail", "download_fail", "app_ready");

    /** One report of a device about a release. */
    public record Report(String action, String bundle) {
    }

    private DiscardedReports() {
    }

    /**
     * For each health report of {@code deviceId} that does not count, adds one to the discards of the app's active
     * rollouts whose target is that release. Runs in the transaction that stores the reports.
     */
    public static void tally(Connection c, String appId, String deviceId, List<Report> reports, Instant now)
            throws SQLException {
        for (Report r : reports) {
            if (r.bundle() == null || !HEALTH_ACTIONS.contains(r.action())) {
                continue;
            }
            ReleaseOffers.Standing standing = ReleaseOffers.standing(c, appId, deviceId, r.bundle());
            if (standing == ReleaseOffers.Standing.COUNTED) {
                continue;
            }
            for (String rollout : activeRollouts(c, appId, r.bundle())) {
                add(c, rollout, standing.wire(), now);
            }
        }
    }

    /** The discards of one rollout by reason (empty when none). */
    public static Map<String, Long> of(Connection c, String rolloutId) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reason, count FROM rollout_discards WHERE rollout_id = ?")) {
            ps.setString(1, rolloutId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static List<String> activeRollouts(Connection c, String appId, String bundle) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rollouts WHERE app_id = ? AND target_bundle = ?"
                + " AND active_key IS NOT NULL")) {
            ps.setString(1, appId);
            ps.setString(2, bundle);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void add(Connection c, String rolloutId, String reason, Instant now) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE rollout_discards SET count = count + 1, last_at = ?"
                + " WHERE rollout_id = ? AND reason = ?")) {
            up.setObject(1, Database.utc(now));
            up.setString(2, rolloutId);
            up.setString(3, reason);
            if (up.executeUpdate() > 0) {
                return;
            }
        }
        // A concurrent first insert makes this a duplicate key: the caller's retry then takes the UPDATE above.
        try (PreparedStatement in = c.prepareStatement(
                "INSERT INTO rollout_discards(rollout_id, reason, count, last_at) VALUES (?, ?, 1, ?)")) {
            in.setString(1, rolloutId);
            in.setString(2, reason);
            in.setObject(3, Database.utc(now));
            in.executeUpdate();
        }
    }
}
