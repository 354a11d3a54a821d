package dev.patchbay.server.rollouts;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Staged rollouts (docs/rollouts.md §1, §3, §5): every verb checks the state machine and the optional
 * {@code expectedRevision}, then writes the rollout row, a {@code rollout_history} row, an audit entry and (rollback,
 * promote) the channel's bundle in one transaction. At most one active rollout per channel is kept by the unique
 * {@code active_key}. Starting is {@link RolloutStarter}, reads are {@link RolloutQueries}, the rollback release is
 * {@link RollbackReleaseStore} and the SQL of the rollout tables is {@link RolloutRows}; this class is the verbs on the
 * channel's rollout and the one entry point of the API and the supervisor.
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
    private final RollbackReleaseStore releases;
    private final RolloutQueries queries;
    private final RolloutStarter starter;
    private volatile java.util.function.Consumer<String> onChange = appId -> { };

    public RolloutService(Database db, Clock clock, Signatures signatures, BlobStore blobs) {
        this.db = db;
        this.clock = clock;
        this.releases = new RollbackReleaseStore(db, signatures, blobs);
        this.queries = new RolloutQueries(db);
        this.starter = new RolloutStarter(db, clock, releases);
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

    // ---- reads (RolloutQueries) ---------------------------------------------------------------------------------

    /** The channel's active rollout, else its last ended one, else 404 naming {@code rollout}. */
    public Rollout current(String appId, String channel) {
        return queries.current(appId, channel);
    }

    /** A page of the app's rollouts, newest first; {@code state} active, ended or all. */
    public List<Rollout> list(String appId, String state, int limit, String after) {
        return queries.list(appId, state, limit, after);
    }

    /** Every change of the rollout, oldest first; 404 if the app has no such rollout. */
    public List<Change> history(String appId, String rolloutId) {
        return queries.history(appId, rolloutId);
    }

    @Override
    public List<Rollout> active() {
        return queries.active();
    }

    /** The active rollouts of one app by channel (inside a caller's transaction; the device catalog). */
    public static Map<String, Rollout> activeIn(Connection c, String appId) throws SQLException {
        return RolloutQueries.activeIn(c, appId);
    }

    // ---- verbs --------------------------------------------------------------------------------------------------

    /** Starts the channel's rollout (RolloutStarter). */
    public Rollout start(Principal actor, String appId, String channel, Start s) {
        Rollout started = starter.start(actor, appId, channel, s);
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
        RollbackReleaseStore.Verified given = rollbackRelease == null ? null
                : releases.verify(appId, rollbackRelease);
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
                    rollbackBundle = releases.store(c, actor, appId, r.stableBundle(), given, now);
                } else if (rollbackBundle == null) {
                    throw ApiError.conflict("Rollout " + r.id() + " has no rollback release: devices on "
                            + r.targetBundle() + " refuse " + r.stableBundle() + " (lower sequence); send one built"
                            + " with the app's keys", "rollbackRelease");
                }
                serve = rollbackBundle;
            }
            RolloutRows.setChannelBundle(c, appId, channel, serve, now);
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
            RolloutRows.setChannelBundle(c, appId, channel, r.targetBundle(), now);
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
                ps.setString(1, RolloutRows.json(reading));
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
            Rollout r = RolloutRows.find(c, rolloutId, false);
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
            RolloutRows.requireChannel(c, appId, channel);
            Rollout r = RolloutRows.findActive(c, appId, channel, true);
            if (r == null) {
                r = RolloutRows.lastEnded(c, appId, channel);
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
            RolloutRows.update(c, next, restartHealth);
            RolloutRows.history(c, now, actor, action, r, next, reason);
            return next;
        });
        onChange.accept(appId);
        return changed;
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
}
