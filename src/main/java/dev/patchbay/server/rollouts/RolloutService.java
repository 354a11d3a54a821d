package dev.patchbay.server.rollouts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.apps.AppStore;
import dev.patchbay.server.blobs.BlobStore;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.AuditLog;
import dev.patchbay.server.store.Database;
import dev.patchbay.server.trust.Signatures;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Staged rollouts (docs/rollouts.md §1, §3, §5): every verb checks the state machine and the optional
 * {@code expectedRevision}, then writes the rollout row, a {@code rollout_history} row, an audit entry and (rollback,
 * promote) the channel's bundle in one transaction. At most one active rollout per channel is kept by the unique
 * {@code active_key}.
 */
public final class RolloutService implements RolloutActions {
    public static final int MAX_REASON = 500;
    static final int MAX_LIMIT = 200;

    /**
     * What {@code start} takes (validated by the API layer except for the database facts); {@code preflight} is the
     * client's note of the preflight it ran first (null: none), kept in the audit entry.
     */
    public record Start(String targetBundle, Integer bps, RolloutPlan plan, HealthPolicy health, byte[] rollbackRelease,
                        String reason, Long expectedRevision, String preflight) {
    }

    /** One row of a rollout's history. */
    public record Change(Instant at, String actor, String action, String fromState, String toState, Integer fromBps,
                         int toBps, String reason) {
    }

    private final Database db;
    private final Clock clock;
    private final Signatures signatures;
    private final BlobStore blobs;
    private final SecureRandom random = new SecureRandom();
    private volatile java.util.function.Consumer<String> onChange = appId -> { };

    public RolloutService(Database db, Clock clock, Signatures signatures, BlobStore blobs) {
        this.db = db;
        this.clock = clock;
        this.signatures = signatures;
        this.blobs = blobs;
    }

    /**
     * Called with the app id after every committed change (the device catalog drops its cached view, so update checks
     * see the change at once, also for the supervisor's changes that do not come through HTTP).
     */
    public RolloutService onChange(java.util.function.Consumer<String> listener) {
        this.onChange = listener;
        return this;
    }

    /** 1..500 characters (trimmed), else a 400 naming {@code reason}. */
    public static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiError.validation("reason", "A reason is required (1 to " + MAX_REASON + " characters): say why");
        }
        String r = reason.strip();
        if (r.length() > MAX_REASON) {
            throw ApiError.validation("reason", "The reason is " + r.length() + " characters; at most " + MAX_REASON);
        }
        return r;
    }

    public static int bps(Integer bps) {
        if (bps == null) {
            throw ApiError.validation("bps", "Field 'bps' is required: the percentage in basis points (1000 = 10 %)");
        }
        if (bps < 0 || bps > RolloutBucket.FULL) {
            throw ApiError.validation("bps", "The percentage is 0..10000 basis points (1000 = 10 %), not " + bps);
        }
        return bps;
    }

    // ---- reads --------------------------------------------------------------------------------------------------

    /** The channel's active rollout, else its last ended one, else 404 naming {@code rollout}. */
    public Rollout current(String appId, String channel) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            requireChannel(c, appId, channel);
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE app_id = ? AND channel = ?"
                    + " ORDER BY CASE WHEN active_key IS NULL THEN 1 ELSE 0 END, started_at DESC, id DESC"
                    + " FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, appId);
                ps.setString(2, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ApiError(404, "not_found", "Channel '" + channel + "' of app '" + appId
                                + "' has no rollout", "rollout");
                    }
                    return read(rs);
                }
            }
        });
    }

    /** A page of the app's rollouts, newest first; {@code state} active, ended or all. */
    public List<Rollout> list(String appId, String state, int limit, String after) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            StringBuilder sql = new StringBuilder("SELECT * FROM rollouts WHERE app_id = ?");
            if (state.equals("active")) {
                sql.append(" AND active_key IS NOT NULL");
            } else if (state.equals("ended")) {
                sql.append(" AND active_key IS NULL");
            }
            Instant afterAt = null;
            if (after != null) {
                Rollout a = find(c, after, false);
                if (a == null || !a.appId().equals(appId)) {
                    throw ApiError.badRequest("invalid_field", "Query parameter 'after' must be a rollout id of app '"
                            + appId + "' (the 'next' of a previous page)", "after");
                }
                afterAt = a.startedAt();
                sql.append(" AND (started_at < ? OR (started_at = ? AND id < ?))");
            }
            sql.append(" ORDER BY started_at DESC, id DESC FETCH FIRST ").append(limit).append(" ROWS ONLY");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setString(1, appId);
                if (afterAt != null) {
                    ps.setObject(2, Database.utc(afterAt));
                    ps.setObject(3, Database.utc(afterAt));
                    ps.setString(4, after);
                }
                List<Rollout> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Every change of the rollout, oldest first; 404 if the app has no such rollout. */
    public List<Change> history(String appId, String rolloutId) {
        return db.inTransaction(c -> {
            AppStore.require(c, appId);
            Rollout r = find(c, rolloutId, false);
            if (r == null || !r.appId().equals(appId)) {
                throw ApiError.notFound("App '" + appId + "' has no rollout '" + rolloutId + "'");
            }
            List<Change> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM rollout_history WHERE rollout_id = ? ORDER BY at, id")) {
                ps.setString(1, rolloutId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int fromBps = rs.getInt("from_bps");
                        Integer from = rs.wasNull() ? null : fromBps;
                        out.add(new Change(Database.instant(rs.getObject("at")), Principal.displayActor(rs.getString("actor")),
                                rs.getString("action"), rs.getString("from_state"), rs.getString("to_state"), from,
                                rs.getInt("to_bps"), rs.getString("reason")));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<Rollout> active() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM rollouts WHERE active_key IS NOT NULL ORDER BY started_at, id")) {
                List<Rollout> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The active rollouts of one app by channel (inside a caller's transaction; the device catalog). */
    public static Map<String, Rollout> activeIn(Connection c, String appId) throws SQLException {
        Map<String, Rollout> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM rollouts WHERE app_id = ? AND active_key IS NOT NULL")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Rollout r = read(rs);
                    out.put(r.channel(), r);
                }
            }
        }
        return out;
    }

    // ---- verbs --------------------------------------------------------------------------------------------------

    public Rollout start(Principal actor, String appId, String channel, Start s) {
        String reason = reason(s.reason());
        if (s.targetBundle() == null || s.targetBundle().isBlank()) {
            throw ApiError.validation("targetBundle", "Field 'targetBundle' is required: the bundle version to roll out");
        }
        String target = s.targetBundle().strip();
        Instant now = clock.instant();
        int bps;
        Integer stageIndex = null;
        Instant stageStartedAt = null;
        if (s.bps() != null) {
            bps = bps(s.bps());
            if (s.plan() != null) {
                int i = s.plan().stageFor(bps);
                stageIndex = i < 0 ? null : i;
                stageStartedAt = now;
            }
        } else if (s.plan() != null) {
            bps = s.plan().stages().get(0).bps();
            stageIndex = 0;
            stageStartedAt = now;
        } else {
            bps = 0;
        }
        int startBps = bps;
        Integer startStage = stageIndex;
        Instant startStageAt = stageStartedAt;
        Verified rollbackRelease = s.rollbackRelease() == null ? null : verify(appId, s.rollbackRelease());
        Rollout started = db.inTransaction(c -> {
            AppStore.require(c, appId);
            String stable = requireChannel(c, appId, channel);
            Rollout existing = findActive(c, appId, channel, true);
            if (existing != null) {
                throw ApiError.conflict("Channel '" + channel + "' already has an active rollout (" + existing.id()
                        + ", " + existing.state().wireName() + " at " + Rollout.percent(existing.bps())
                        + " of " + existing.targetBundle() + "); promote or roll it back first", "rollout");
            }
            Long targetSeq = sequence(c, appId, target);
            if (targetSeq == null) {
                throw new ApiError(404, "not_found", "App '" + appId + "' has no bundle version '" + target + "'",
                        "targetBundle");
            }
            if (target.equals(stable)) {
                throw ApiError.validation("targetBundle", "Channel '" + channel + "' already serves " + target
                        + "; roll out a newer bundle");
            }
            if (stable != null) {
                long stableSeq = sequence(c, appId, stable);
                if (targetSeq <= stableSeq) {
                    throw ApiError.conflict("Bundle " + target + " has sequence " + targetSeq + ", not above the"
                            + " sequence " + stableSeq + " of " + stable + " that channel '" + channel
                            + "' serves; devices would refuse it", "targetBundle");
                }
            }
            String rollbackBundle = null;
            if (rollbackRelease != null) {
                if (stable == null) {
                    throw ApiError.validation("rollbackRelease", "Channel '" + channel + "' serves the builtin"
                            + " assets; rolling back to them needs no rollback release");
                }
                rollbackBundle = storeRollbackRelease(c, actor, appId, stable, rollbackRelease, now);
            } else if (stable != null && s.health() != null && s.health().action() == HealthAction.ROLLBACK) {
                throw ApiError.validation("rollbackRelease", "The health action 'rollback' needs a rollback release"
                        + " of " + stable + " (start the rollout with the app's keys)");
            }
            String id = newId();
            Rollout r = new Rollout(id, appId, channel, stable, target, rollbackBundle, startBps, RolloutState.RUNNING,
                    reason, s.plan(), startStage, startStageAt, s.health(), null, null, 1, now, actor.actor(), now,
                    null);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollouts(id, app_id, channel, stable_bundle,"
                    + " target_bundle, rollback_bundle, bps, state, reason, plan_json, stage_index, stage_started_at,"
                    + " health_json, last_health_json, health_since, last_action_at, revision, started_at, started_by,"
                    + " updated_at, ended_at, active_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL,"
                    + " ?, ?, ?, ?, NULL, ?)")) {
                ps.setString(1, id);
                ps.setString(2, appId);
                ps.setString(3, channel);
                ps.setString(4, stable);
                ps.setString(5, target);
                ps.setString(6, rollbackBundle);
                ps.setInt(7, startBps);
                ps.setString(8, r.state().wireName());
                ps.setString(9, reason);
                ps.setString(10, json(s.plan()));
                ps.setObject(11, startStage);
                ps.setObject(12, startStageAt == null ? null : Database.utc(startStageAt));
                ps.setString(13, json(s.health()));
                ps.setObject(14, Database.utc(now));
                ps.setLong(15, 1);
                ps.setObject(16, Database.utc(now));
                ps.setString(17, actor.actor());
                ps.setObject(18, Database.utc(now));
                ps.setString(19, activeKey(appId, channel));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Database.isDuplicate(e)) {
                    throw ApiError.conflict("Channel '" + channel + "' already has an active rollout", "rollout");
                }
                throw e;
            }
            history(c, now, actor, "rollout.start", null, r, reason, s.preflight());
            return r;
        });
        onChange.accept(appId);
        return started;
    }

    public Rollout set(Principal actor, String appId, String channel, Integer newBps, String reason,
                       Long expectedRevision) {
        String why = reason(reason);
        int bps = bps(newBps);
        return change(actor, appId, channel, expectedRevision, "rollout.set", why, (c, r, now) -> {
            requireActive(r, "change the percentage of");
            Integer stage = r.stageIndex();
            Instant stageAt = r.stageStartedAt();
            if (r.plan() != null) {
                int i = r.plan().stageFor(bps);
                Integer next = i < 0 ? null : i;
                if (!java.util.Objects.equals(next, stage)) {
                    stageAt = now;
                }
                stage = next;
            }
            return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), r.rollbackBundle(),
                    bps, r.state(), why, r.plan(), stage, stageAt, r.health(), r.lastHealth(), r.lastActionAt(),
                    r.revision() + 1, r.startedAt(), r.startedBy(), now, null);
        });
    }

    @Override
    public Rollout pause(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
        String why = reason(reason);
        return change(actor, appId, channel, expectedRevision, actionName(actor, "pause"), why, (c, r, now) -> {
            if (r.state() != RolloutState.RUNNING) {
                throw stateConflict(r, "pause", "running");
            }
            return withState(r, RolloutState.PAUSED, r.bps(), why, now, actor);
        });
    }

    public Rollout resume(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
        String why = reason(reason);
        return change(actor, appId, channel, expectedRevision, "rollout.resume", why, (c, r, now) -> {
            if (r.state() != RolloutState.PAUSED) {
                throw stateConflict(r, "resume", "paused");
            }
            return SoakClock.afterPause(c, withState(r, RolloutState.RUNNING, r.bps(), why, now, actor), now);
        });
    }

    @Override
    public Rollout advance(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
        String why = reason(reason);
        return change(actor, appId, channel, expectedRevision, actionName(actor, "advance"), why, (c, r, now) -> {
            requireActive(r, "advance");
            if (r.plan() == null) {
                throw ApiError.conflict("Rollout " + r.id() + " has no plan to advance; set the percentage instead",
                        "plan");
            }
            int current = r.stageIndex() != null ? r.stageIndex() : r.plan().stageFor(r.bps());
            int next = current + 1;
            if (next >= r.plan().stages().size()) {
                throw ApiError.conflict("Rollout " + r.id() + " is at the last stage of its plan ("
                        + Rollout.percent(r.bps()) + "); promote it instead", "plan");
            }
            int bps = Math.max(r.plan().stages().get(next).bps(), 0);
            return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), r.rollbackBundle(),
                    bps, r.state(), why, r.plan(), next, now, r.health(), r.lastHealth(), lastAction(r, actor, now),
                    r.revision() + 1, r.startedAt(), r.startedBy(), now, null);
        });
    }

    @Override
    public Rollout rollback(Principal actor, String appId, String channel, String reason, byte[] rollbackRelease,
                            Long expectedRevision) {
        String why = reason(reason);
        Verified given = rollbackRelease == null ? null : verify(appId, rollbackRelease);
        return change(actor, appId, channel, expectedRevision, actionName(actor, "rollback"), why, (c, r, now) -> {
            requireActive(r, "roll back");
            String rollbackBundle = r.rollbackBundle();
            String serve;
            if (r.stableBundle() == null) {
                if (given != null) {
                    throw ApiError.validation("rollbackRelease", "The rollout's stable is the builtin assets; rolling"
                            + " back to them needs no rollback release");
                }
                serve = null;
            } else {
                if (given != null) {
                    rollbackBundle = storeRollbackRelease(c, actor, appId, r.stableBundle(), given, now);
                } else if (rollbackBundle == null) {
                    throw ApiError.conflict("Rollout " + r.id() + " has no rollback release: devices on "
                            + r.targetBundle() + " refuse " + r.stableBundle() + " (lower sequence); send one built"
                            + " with the app's keys", "rollbackRelease");
                }
                serve = rollbackBundle;
            }
            setChannelBundle(c, appId, channel, serve, now);
            return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), rollbackBundle,
                    r.bps(), RolloutState.ROLLED_BACK, why, r.plan(), r.stageIndex(), r.stageStartedAt(), r.health(),
                    r.lastHealth(), lastAction(r, actor, now), r.revision() + 1, r.startedAt(), r.startedBy(), now,
                    now);
        });
    }

    @Override
    public Rollout promote(Principal actor, String appId, String channel, String reason, Long expectedRevision) {
        String why = reason(reason);
        return change(actor, appId, channel, expectedRevision, actionName(actor, "promote"), why, (c, r, now) -> {
            requireActive(r, "promote");
            setChannelBundle(c, appId, channel, r.targetBundle(), now);
            return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), r.rollbackBundle(),
                    RolloutBucket.FULL, RolloutState.COMPLETED, why, r.plan(), r.stageIndex(), r.stageStartedAt(),
                    r.health(), r.lastHealth(), lastAction(r, actor, now), r.revision() + 1, r.startedAt(),
                    r.startedBy(), now, now);
        });
    }

    /**
     * Replaces the plan and/or the health policy of the active rollout; {@code setPlan}/{@code setHealth} say which
     * (a null value with its flag set removes it).
     */
    public Rollout updatePlan(Principal actor, String appId, String channel, boolean setPlan, RolloutPlan plan,
                              boolean setHealth, HealthPolicy health, String reason, Long expectedRevision) {
        String why = reason(reason);
        if (!setPlan && !setHealth) {
            throw ApiError.validation("plan", "Send 'plan' and/or 'health' (null removes one)");
        }
        return change(actor, appId, channel, expectedRevision, "rollout.plan.update", why, (c, r, now) -> {
            requireActive(r, "change the plan of");
            RolloutPlan p = setPlan ? plan : r.plan();
            HealthPolicy h = setHealth ? health : r.health();
            if (h != null && h.action() == HealthAction.ROLLBACK && r.stableBundle() != null
                    && r.rollbackBundle() == null) {
                throw ApiError.validation("rollbackRelease", "The health action 'rollback' needs a rollback release"
                        + " of " + r.stableBundle() + "; this rollout has none");
            }
            Integer stage = null;
            Instant stageAt = null;
            if (p != null) {
                int i = p.stageFor(r.bps());
                stage = i < 0 ? null : i;
                stageAt = r.stageStartedAt() != null && java.util.Objects.equals(stage, r.stageIndex())
                        ? r.stageStartedAt() : now;
            }
            return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), r.rollbackBundle(),
                    r.bps(), r.state(), why, p, stage, stageAt, h, r.lastHealth(), r.lastActionAt(), r.revision() + 1,
                    r.startedAt(), r.startedBy(), now, null);
        });
    }

    @Override
    public void recordHealth(String rolloutId, HealthReading reading, boolean actionTaken) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollouts SET last_health_json = ?"
                    + (actionTaken ? ", last_action_at = ?" : "") + " WHERE id = ?")) {
                ps.setString(1, json(reading));
                int i = 2;
                if (actionTaken) {
                    ps.setObject(i++, Database.utc(reading.at()));
                }
                ps.setString(i, rolloutId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void notify(Principal actor, String rolloutId, String reason) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            Rollout r = find(c, rolloutId, false);
            if (r == null) {
                throw ApiError.notFound("No rollout '" + rolloutId + "'");
            }
            AuditLog.record(c, now, actor, "rollout.health.notify", r.appId(), r.appId() + "/" + r.channel(),
                    "rollout=" + r.id() + " " + reason);
            return null;
        });
    }

    // ---- the transaction of a verb ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Step {
        Rollout apply(Connection c, Rollout current, Instant now) throws SQLException;
    }

    private Rollout change(Principal actor, String appId, String channel, Long expectedRevision, String action,
                           String reason, Step step) {
        Instant now = clock.instant();
        Rollout changed = db.inTransaction(c -> {
            AppStore.require(c, appId);
            requireChannel(c, appId, channel);
            Rollout r = findActive(c, appId, channel, true);
            if (r == null) {
                r = lastEnded(c, appId, channel);
                if (r == null) {
                    throw new ApiError(404, "not_found", "Channel '" + channel + "' of app '" + appId
                            + "' has no rollout", "rollout");
                }
            }
            if (expectedRevision != null && expectedRevision != r.revision()) {
                throw ApiError.conflict("Rollout " + r.id() + " changed meanwhile (revision " + r.revision()
                        + ", expected " + expectedRevision + "); reload and decide again", "revision")
                        .with("revision", r.revision());
            }
            Rollout next = step.apply(c, r, now);
            // The health window starts again on resume and on every stage change (docs/rollouts.md §4).
            boolean restartHealth = (r.state() == RolloutState.PAUSED && next.state() == RolloutState.RUNNING)
                    || !java.util.Objects.equals(r.stageStartedAt(), next.stageStartedAt());
            update(c, next, restartHealth);
            history(c, now, actor, action, r, next, reason);
            return next;
        });
        onChange.accept(appId);
        return changed;
    }

    private static void update(Connection c, Rollout r, boolean restartHealth) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rollouts SET rollback_bundle = ?, bps = ?, state = ?,"
                + " reason = ?, plan_json = ?, stage_index = ?, stage_started_at = ?, health_json = ?,"
                + " health_since = CASE WHEN ? THEN ? ELSE health_since END, last_action_at = ?, revision = ?,"
                + " updated_at = ?, ended_at = ?, active_key = ? WHERE id = ?")) {
            ps.setString(1, r.rollbackBundle());
            ps.setInt(2, r.bps());
            ps.setString(3, r.state().wireName());
            ps.setString(4, r.reason());
            ps.setString(5, json(r.plan()));
            ps.setObject(6, r.stageIndex());
            ps.setObject(7, r.stageStartedAt() == null ? null : Database.utc(r.stageStartedAt()));
            ps.setString(8, json(r.health()));
            ps.setBoolean(9, restartHealth);
            ps.setObject(10, Database.utc(r.updatedAt()));
            ps.setObject(11, r.lastActionAt() == null ? null : Database.utc(r.lastActionAt()));
            ps.setLong(12, r.revision());
            ps.setObject(13, Database.utc(r.updatedAt()));
            ps.setObject(14, r.endedAt() == null ? null : Database.utc(r.endedAt()));
            ps.setString(15, r.active() ? activeKey(r.appId(), r.channel()) : null);
            ps.setString(16, r.id());
            ps.executeUpdate();
        }
    }

    private static void history(Connection c, Instant now, Principal actor, String action, Rollout before,
                                Rollout after, String reason) throws SQLException {
        history(c, now, actor, action, before, after, reason, null);
    }

    private static void history(Connection c, Instant now, Principal actor, String action, Rollout before,
                                Rollout after, String reason, String preflight) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollout_history(rollout_id, at, actor, action,"
                + " from_state, to_state, from_bps, to_bps, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, after.id());
            ps.setObject(2, Database.utc(now));
            ps.setString(3, actor.actor());
            ps.setString(4, action);
            ps.setString(5, before == null ? null : before.state().wireName());
            ps.setString(6, after.state().wireName());
            ps.setObject(7, before == null ? null : before.bps());
            ps.setInt(8, after.bps());
            ps.setString(9, reason);
            ps.executeUpdate();
        }
        StringBuilder detail = new StringBuilder("rollout=").append(after.id())
                .append(" target=").append(after.targetBundle())
                .append(" stable=").append(after.stableBundle() == null ? "builtin" : after.stableBundle());
        if (after.rollbackBundle() != null) {
            detail.append(" rollback=").append(after.rollbackBundle());
        }
        detail.append(" state=").append(before == null ? "" : before.state().wireName() + "->")
                .append(after.state().wireName())
                .append(" bps=").append(before == null ? "" : before.bps() + "->").append(after.bps())
                .append(" revision=").append(after.revision())
                .append(" reason=").append(reason);
        if (preflight != null) {
            detail.append(" preflight=").append(preflight);
        }
        AuditLog.record(c, now, actor, action, after.appId(), after.appId() + "/" + after.channel(), detail.toString());
    }

    /** {@code rollout.<verb>} for people, {@code rollout.health.<verb>} / {@code rollout.plan.<verb>} for the supervisor. */
    private static String actionName(Principal actor, String verb) {
        if (actor.equals(HEALTH_POLICY)) {
            return "rollout.health." + verb;
        }
        if (actor.equals(PLAN)) {
            return "rollout.plan." + verb;
        }
        return "rollout." + verb;
    }

    /**
     * The health policy's actions set {@code lastActionAt} (its cooldown); a person's and the plan's do not: a plan
     * that just advanced must still be paused at once when the new stage fails.
     */
    private static Instant lastAction(Rollout r, Principal actor, Instant now) {
        return actor.equals(HEALTH_POLICY) ? now : r.lastActionAt();
    }

    private static Rollout withState(Rollout r, RolloutState state, int bps, String reason, Instant now,
                                     Principal actor) {
        return new Rollout(r.id(), r.appId(), r.channel(), r.stableBundle(), r.targetBundle(), r.rollbackBundle(), bps,
                state, reason, r.plan(), r.stageIndex(), r.stageStartedAt(), r.health(), r.lastHealth(),
                lastAction(r, actor, now), r.revision() + 1, r.startedAt(), r.startedBy(), now, null);
    }

    private static void requireActive(Rollout r, String what) {
        if (!r.active()) {
            throw ApiError.conflict("Cannot " + what + " rollout " + r.id() + ": it is " + r.state().wireName()
                    + " (only a running or paused rollout can change)", "state");
        }
    }

    private static ApiError stateConflict(Rollout r, String verb, String needed) {
        return ApiError.conflict("Cannot " + verb + " rollout " + r.id() + ": it is " + r.state().wireName()
                + ", not " + needed, "state").with("state", r.state().wireName());
    }

    // ---- the rollback release (docs/rollouts.md §3) -------------------------------------------------------------

    /** A rollback release verified against the app's trust, not yet compared with the stable release. */
    private record Verified(Signatures.Release release, String text, JsonNode node) {
    }

    private Verified verify(String appId, byte[] envelope) {
        byte[] trust = db.inTransaction(c -> {
            AppStore.require(c, appId);
            return dev.patchbay.server.trust.TrustStore.find(c, appId);
        });
        if (trust == null) {
            throw new ApiError(409, "trust_missing", "App '" + appId + "' has no trust material registered", null);
        }
        Signatures.Release release;
        try {
            release = signatures.verify(envelope, trust);
        } catch (ApiError e) {
            throw new ApiError(400, e.code(), "Rollback release: " + e.getMessage(), "rollbackRelease");
        }
        if (!appId.equals(release.appId())) {
            throw ApiError.validation("rollbackRelease", "The rollback release is for app '" + release.appId()
                    + "', not '" + appId + "'");
        }
        try {
            dev.patchbay.server.bundles.Uploads.version("rollbackRelease", release.version());
        } catch (ApiError e) {
            throw ApiError.validation("rollbackRelease", "Rollback release: " + e.getMessage());
        }
        String text = new String(envelope, java.nio.charset.StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = Json.mapper().readTree(envelope).path("release");
        } catch (java.io.IOException e) {
            throw ApiError.validation("rollbackRelease", "The rollback release is not JSON");
        }
        return new Verified(release, text, node);
    }

    /**
     * Checks a verified rollback release against the stable release and the app's bundles, and publishes it (with
     * {@code rollback_of}); answers its version.
     */
    private String storeRollbackRelease(Connection c, Principal actor, String appId, String stable, Verified v,
                                        Instant now) throws SQLException {
        Signatures.Release rel = v.release();
        JsonNode stableRelease;
        try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, stable);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("App '" + appId + "' has no bundle version '" + stable + "'");
                }
                stableRelease = Json.mapper().readTree(rs.getString(1)).path("release");
            } catch (java.io.IOException e) {
                throw new SQLException("Stored envelope of " + stable + " is not JSON", e);
            }
        }
        if (!v.node().path("manifest").path("sha256").equals(stableRelease.path("manifest").path("sha256"))
                || !v.node().path("manifest").path("length").equals(stableRelease.path("manifest").path("length"))) {
            throw ApiError.validation("rollbackRelease", "The rollback release " + rel.version() + " has another"
                    + " manifest than " + stable + "; it must carry the stable bundle's content");
        }
        if (!v.node().path("blobs").equals(stableRelease.path("blobs"))) {
            throw ApiError.validation("rollbackRelease", "The rollback release " + rel.version() + " lists other"
                    + " blobs than " + stable + "; it must carry the stable bundle's content");
        }
        if (!v.node().path("nativeMin").equals(stableRelease.path("nativeMin"))
                || !v.node().path("nativeMax").equals(stableRelease.path("nativeMax"))) {
            throw ApiError.validation("rollbackRelease", "The rollback release " + rel.version() + " has another"
                    + " native version range than " + stable);
        }
        if (sequence(c, appId, rel.version()) != null) {
            throw ApiError.conflict("App '" + appId + "' already has a bundle version '" + rel.version() + "'",
                    "rollbackRelease");
        }
        long highest = Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(sequence) FROM bundles WHERE app_id = ?")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long m = rs.getLong(1);
                    highest = rs.wasNull() ? Long.MIN_VALUE : m;
                }
            }
        }
        if (rel.sequence() <= highest) {
            throw ApiError.conflict("The rollback release has sequence " + rel.sequence() + " but app '" + appId
                    + "' has already published sequence " + highest + "; it must be above every published one",
                    "rollbackRelease");
        }
        List<Signatures.SignedBlob> all = new ArrayList<>(rel.blobs());
        all.add(rel.manifest());
        long total = 0;
        for (Signatures.SignedBlob b : all) {
            long have;
            try {
                have = blobs == null ? -1 : blobs.size(b.sha256());
            } catch (java.io.IOException e) {
                throw new SQLException("Cannot read the blob store", e);
            }
            if (have != b.length()) {
                throw ApiError.validation("rollbackRelease", "Blob " + b.sha256() + " of the rollback release is not"
                        + " stored on the server");
            }
            total += b.length();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundles(app_id, version, sequence, envelope,"
                + " total_bytes, file_count, release_key_id, created_at, published_at, rollback_of)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, appId);
            ps.setString(2, rel.version());
            ps.setLong(3, rel.sequence());
            ps.setString(4, v.text());
            ps.setLong(5, total);
            ps.setInt(6, rel.blobs().size());
            ps.setString(7, rel.releaseKeyId());
            ps.setObject(8, Database.utc(rel.createdAt()));
            ps.setObject(9, Database.utc(now));
            ps.setString(10, stable);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Database.isDuplicate(e)) {
                throw ApiError.conflict("App '" + appId + "' already has a bundle with this version or sequence",
                        "rollbackRelease");
            }
            throw e;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bundle_blobs(app_id, version, sha256, length) VALUES (?, ?, ?, ?)")) {
            for (Signatures.SignedBlob b : all) {
                if (seen.add(b.sha256())) {
                    ps.setString(1, appId);
                    ps.setString(2, rel.version());
                    ps.setString(3, b.sha256());
                    ps.setLong(4, b.length());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        AuditLog.record(c, now, actor, "bundle.publish", appId, appId + "/" + rel.version(),
                "sequence=" + rel.sequence() + " rollbackOf=" + stable + " releaseKey=" + rel.releaseKeyId());
        return rel.version();
    }

    // ---- SQL helpers --------------------------------------------------------------------------------------------

    /** The channel's bundle (null = builtin), or 404 naming the channel. */
    private static String requireChannel(Connection c, String appId, String channel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT bundle_version FROM channels WHERE app_id = ? AND name = ?")) {
            ps.setString(1, appId);
            ps.setString(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ApiError(404, "not_found", "App '" + appId + "' has no channel named '" + channel + "'",
                            "channel");
                }
                return rs.getString(1);
            }
        }
    }

    private static void setChannelBundle(Connection c, String appId, String channel, String bundle, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE channels SET bundle_version = ?, updated_at = ? WHERE app_id = ? AND name = ?")) {
            ps.setString(1, bundle);
            ps.setObject(2, Database.utc(now));
            ps.setString(3, appId);
            ps.setString(4, channel);
            ps.executeUpdate();
        }
    }

    private static Long sequence(Connection c, String appId, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sequence FROM bundles WHERE app_id = ? AND version = ?")) {
            ps.setString(1, appId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Rollout findActive(Connection c, String appId, String channel, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE active_key = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, activeKey(appId, channel));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static Rollout lastEnded(Connection c, String appId, String channel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE app_id = ? AND channel = ?"
                + " AND active_key IS NULL ORDER BY started_at DESC, id DESC FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, appId);
            ps.setString(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static Rollout find(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM rollouts WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    static String activeKey(String appId, String channel) {
        return appId + "/" + channel;
    }

    private String newId() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Rollout read(ResultSet rs) throws SQLException {
        int stage = rs.getInt("stage_index");
        Integer stageIndex = rs.wasNull() ? null : stage;
        return new Rollout(rs.getString("id"), rs.getString("app_id"), rs.getString("channel"),
                rs.getString("stable_bundle"), rs.getString("target_bundle"), rs.getString("rollback_bundle"),
                rs.getInt("bps"), RolloutState.parse(rs.getString("state")), rs.getString("reason"),
                parse(rs.getString("plan_json"), RolloutPlan.class), stageIndex,
                Database.instant(rs.getObject("stage_started_at")),
                parse(rs.getString("health_json"), HealthPolicy.class),
                parse(rs.getString("last_health_json"), HealthReading.class),
                Database.instant(rs.getObject("last_action_at")), rs.getLong("revision"),
                Database.instant(rs.getObject("started_at")), Principal.displayActor(rs.getString("started_by")),
                Database.instant(rs.getObject("updated_at")), Database.instant(rs.getObject("ended_at")));
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static <T> T parse(String text, Class<T> type) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("Stored " + type.getSimpleName() + " is not readable: " + e.getMessage(), e);
        }
    }
}
