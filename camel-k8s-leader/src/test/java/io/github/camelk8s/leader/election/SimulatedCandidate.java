package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * One of our candidates: a process running the real {@link LeaseElector} and {@link ElectionCore} against the
 * simulated API server, with a leader-only work loop: now and then it asks {@link LeaseElector#tryBeginStep()}
 * and, if allowed, ends the step a random while later. It can be stopped (gracefully, maybe with steps in flight),
 * restarted with the same identity, crashed and made to yield.
 * <p>
 * The elector's event executor is this process's "event thread": what the driver hands it runs right after the
 * input that caused it, before the next input, the way a free thread would pick it up at once.
 * <p>
 * A {@link SimulatedMember} hosts one such candidacy per Lease: it shares the member's clock, and the member
 * starts and stops it as its rebalancing decides ({@link #compete()}, {@link #withdraw()}); its work loop runs
 * only while its elector does, and the member hears its ELECTED and LOST.
 */
final class SimulatedCandidate extends SimulatedProcess {

    final Schedule.PodSpec spec;
    private final SimulatedElection election;
    private final ArrayDeque<Runnable> eventThread = new ArrayDeque<>();
    /** The current elector's lifetime, from its start to its stop; null before the first start and once dead. */
    Run run;
    private long restartAt = -1;
    /** The member hosting this candidacy; null for a pod of its own. */
    private final Host host;
    /** Whether it has a leader-only work loop at all. */
    private final boolean working;
    /** Whether the work loop is scheduled (a hosted candidacy's loop ends with its elector). */
    private boolean stepping;
    /** Whether the hosting member wants this candidacy to compete. */
    private boolean wanted;

    /** What a hosting member hears of its candidacy: each ELECTED and LOST, and each stop of an elector. */
    interface Host extends LeadershipListener {
        default void stopped() {
        }
    }

    /** One elector, from its start until it stopped or the process died. */
    final class Run implements LeadershipListener {
        final SimulationInvariants.Standing standing;
        final SimulatedWatch watch;
        LeaseElector elector;
        boolean stopRequested;
        boolean stopped;

        private Run(SimulationInvariants.Standing standing, SimulatedWatch watch) {
            this.standing = standing;
            this.watch = watch;
        }

        boolean isCompeting() {
            return !stopRequested && !stopped;
        }

        @Override
        public void elected(LeaseRecord record) {
            election.invariants().elected(standing);
        }

        @Override
        public void lost(LeaseRecord lastKnown) {
            election.invariants().lost(standing);
        }
    }

    SimulatedCandidate(int index, Schedule.PodSpec spec, SimulatedElection election, SplittableRandom random) {
        this(index, spec, election,
                new SimulatedClock(election.time(), spec.monotonicOffset(), spec.driftPpm(), spec.wallAtZero()),
                random, null, true);
    }

    /**
     * A candidacy of the member whose clock is {@code clock}, hosted by {@code host}. Without
     * {@code leaderOnlyWork} it runs no work loop: a member slot's candidacy, which leads nothing but the slot.
     */
    SimulatedCandidate(int index, Schedule.PodSpec spec, SimulatedElection election, SimulatedClock clock,
                       SplittableRandom random, Host host, boolean leaderOnlyWork) {
        super(index, spec.config().identity(), clock, election.time(), random);
        this.spec = spec;
        this.election = election;
        this.host = host;
        this.working = leaderOnlyWork;
    }

    @Override
    void afterInput() {
        for (Runnable task = eventThread.poll(); task != null; task = eventThread.poll()) {
            task.run();
        }
    }

    /** Starts an elector (the first, or after a stop or crash) and, with the first, the work loop. */
    void start() {
        if (run != null && !run.stopped) {
            return;
        }
        boolean first = run == null;
        LeaderElectionConfig config = spec.config();
        SimulationInvariants.Standing standing = election.invariants().started(this, config);
        SimulatedWatch watch = new SimulatedWatch(this, election.server(), election.network(), election.trace());
        Run next = new Run(standing, watch);
        ElectionScheduler scheduler = (task, delay) -> at(time.now() + clock.virtualDelay(delay), task);
        next.elector = new LeaseElector(config, election.core(config), new SimulatedLeaseStore(this, standing,
                election, spec.requestTimeout()), watch, clock, scheduler, eventThread::add, () -> stopped(next));
        next.elector.addListener(next);
        if (host != null) {
            next.elector.addListener(host);
        }
        run = next;
        election.trace().line(identity, "start");
        next.elector.start();
        if (working && (first || host != null && !stepping)) {
            stepping = true;
            nextStep(false);
        }
    }

    /**
     * Competes from now on, as the hosting member asks: starts an elector unless one is competing already; while
     * the last one is still stopping (its release not yet written), a new one starts once it has stopped.
     */
    void compete() {
        wanted = true;
        if (run == null || run.stopped) {
            start();
        }
    }

    /** Stops competing, as the hosting member asks: the elector stops, releasing the Lease if it leads it. */
    void withdraw() {
        wanted = false;
        if (run != null && run.isCompeting()) {
            stop(-1);
        }
    }

    /** A graceful stop (SIGTERM); restarts with the same identity at {@code restartAt}, or never if negative. */
    void stop(long restartAt) {
        if (run == null || !run.isCompeting()) {
            return;
        }
        run.stopRequested = true;
        this.restartAt = restartAt;
        election.trace().line(identity, "stop requested");
        run.elector.requestStop();
    }

    private void stopped(Run stopped) {
        stopped.stopped = true;
        election.invariants().stopped(stopped.standing);
        election.trace().line(identity, "stopped");
        if (restartAt >= 0 && stopped == run) {
            at(Math.max(time.now(), restartAt), this::start);
            restartAt = -1;
        } else if (host != null && stopped == run) {
            host.stopped();
            // the member may have wanted it back while it stopped: the next input starts a new elector if it still does
            at(time.now(), () -> {
                if (wanted) {
                    start();
                }
            });
        }
    }

    /** SIGKILL: no release, no LOST; requests in flight still land. Restarts at {@code restartAt} unless negative. */
    void crash(long restartAt) {
        if (run == null) {
            return;
        }
        die();
        eventThread.clear();
        run.watch.close();
        election.invariants().crashed(run.standing);
        election.trace().line(identity, "crashed");
        run = null;
        stepping = false;
        wanted = false;
        this.restartAt = -1;
        if (restartAt >= 0) {
            at(restartAt, this::start);
        }
    }

    void yieldFor(long nanos) {
        if (run != null && run.isCompeting()) {
            election.trace().line(identity, "yields for " + Schedule.format(nanos));
            try {
                run.elector.yieldLeadership(Duration.ofNanos(nanos));
            } catch (IllegalStateException notRunning) {
                // still starting or already stopping: a yield has nothing to act on
            }
        }
    }

    /** This process's leader check, if it could run it now. */
    boolean passesLeaderCheck() {
        return run != null && !run.stopped && !isPaused() && run.elector.isLeader();
    }

    // ---- the leader-only work loop

    /** The next attempt: soon after a step began, later after a refusal (a follower's routes are mostly idle). */
    private void nextStep(boolean began) {
        long gap = began ? spec.stepGapMax() : 4 * spec.stepGapMax();
        at(time.now() + Schedule.between(random, VirtualTime.MILLIS, gap), this::tryStep);
    }

    private void tryStep() {
        Run current = run;
        if (host != null && (current == null || current.stopped)) {
            // a hosted candidacy's loop ends with its elector; the next start begins another
            stepping = false;
            return;
        }
        boolean began = false;
        if (current != null && !current.stopped) {
            FencingToken term = current.elector.tryBeginStep((FencingToken) null);
            began = term != null;
            election.invariants().stepAttempted(current.standing, term);
            if (began) {
                election.trace().line(identity, "step begins");
                at(time.now() + Schedule.between(random, 0, spec.stepDurationMax()), () -> endStep(current));
            }
        }
        nextStep(began);
    }

    private void endStep(Run stepOf) {
        election.invariants().stepEnded(stepOf.standing);
        election.trace().line(identity, "step ends");
        stepOf.elector.endStep();
    }
}
