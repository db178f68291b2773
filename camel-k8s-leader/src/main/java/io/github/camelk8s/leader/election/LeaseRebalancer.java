package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the Leases one member takes part in evenly over its group's live members, at watch speed: the driver of
 * {@link RebalancingCore}. Created by {@link LeaseElectorFactory#createRebalancer}.
 * <p>
 * It feeds the core the holder of every Lease of the namespace as the shared Lease watch sees it, and the group's
 * members as the {@link GroupMembership} it follows reports them, and after each input tells the {@link Candidacy}
 * which Leases to compete for and which no longer. Nothing is polled: a member joining or leaving, a Lease released
 * or taken, is acted on when the watch brings it; the only timers are the membership's slot expiry and the core's
 * grace.
 * <p>
 * The candidacy changes run on a thread of this rebalancer's, one at a time and in the order decided, because
 * withdrawing from a Lease that this member leads waits for the leader's LOST listeners and the release (a
 * {@code ClusteredRoutePolicy} stops its routes inside LOST). The thread ends when idle.
 * <p>
 * While the watch is down, the core keeps the holders last seen: the spread may then be stale, but who leads is
 * still decided by each Lease's election, whose rules hold whatever the core decides.
 */
public final class LeaseRebalancer implements MembershipListener {

    /** Starts and stops this member's candidacy for a Lease. */
    @FunctionalInterface
    public interface Candidacy {
        /**
         * Compete for the Lease, or stop competing (releasing it if this member leads it). Called on the
         * rebalancer's own thread, one call at a time; may block until the release is done.
         */
        void compete(String leaseName, boolean compete);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LeaseRebalancer.class);

    /** How long a join waits for others before Leases move: well within the 2 s a join may take to spread. */
    static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final LeaderElectionConfig timings;
    private final NamespaceLeaseWatch watch;
    private final ElectionClock clock;
    private final ElectionScheduler scheduler;
    private final Candidacy candidacy;
    private final Runnable onStop;
    private final NamespaceObserver holders = new HolderObserver();
    private final ExecutorService moves;

    // guarded by this
    private final RebalancingCore core;
    private final Set<String> competing = new TreeSet<>();
    private boolean running;
    private boolean stopped;
    /** Due at the end of the next grace. */
    private final DueTask reviewTimer;
    /** The members the core has; those told since, while a join settles; the settle timer. */
    private List<String> applied = List.of();
    private List<String> pendingMembers;
    private ElectionScheduler.Scheduled settleTimer;

    LeaseRebalancer(LeaderElectionConfig timings, NamespaceLeaseWatch watch, ElectionClock clock,
                    ElectionScheduler scheduler, Candidacy candidacy, Runnable onStop) {
        this.timings = timings;
        this.watch = watch;
        this.clock = clock;
        this.scheduler = scheduler;
        this.candidacy = candidacy;
        this.onStop = onStop;
        this.core = new RebalancingCore(timings.identity(), timings.leaseDuration().toNanos());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "k8s-leader-rebalancer-" + timings.identity());
                    thread.setDaemon(true);
                    return thread;
                });
        this.moves = pool;
        this.reviewTimer = new DueTask(scheduler, this::reviewDue);
    }

    /**
     * Observes the namespace's Leases; until a membership is followed, this member is no member of the spread.
     * Called once, by the factory that created it.
     */
    void observe() {
        synchronized (this) {
            running = true;
        }
        watch.observeAll(holders);
    }

    /** Takes the members from {@code membership} from now on, starting with those it knows now. */
    public void follow(GroupMembership membership) {
        membership.addListener(this);
        membersChanged(membership.members());
    }

    /**
     * Stops taking the members from {@code membership}, keeping the spread as it is: called before the membership
     * ends, so that this member's Leases stay where they are until {@link #stop()} withdraws from them, after the
     * others have seen it leave. Reacting to its own leaving instead would release its Leases while the others still
     * count it a member, give some of them back to it, and take them only once its slot's release reaches them.
     */
    public void unfollow(GroupMembership membership) {
        membership.removeListener(this);
    }

    /**
     * A member that joins is taken in {@link #SETTLE_NANOS} later, with whatever else joined meanwhile: pods started
     * together (a rollout, a scale-up) join within moments of each other, and spreading for each in turn would move
     * a Lease once towards the first and again towards the next. A member that leaves is acted on at once, since
     * its Leases are being released or expiring and each must be taken as soon as it is free.
     */
    @Override
    public synchronized void membersChanged(List<String> members) {
        if (!running) {
            return;
        }
        boolean joined = !Set.copyOf(applied).containsAll(members);
        pendingMembers = List.copyOf(members);
        if (!joined) {
            applyMembers();
        } else if (settleTimer == null) {
            try {
                settleTimer = scheduler.schedule(this::settled, SETTLE_NANOS);
            } catch (RejectedExecutionException e) {
                // the factory is closed, and stops this rebalancer
            }
        }
    }

    private synchronized void settled() {
        settleTimer = null;
        if (running && pendingMembers != null) {
            applyMembers();
        }
    }

    private void applyMembers() {
        if (settleTimer != null) {
            settleTimer.cancel();
            settleTimer = null;
        }
        applied = pendingMembers;
        pendingMembers = null;
        core.members(applied, clock.nanoTime());
        review();
    }

    /**
     * The Lease joins the spread. Returns whether to compete for it now, as decided from what this member knows; a
     * later change is told to the {@link Candidacy}.
     */
    public synchronized boolean add(String leaseName) {
        if (!running) {
            return false;
        }
        core.add(leaseName, clock.nanoTime());
        Set<String> compete = core.competeFor(clock.nanoTime());
        if (compete.contains(leaseName)) {
            // decided here, for the caller to act on at once; review() tells the Candidacy of the others only
            competing.add(leaseName);
        }
        review();
        return competing.contains(leaseName);
    }

    /** The Lease leaves the spread; the caller stops its candidacy itself. */
    public synchronized void remove(String leaseName) {
        core.remove(leaseName);
        competing.remove(leaseName);
        review();
    }

    /** Whether this member competes for the Lease now. */
    public synchronized boolean competes(String leaseName) {
        return competing.contains(leaseName);
    }

    /**
     * Stops rebalancing: withdraws from every Lease it competes for (which releases those this member leads), and
     * waits for that.
     */
    public void stop() {
        List<String> withdraw;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = false;
            withdraw = new ArrayList<>(competing);
            competing.clear();
            reviewTimer.cancel();
            if (settleTimer != null) {
                settleTimer.cancel();
            }
        }
        watch.removeNamespaceObserver(holders);
        try {
            moves.submit(() -> withdraw.forEach(lease -> apply(lease, false))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RejectedExecutionException e) {
            LOG.warn("{}: cannot withdraw from {}: {}", timings.identity(), withdraw, e.toString());
        }
        moves.shutdown();
        onStop.run();
    }

    // ---- under this object's lock ------------------------------------------------------------------------------

    /** Asks the core, hands every change of candidacy to the moves thread, and re-arms the grace timer. */
    private void review() {
        if (!running) {
            return;
        }
        long now = clock.nanoTime();
        Set<String> compete = core.competeFor(now);
        for (String lease : new ArrayList<>(competing)) {
            if (!compete.contains(lease)) {
                competing.remove(lease);
                moves.execute(() -> apply(lease, false));
            }
        }
        for (String lease : compete) {
            if (competing.add(lease)) {
                moves.execute(() -> apply(lease, true));
            }
        }
        reviewTimer.dueAt(core.nextReview(now), now);
    }

    private synchronized void reviewDue() {
        reviewTimer.ran();
        review();
    }

    /**
     * On the moves thread. A decision reversed before it ran is skipped: {@code competing} holds the latest one,
     * and the reversal is queued behind it (so the {@link Candidacy} sees repeats, never a stale order).
     */
    private void apply(String lease, boolean compete) {
        synchronized (this) {
            if (compete != competing.contains(lease)) {
                return;
            }
        }
        LOG.debug("{}: {} Lease {}", timings.identity(), compete ? "competing for" : "handing over", lease);
        try {
            candidacy.compete(lease, compete);
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot {} Lease {}: {}", timings.identity(), compete ? "compete for" : "withdraw from",
                    lease, e.toString(), e);
        }
    }

    /** Feeds every Lease's holder to the core, with the local time it was seen. */
    private final class HolderObserver implements NamespaceObserver {
        @Override
        public void leaseChanged(String leaseName, LeaseSnapshot lease) {
            synchronized (LeaseRebalancer.this) {
                // a renewal changes no holder: one event per renewalInterval per Lease, most of them that
                if (core.holder(leaseName, lease.record().holderIdentity(), clock.nanoTime())) {
                    review();
                }
            }
        }

        @Override
        public void leaseDeleted(String leaseName) {
            synchronized (LeaseRebalancer.this) {
                core.deleted(leaseName, clock.nanoTime());
                review();
            }
        }
    }

    String namespace() {
        return timings.namespace();
    }

    @Override
    public String toString() {
        return "LeaseRebalancer[" + timings.identity() + " in " + timings.namespace() + "]";
    }
}
