package dev.patchbay.server.rollouts;

import dev.patchbay.domain.WilsonBound;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.server.offers.DiscardedReports;
import dev.patchbay.server.offers.ReleaseOffers;
import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The health policy's reading of a rollout (docs/rollouts.md §4): distinct devices that reported the target bundle
 * failing (rollback, verify_fail, download_fail) or starting (app_ready) in the window, the Wilson lower bound of the
 * failure rate and the verdict, with a sentence that names the numbers.
 */
public final class HealthEvaluator {
    /** Actions that count as the bundle failing on a device. {@code disk_full}, {@code freshness_fail} do not. */
    static final String FAILURES_SQL = "('rollback', 'verify_fail', 'download_fail')";
    /** Failures plus a successful start. */
    static final String ATTEMPTS_SQL = "('rollback', 'verify_fail', 'download_fail', 'app_ready')";

    /** The counts of one window. */
    public record Counts(long attempts, long failures) {
    }

    private final Database db;

    public HealthEvaluator(Database db) {
        this.db = db;
    }

    /** Reads the rollout's health at {@code now}; {@code policy} is the rollout's (or the default when it has none). */
    public HealthReading evaluate(Rollout r, HealthPolicy policy, Instant now) {
        return db.inTransaction(c -> {
            Instant from = windowStart(policy, since(c, r), now);
            Counts n = count(c, r.appId(), r.targetBundle(), from, now);
            HealthReading h = reading(n, policy, from, now);
            return new HealthReading(h.at(), h.attempts(), h.failures(), h.rate(), h.lowerBound(), h.threshold(),
                    h.verdict(), h.reason(), DiscardedReports.of(c, r.id()));
        });
    }

    /** The later of the rollout's start, its stage's start and its last resume ({@code rollouts.health_since}). */
    static Instant since(Connection c, Rollout r) throws SQLException {
        Instant since = r.startedAt();
        if (r.stageStartedAt() != null && r.stageStartedAt().isAfter(since)) {
            since = r.stageStartedAt();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT health_since FROM rollouts WHERE id = ?")) {
            ps.setString(1, r.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Instant h = Database.instant(rs.getObject(1));
                    if (h != null && h.isAfter(since)) {
                        since = h;
                    }
                }
            }
        }
        return since;
    }

    static Instant windowStart(HealthPolicy policy, Instant since, Instant now) {
        Instant from = now.minusSeconds(policy.windowSeconds());
        return since != null && since.isAfter(from) ? (since.isAfter(now) ? now : since) : from;
    }

    /**
     * Distinct devices with a failure, and with a failure or app_ready, for {@code bundle} received in
     * {@code [from, to]}: one range scan of the {@code device_events_bundle} index. Only devices the server offered
     * the bundle, with an offer that counts, are counted (ADR 0094).
     */
    public static Counts count(Connection c, String appId, String bundle, Instant from, Instant to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT device_id),"
                + " COUNT(DISTINCT CASE WHEN action IN " + FAILURES_SQL + " THEN device_id END)"
                + " FROM device_events WHERE app_id = ? AND bundle = ? AND received_at >= ? AND received_at <= ?"
                + " AND action IN " + ATTEMPTS_SQL + " AND " + ReleaseOffers.COUNTED_SQL)) {
            ps.setString(1, appId);
            ps.setString(2, bundle);
            ps.setObject(3, Database.utc(from));
            ps.setObject(4, Database.utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** The verdict and its sentence for counts over {@code [from, now]} (pure: the rules of §4). */
    public static HealthReading reading(Counts n, HealthPolicy p, Instant from, Instant now) {
        long attempts = n.attempts();
        long failures = Math.min(n.failures(), attempts);
        double rate = attempts == 0 ? 0.0 : (double) failures / attempts;
        double lower = WilsonBound.lower(failures, attempts, p.confidence());
        String window = "in the last " + duration(Duration.between(from, now));
        HealthVerdict verdict;
        String reason;
        if (attempts < p.minAttempts()) {
            verdict = HealthVerdict.INSUFFICIENT;
            reason = "health policy: " + attempts + " of " + p.minAttempts() + " attempts needed (" + failures
                    + " failed) " + window;
        } else {
            boolean above = lower > p.threshold();
            verdict = p.verdict(failures, attempts);
            reason = "health policy: " + numbers(failures, attempts, rate, lower, p) + " " + window;
            if (above && verdict == HealthVerdict.HEALTHY) {
                reason += ", fewer than " + p.minFailures() + " failures";
            }
        }
        return new HealthReading(now, attempts, failures, rate, lower, p.threshold(), verdict, reason);
    }

    /** "23 of 118 devices failed (19.5 %, 95 % lower bound 13.3 % &gt; threshold 5.0 %)". */
    static String numbers(long failures, long attempts, double rate, double lower, HealthPolicy p) {
        return failures + " of " + attempts + " devices failed (" + pct(rate) + ", " + confidence(p.confidence())
                + " lower bound " + pct(lower) + (lower > p.threshold() ? " > " : " ≤ ") + "threshold "
                + pct(p.threshold()) + ")";
    }

    /** The numbers of a reading for the plan's reasons. */
    static String numbers(HealthReading h, HealthPolicy p) {
        return numbers(h.failures(), h.attempts(), h.rate(), h.lowerBound(), p);
    }

    static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static String confidence(double c) {
        double v = c * 100;
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " %";
    }

    /** 45 s, 12 min, 60 min, 3 h, 1.5 d: short and exact enough for a sentence. */
    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 180 * 60) {
            return s / 60 + " min";
        }
        if (s < 72 * 3600) {
            return trim(s / 3600.0) + " h";
        }
        return trim(s / 86400.0) + " d";
    }

    private static String trim(double v) {
        String t = String.format(Locale.ROOT, "%.1f", v);
        return t.endsWith(".0") ? t.substring(0, t.length() - 2) : t;
    }
}
