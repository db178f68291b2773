package io.github.camelk8s.leader.election;

import java.util.function.Function;


/**
 * What a failing schedule prints: the seed and the rule broken, the schedule, the last events of its trace (from a
 * replay with the trace on, which is the same run), the command that replays it, and the smallest schedule found
 * by {@link Shrinker} that still fails, with its own command.
 */
final class FailureReport {

    static final int TRACE_LINES = 60;

    /** One failing run as the report shows it. */
    record Shown(String key, SimulationInvariants.Violation violation, String description, String trace,
            String replay) {
    }

    private FailureReport() {
    }

    /** The report of a failing run of the real core ({@code mutant} null) or of a broken one. */
    static String of(Simulation.Result failing, CoreMutants mutant) {
        Function<LeaderElectionConfig, ElectionCore> cores = mutant == null ? Simulation.REAL_CORE : mutant::core;
        Simulation.Result traced = Simulation.run(failing.schedule(), cores, TRACE_LINES);
        Simulation.Result shrunk = Shrinker.shrink(failing, cores);
        Simulation.Result shrunkTraced = Simulation.run(shrunk.schedule(), cores, TRACE_LINES);
        return text(new Shown(failing.schedule().key(), failing.violation(), failing.schedule().describe(),
                        traced.trace(), command(failing.schedule(), mutant)),
                new Shown(shrunk.schedule().key(), shrunk.violation(), shrunk.schedule().describe(),
                        shrunkTraced.trace(), command(shrunk.schedule(), mutant)));
    }

    /** The report of a failing run and of the smallest failing one found from it. */
    static String text(Shown failing, Shown smallest) {
        return "violation in schedule " + failing.key() + " " + failing.violation().describe() + "\n"
               + failing.description()
               + "last " + TRACE_LINES + " events:\n" + failing.trace() + "\n"
               + "replay: " + failing.replay() + "\n"
               + "smallest failing schedule: " + smallest.violation().describe() + "\n"
               + smallest.description()
               + "last " + TRACE_LINES + " events:\n" + smallest.trace() + "\n"
               + "replay: " + smallest.replay() + "\n";
    }

    static String command(Schedule schedule, CoreMutants mutant) {
        return "mvn -B -o test -pl camel-k8s-leader -am -Dtest=SimulationTest -Dsimulation.seed=" + schedule.key()
               + (mutant == null ? "" : " -Dsimulation.mutant=" + mutant);
    }
}
