package io.github.camelk8s.leader.election;

import java.util.function.Function;


/**
 * What a failing schedule prints: the seed and the rule broken, the schedule, the last events of its trace (from a
 * replay with the trace on, which is the same run), the command that replays it, and the smallest schedule found
 * by {@link Shrinker} that still fails, with its own command.
 */
final class FailureReport {

    static final int TRACE_LINES = 60;

    private FailureReport() {
    }

    /** The report of a failing run of the real core ({@code mutant} null) or of a broken one. */
    static String of(Simulation.Result failing, CoreMutants mutant) {
        Function<LeaderElectionConfig, ElectionCore> cores = mutant == null ? Simulation.REAL_CORE : mutant::core;
        Simulation.Result traced = Simulation.run(failing.schedule(), cores, TRACE_LINES);
        Simulation.Result shrunk = Shrinker.shrink(failing, cores);
        Simulation.Result shrunkTraced = Simulation.run(shrunk.schedule(), cores, TRACE_LINES);
        return "violation in schedule " + failing.schedule().key() + " " + failing.violation().describe() + "\n"
               + failing.schedule().describe()
               + "last " + TRACE_LINES + " events:\n" + traced.trace() + "\n"
               + "replay: " + command(failing.schedule(), mutant) + "\n"
               + "smallest failing schedule: " + shrunk.violation().describe() + "\n"
               + shrunk.schedule().describe()
               + "last " + TRACE_LINES + " events:\n" + shrunkTraced.trace() + "\n"
               + "replay: " + command(shrunk.schedule(), mutant) + "\n";
    }

    static String command(Schedule schedule, CoreMutants mutant) {
        return "mvn -B -o test -pl camel-k8s-leader -am -Dtest=SimulationTest -Dsimulation.seed=" + schedule.key()
               + (mutant == null ? "" : " -Dsimulation.mutant=" + mutant);
    }
}
