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

    static String of(Simulation.Result failing) {
        Function<LeaderElectionConfig, ElectionCore> cores = Simulation.REAL_CORE;
        Simulation.Result traced = Simulation.run(failing.schedule(), cores, TRACE_LINES);
        Simulation.Result shrunk = Shrinker.shrink(failing, cores);
        Simulation.Result shrunkTraced = Simulation.run(shrunk.schedule(), cores, TRACE_LINES);
        return "violation in schedule " + failing.schedule().key() + " " + failing.violation().describe() + "\n"
               + failing.schedule().describe()
               + "last " + TRACE_LINES + " events:\n" + traced.trace() + "\n"
               + "replay: " + command(failing.schedule()) + "\n"
               + "smallest failing schedule: " + shrunk.violation().describe() + "\n"
               + shrunk.schedule().describe()
               + "last " + TRACE_LINES + " events:\n" + shrunkTraced.trace() + "\n"
               + "replay: " + command(shrunk.schedule()) + "\n";
    }

    static String command(Schedule schedule) {
        return "mvn -B -o test -pl camel-k8s-leader -Dtest=SimulationTest -Dsimulation.seed=" + schedule.key();
    }
}
