package io.github.camelk8s.leader.election;

import java.util.function.Function;

/**
 * The election of one Lease as its candidates see it in the simulator: the one timeline, the trace, the Lease's
 * API server and the network to it, the invariants that judge the election, and the core under test. A
 * {@link Simulation} has one; a run with many Leases one per Lease, all on the same timeline.
 *
 * @param cores the core each candidate runs: {@link Simulation#REAL_CORE} or a broken one
 */
record SimulatedElection(VirtualTime time, Trace trace, SimulationInvariants invariants, SimulatedApiServer server,
        SimulatedNetwork network, Function<LeaderElectionConfig, ElectionCore> cores) {

    /** The core of a new candidate: the real one writes its conversation to the trace when the trace is on. */
    ElectionCore core(LeaderElectionConfig config) {
        return cores == Simulation.REAL_CORE && trace.on() ? new TracingCore(config, trace) : cores.apply(config);
    }
}
