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
 */
final class SimulatedCandidate extends SimulatedProcess {

    final Schedule.PodSpec spec;
    private final Simulation simulation;
    private final ArrayDeque<Runnable> eventThread = new ArrayDeque<>();
    /** The current elector's lifetime, from its start to its stop; null before the first start and once dead. */
    Run run;
    private long restartAt = -1;

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
            simulation.invariants.elected(standing);
        }

        @Override
        public void lost(LeaseRecord lastKnown) {
            simulation.invariants.lost(standing);
        }
    }

    SimulatedCandidate(int index, Schedule.PodSpec spec, Simulation simulation, SplittableRandom random) {
        super(index, spec.config().identity(),
                new SimulatedClock(simulation.time, spec.monotonicOffset(), spec.driftPpm(), spec.wallAtZero()),
                simulation.time, random);
        this.spec = spec;
        this.simulation = simulation;
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
        SimulationInvariants.Standing standing = simulation.invariants.started(this, config);
        SimulatedWatch watch = new SimulatedWatch(this, simulation.server, simulation.network, simulation.trace);
        Run next = new Run(standing, watch);
        ElectionScheduler scheduler = (task, delay) -> at(time.now() + clock.virtualDelay(delay), task);
        next.elector = new LeaseElector(config, simulation.core(config), new SimulatedLeaseStore(this, standing,
                simulation, spec.requestTimeout()), watch, clock, scheduler, eventThread::add, () -> stopped(next));
        next.elector.addListener(next);
        run = next;
        simulation.trace.line(identity, "start");
        next.elector.start();
        if (first) {
            nextStep(false);
        }
    }

    /** A graceful stop (SIGTERM); restarts with the same identity at {@code restartAt}, or never if negative. */
    void stop(long restartAt) {
        if (run == null || !run.isCompeting()) {
            return;
        }
        run.stopRequested = true;
        this.restartAt = restartAt;
        simulation.trace.line(identity, "stop requested");
        run.elector.requestStop();
    }

    private void stopped(Run stopped) {
        stopped.stopped = true;
        simulation.invariants.stopped(stopped.standing);
        simulation.trace.line(identity, "stopped");
        if (restartAt >= 0 && stopped == run) {
            at(Math.max(time.now(), restartAt), this::start);
            restartAt = -1;
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
        simulation.invariants.crashed(run.standing);
        simulation.trace.line(identity, "crashed");
        run = null;
        this.restartAt = -1;
        if (restartAt >= 0) {
            at(restartAt, this::start);
        }
    }

    void yieldFor(long nanos) {
        if (run != null && run.isCompeting()) {
            simulation.trace.line(identity, "yields for " + Schedule.format(nanos));
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
        boolean began = false;
        if (current != null && !current.stopped) {
            began = current.elector.tryBeginStep();
            simulation.invariants.stepAttempted(current.standing, began);
            if (began) {
                simulation.trace.line(identity, "step begins");
                at(time.now() + Schedule.between(random, 0, spec.stepDurationMax()), () -> endStep(current));
            }
        }
        nextStep(began);
    }

    private void endStep(Run stepOf) {
        simulation.invariants.stepEnded(stepOf.standing);
        simulation.trace.line(identity, "step ends");
        stepOf.elector.endStep();
    }
}
