package dev.patchbay.server.cluster;

import dev.patchbay.server.store.Database;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes server instances on one database behave as one (ADR 0116, 0117), on one daemon thread: it follows the
 * change feed every {@link #POLL} (caches of other instances' writes are dropped within a second), keeps or takes the
 * leader lease every {@link #RENEW} (the leader runs the rollout supervisor and the retention job), and, as leader,
 * prunes the feed. A single embedded server runs the same code and is simply always the leader.
 */
public final class Cluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    public static final Duration POLL = Duration.ofMillis(200);
    public static final Duration RENEW = Duration.ofSeconds(1);
    public static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration KEEP_CHANGES = Duration.ofMinutes(10);

    private final Database db;
    private final String instance;
    private final ChangeFeed feed;
    private final LeaderLease lease;
    private final Runnable afterPoll;
    private ScheduledExecutorService timer;
    private volatile boolean leader;
    private long lastPrune;

    /**
     * @param afterPoll run on the cluster thread after each poll (the device change cursor samples its sequence)
     */
    public Cluster(Database db, Consumer<String> invalidateApp, Runnable invalidateAll, Runnable afterPoll) {
        this.db = db;
        this.instance = instanceName();
        this.feed = new ChangeFeed(db, invalidateApp, invalidateAll);
        this.lease = new LeaderLease(db, "leader", instance, LEASE);
        this.afterPoll = afterPoll;
        db.onCommit(ChangeFeed::append);
    }

    /** host/pid/random: unique per process, readable in the lease row. */
    static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "host";
        }
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        String name = host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + HexFormat.of().formatHex(r);
        return name.length() > 180 ? name.substring(name.length() - 180) : name;
    }

    /** Takes the lease if it is free (so a lone server leads from its first moment) and starts the thread. */
    public synchronized Cluster start() {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        renew();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-cluster");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::renew, RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void poll() {
        try {
            feed.poll();
            afterPoll.run();
        } catch (RuntimeException e) {
            LOG.warn("Reading the change feed failed; trying again: {}", e.toString());
        }
    }

    private void renew() {
        boolean now = lease.renew();
        if (now != leader) {
            leader = now;
            if (now) {
                LOG.info("Instance {} is the leader (fence {}): it runs the rollout supervisor", instance, lease.fence());
            } else {
                LOG.info("Instance {} is no longer the leader", instance);
            }
        }
        if (now && System.currentTimeMillis() - lastPrune > 60_000) {
            lastPrune = System.currentTimeMillis();
            try {
                ChangeFeed.prune(db, Instant.now().minus(KEEP_CHANGES));
            } catch (RuntimeException e) {
                LOG.debug("Pruning the change feed failed: {}", e.toString());
            }
        }
    }

    /** Whether this instance runs the single-instance jobs now. */
    public boolean leader() {
        return lease.held();
    }

    /** This instance's name in the lease row and the log. */
    public String instance() {
        return instance;
    }

    /** Reads the feed now (tests). */
    public int pollNow() {
        return feed.poll();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
        lease.release();
    }
}
