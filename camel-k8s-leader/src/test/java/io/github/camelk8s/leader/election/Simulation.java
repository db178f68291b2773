package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One deterministic run of a {@link Schedule}: our candidates (the real driver and core, or a broken core), the
 * client-go candidate if any, the simulated API server and network, all on one virtual timeline in one thread,
 * every choice drawn from the schedule's seed. It ends at the first violation of the {@link SimulationInvariants},
 * or once the run has been judged at rest.
 */
final class Simulation {

    /** The core under test: the production one. */
    static final Function<LeaderElectionConfig, ElectionCore> REAL_CORE = ElectionCore::new;
    /** Around where the API server's resourceVersions begin: far above what an etcd restore goes back to. */
    static final long FIRST_RESOURCE_VERSION = 1_000_000_000_000L;

    /** How a run ended. */
    record Result(Schedule schedule, SimulationInvariants.Violation violation, long events, long endedAt,
            String trace) {
        boolean failed() {
            return violation != null;
        }
    }

    final Schedule schedule;
    final VirtualTime time = new VirtualTime();
    final Trace trace;
    final SplittableRandom random;
    final SimulationInvariants invariants;
    final SimulatedApiServer server;
    final SimulatedNetwork network;
    private final List<SimulatedCandidate> pods = new ArrayList<>();
    private final ClientGoCandidate clientGo;

    private Simulation(Schedule schedule, Function<LeaderElectionConfig, ElectionCore> cores, int traceLines) {
        this.schedule = schedule;
        this.trace = traceLines > 0 ? new Trace(time, traceLines) : Trace.OFF;
        this.random = schedule.runtimeRandom();
        this.invariants = new SimulationInvariants(time, schedule, trace);
        this.server = new SimulatedApiServer(time, invariants, trace,
                FIRST_RESOURCE_VERSION + random.nextLong(FIRST_RESOURCE_VERSION));
        this.network = new SimulatedNetwork(time, random, server);
        SimulatedElection election = new SimulatedElection(time, trace, invariants, server, network, cores);
        for (int i = 0; i < schedule.pods().size(); i++) {
            pods.add(new SimulatedCandidate(i, schedule.pods().get(i), election, random));
        }
        this.clientGo = schedule.clientGo() == null ? null
                : new ClientGoCandidate(pods.size(), schedule.clientGo(), election, random);
        invariants.attach(List.copyOf(pods), clientGo, network);
    }

    /** Runs {@code schedule} with the given cores, keeping the last {@code traceLines} lines of its trace. */
    static Result run(Schedule schedule, Function<LeaderElectionConfig, ElectionCore> cores, int traceLines) {
        return new Simulation(schedule, cores, traceLines).run();
    }

    private Result run() {
        for (SimulatedCandidate pod : pods) {
            pod.at(pod.spec.startAt(), pod::start);
        }
        if (clientGo != null) {
            clientGo.at(schedule.clientGo().startAt(), clientGo::start);
        }
        for (Fault fault : schedule.faults()) {
            time.at(fault.start(), () -> begin(fault));
            time.at(schedule.effectEnd(fault), () -> end(fault));
        }
        time.at(schedule.quietAt(), invariants::quiet);
        time.at(schedule.quietAt() + invariants.livenessBound(), invariants::livenessDue);
        try {
            while (!invariants.failed() && time.runNext(Math.min(invariants.endAt(), schedule.until()))) {
                // one event at a time
            }
            if (!invariants.failed() && schedule.until() == Long.MAX_VALUE) {
                invariants.atEnd();
            }
        } catch (RuntimeException e) {
            // the driver or the core threw: as much a bug as a broken rule
            invariants.thrown(e);
        }
        return new Result(schedule, invariants.violation(), time.events(), time.now(), trace.lines());
    }

    private void begin(Fault fault) {
        network.begin(fault);
        invariants.disturbed(fault);
        if (trace.on()) {
            trace.line("fault", "begins: " + fault.describe(schedule::identity));
        }
        long restart = fault.end() > fault.start() ? fault.end() : -1;
        switch (fault.kind()) {
            case PAUSE -> pods.get(fault.target()).pause();
            case CUT, BLACK_HOLE, WATCH_DROP -> linksChanged(fault);
            case RESOURCE_VERSION_RESET -> server.restore();
            case HAND_DELETE -> server.deleteByHand();
            case WALL_JUMP -> pods.get(fault.target()).clock.jumpWall(fault.magnitude());
            case STOP -> {
                if (fault.target() < pods.size()) {
                    SimulatedCandidate pod = pods.get(fault.target());
                    pod.at(time.now(), () -> pod.stop(restart));
                } else {
                    clientGo.at(time.now(), () -> clientGo.stop(restart));
                }
            }
            case CRASH -> pods.get(fault.target()).crash(restart);
            case YIELD -> {
                SimulatedCandidate pod = pods.get(fault.target());
                pod.at(time.now(), () -> pod.yieldFor(fault.magnitude()));
            }
            default -> {
                // FLAKY, SLOW, WATCH_LAG, STALE_READS act on each request or event as it goes
            }
        }
    }

    private void end(Fault fault) {
        network.end(fault);
        invariants.disturbed(fault);
        if (trace.on()) {
            trace.line("fault", "ends: " + fault.describe(schedule::identity));
        }
        if (fault.kind() == Fault.Kind.PAUSE) {
            pods.get(fault.target()).resume();
            invariants.resumed();
        } else if (fault.kind() == Fault.Kind.CUT || fault.kind() == Fault.Kind.BLACK_HOLE
                   || fault.kind() == Fault.Kind.WATCH_DROP) {
            linksChanged(fault);
        }
    }

    private void linksChanged(Fault fault) {
        for (SimulatedCandidate pod : pods) {
            if (fault.strikes(pod.index) && pod.run != null) {
                pod.run.watch.linkChanged();
            }
        }
    }
}
