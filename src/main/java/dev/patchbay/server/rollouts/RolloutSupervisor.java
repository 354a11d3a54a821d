package dev.patchbay.server.rollouts;

import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.HealthVerdict;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.domain.rollout.RolloutState;
import dev.patchbay.server.http.ApiError;
import dev.patchbay.server.http.Principal;
import dev.patchbay.server.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's rollout supervisor (docs/rollouts.md §4): one thread that, every tick, reads the health of each active
 * rollout, stores it, fires the health action when failing (outside the cooldown), advances or promotes staged plans,
 * and writes a sample per rollout for the charts. A verb refused with 409 (someone changed the rollout meanwhile) is
 * tried again on the next tick with fresh data; no exception stops the schedule.
 */
public final class RolloutSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutSupervisor.class);
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(10);

    private final Database db;
    private final RolloutActions actions;
    private final HealthEvaluator evaluator;
    private final Clock clock;
    private final Runnable beforeTick;
    private final ReentrantLock ticking = new ReentrantLock();
    private ScheduledExecutorService timer;
    private volatile HealthWebhook webhook = HealthWebhook.none();
    private volatile java.util.function.BooleanSupplier leadership = () -> true;

    /**
     * @param beforeTick run first on every tick (the server flushes its buffered device check records, so the
     *                   samples see devices' current channel and bundle)
     */
    public RolloutSupervisor(Database db, RolloutActions actions, Clock clock, Runnable beforeTick) {
        this.db = db;
        this.actions = actions;
        this.evaluator = new HealthEvaluator(db);
        this.clock = clock;
        this.beforeTick = beforeTick;
    }

    /** Tells {@code hook} every time the health policy fires an action. */
    public RolloutSupervisor withWebhook(HealthWebhook hook) {
        this.webhook = hook == null ? HealthWebhook.none() : hook;
        return this;
    }

    /**
     * Scheduled ticks run only while {@code leader} says this instance leads (ADR 0117: one supervisor among instances
     * sharing a database); it is asked again before each rollout, so a leader that lost its lease mid-tick stops.
     */
    public RolloutSupervisor withLeadership(java.util.function.BooleanSupplier leader) {
        this.leadership = leader;
        return this;
    }

    /** Starts ticking every {@code tick} on its own daemon thread. */
    public synchronized RolloutSupervisor start(Duration tick) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-rollouts");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, tick.toMillis());
        timer.scheduleWithFixedDelay(this::scheduledTick, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    private void scheduledTick() {
        if (!leadership.getAsBoolean()) {
            return;
        }
        try {
            ticking.lock();
            try {
                tickLocked(clock.instant(), leadership);
            } finally {
                ticking.unlock();
            }
        } catch (Throwable e) {
            // An exception escaping a scheduled task would cancel every later tick.
            LOG.error("Rollout supervisor tick failed; trying again on the next tick", e);
        }
    }

    /** One pass over every active rollout at {@code now}. Public for tests, which drive it with their own clock. */
    public void tick(Instant now) {
        ticking.lock();
        try {
            tickLocked(now, () -> true);
        } finally {
            ticking.unlock();
        }
    }

    private void tickLocked(Instant now, java.util.function.BooleanSupplier leading) {
        beforeTick.run();
        List<Rollout> active = actions.active();
        for (Rollout r : active) {
            if (!leading.getAsBoolean()) {
                LOG.info("No longer the leader: the rest of this tick is left to the new one");
                return;
            }
            try {
                supervise(r, now);
            } catch (ApiError e) {
                if (e.status() == 409) {
                    LOG.info("Rollout {} ({}/{}): refused with 409 ({}); trying again on the next tick", r.id(),
                            r.appId(), r.channel(), e.getMessage());
                } else {
                    LOG.warn("Rollout {} ({}/{}): {}", r.id(), r.appId(), r.channel(), e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.error("Rollout {} ({}/{}) could not be supervised", r.id(), r.appId(), r.channel(), e);
            }
        }
    }

    private void supervise(Rollout r, Instant now) {
        // Without a policy the reading still feeds the charts and the plan's gate, but no action fires.
        HealthPolicy policy = r.health() != null ? r.health() : HealthPolicy.DEFAULT;
        HealthReading h = evaluator.evaluate(r, policy, now);
        Rollout after = r;
        boolean acted = false;
        ApiError refused = null;
        if (r.health() != null && h.verdict() == HealthVerdict.FAILING && outsideCooldown(r, policy, now)) {
            try {
                // A verb reaches the update checks of every instance (ADR 0116); readings and samples need not.
                after = db.noting(dev.patchbay.server.cluster.ChangeFeed.topic(r.appId()),
                        () -> act(r, policy.action(), h));
                acted = after != null;
                after = after == null ? r : after;
            } catch (ApiError e) {
                refused = e;
            }
            if (acted) {
                webhook.send(r, after, policy.action(), h, now);
            }
        }
        // The reading is stored even when the action was refused: the console shows why the policy wants to act.
        actions.recordHealth(r.id(), h, acted);
        if (refused != null) {
            throw refused;
        }
        if (!acted) {
            after = db.noting(dev.patchbay.server.cluster.ChangeFeed.topic(r.appId()), () -> plan(r, h, policy, now));
        }
        sample(after, h, now);
    }

    private static boolean outsideCooldown(Rollout r, HealthPolicy p, Instant now) {
        return r.lastActionAt() == null || !now.isBefore(r.lastActionAt().plusSeconds(p.cooldownSeconds()));
    }

    /** Fires the health action; null when it does not apply (pausing a paused rollout). */
    private Rollout act(Rollout r, HealthAction action, HealthReading h) {
        Principal actor = RolloutActions.HEALTH_POLICY;
        return switch (action) {
            case PAUSE -> r.state() == RolloutState.RUNNING
                    ? actions.pause(actor, r.appId(), r.channel(), h.reason() + ": paused", r.revision()) : null;
            case ROLLBACK -> actions.rollback(actor, r.appId(), r.channel(), h.reason() + ": rolled back", null,
                    r.revision());
            case NOTIFY -> {
                actions.notify(actor, r.id(), h.reason() + ": notified");
                yield r;
            }
        };
    }

    /** Advances or promotes a running automatic plan whose stage has soaked and whose gate holds; else nothing. */
    private Rollout plan(Rollout r, HealthReading h, HealthPolicy policy, Instant now) {
        RolloutPlan plan = r.plan();
        Integer index = r.stageIndex();
        // Below the first stage (a human set a lower percentage): the plan waits for a human too.
        if (r.state() != RolloutState.RUNNING || plan == null || !plan.auto() || index == null || index < 0
                || index >= plan.stages().size()) {
            return r;
        }
        RolloutStage stage = plan.stages().get(index);
        Instant stageStart = r.stageStartedAt() != null ? r.stageStartedAt() : r.startedAt();
        if (now.isBefore(stageStart.plusSeconds(stage.minSoakSeconds()))) {
            return r;
        }
        if (stage.healthGate() && h.verdict() != HealthVerdict.HEALTHY) {
            return r;
        }
        String why = " after " + soak(stage.minSoakSeconds()) + " soak, "
                + (stage.healthGate() ? "healthy (" + HealthEvaluator.numbers(h, policy) + ")" : "gate none");
        int n = plan.stages().size();
        if (index + 1 < n) {
            RolloutStage next = plan.stages().get(index + 1);
            return actions.advance(RolloutActions.PLAN, r.appId(), r.channel(), "plan: stage " + (index + 2) + " of "
                    + n + " (" + Rollout.percent(next.bps()) + ")" + why, r.revision());
        }
        if (stage.bps() == dev.patchbay.domain.RolloutBucket.FULL) {
            return actions.promote(RolloutActions.PLAN, r.appId(), r.channel(), "plan: promoted at stage " + n
                    + " of " + n + " (" + Rollout.percent(stage.bps()) + ")" + why, r.revision());
        }
        return r;
    }

    /** One row of {@code rollout_samples}: the channel's devices by current bundle, and the reading's numbers. */
    private void sample(Rollout r, HealthReading h, Instant now) {
        db.inTransaction(c -> {
            long stable = 0;
            long target = 0;
            long other = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT current_bundle, COUNT(*) FROM devices"
                    + " WHERE app_id = ? AND channel = ? GROUP BY current_bundle")) {
                ps.setString(1, r.appId());
                ps.setString(2, r.channel());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String b = rs.getString(1);
                        long count = rs.getLong(2);
                        if (b != null && b.equals(r.targetBundle())) {
                            target += count;
                        } else if (isStable(r, b)) {
                            stable += count;
                        } else {
                            other += count;
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(db.upsert("rollout_samples",
                    List.of("rollout_id", "at", "bps", "stable_devices", "target_devices", "other_devices", "attempts",
                            "failures", "lower_bound"), List.of("rollout_id", "at")))) {
                ps.setString(1, r.id());
                ps.setObject(2, Database.utc(now));
                ps.setInt(3, r.bps());
                ps.setLong(4, stable);
                ps.setLong(5, target);
                ps.setLong(6, other);
                ps.setLong(7, h.attempts());
                ps.setLong(8, h.failures());
                ps.setDouble(9, h.lowerBound());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The stable bundle, its rollback release (same content), or the builtin when the stable is the builtin. */
    static boolean isStable(Rollout r, String current) {
        if (r.stableBundle() == null) {
            return current == null || current.equals("builtin");
        }
        return r.stableBundle().equals(current) || (current != null && current.equals(r.rollbackBundle()));
    }

    /** 1 h, 15 min, 1 d, 90 s: how the plan's reasons name a soak time. */
    static String soak(long seconds) {
        if (seconds >= 86_400 && seconds % 86_400 == 0) {
            return seconds / 86_400 + " d";
        }
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        if (seconds >= 60 && seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }

    /** Stops the thread, waiting for a running tick to end. */
    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        // No interrupt: H2 closes its file when a thread is interrupted inside it. The running tick ends by itself.
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Rollout supervisor did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = null;
    }
}
