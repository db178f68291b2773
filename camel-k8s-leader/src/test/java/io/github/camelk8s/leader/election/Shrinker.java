package io.github.camelk8s.leader.election;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Makes a failing schedule smaller while it still fails the same rule: cuts the run just after the violation, drops
 * one fault at a time (each run is cheap, and faults dropped change the rest of the run, so every candidate schedule
 * is run again in full), and cuts again.
 */
final class Shrinker {

    private Shrinker() {
    }

    static Simulation.Result shrink(Simulation.Result failing, Function<LeaderElectionConfig, ElectionCore> cores) {
        return smallest(failing, r -> r.failed() ? r.violation().rule() : null, r -> r.schedule().kept(),
                (r, fault) -> Simulation.run(r.schedule().without(fault).cutAt(Long.MAX_VALUE), cores, 0),
                r -> cut(r, cores));
    }

    /**
     * Any kind of run: the smallest failing run found by dropping faults one at a time, each smaller run made
     * {@code tighter} (cut short, for the election's) once found.
     *
     * @param rule    the rule a run broke, or null if it passed
     * @param kept    the faults in force in a run's schedule
     * @param without the run of a run's schedule without one of its faults
     */
    static <R> R smallest(R failing, Function<R, String> rule, Function<R, int[]> kept,
                          BiFunction<R, Integer, R> without, UnaryOperator<R> tighter) {
        String broken = rule.apply(failing);
        R smallest = tighter.apply(failing);
        boolean dropped = true;
        while (dropped) {
            dropped = false;
            for (int fault : kept.apply(smallest)) {
                R fewer = without.apply(smallest, fault);
                if (broken.equals(rule.apply(fewer))) {
                    smallest = tighter.apply(fewer);
                    dropped = true;
                    break;
                }
            }
        }
        return smallest;
    }

    /** Ends the run at the first whole millisecond after the violation (the key records milliseconds). */
    private static Simulation.Result cut(Simulation.Result failing,
                                         Function<LeaderElectionConfig, ElectionCore> cores) {
        long end = (failing.violation().at() / VirtualTime.MILLIS + 1) * VirtualTime.MILLIS;
        Schedule shorter = failing.schedule().cutAt(end);
        Simulation.Result result = Simulation.run(shorter, cores, 0);
        return result.failed() && result.violation().rule().equals(failing.violation().rule()) ? result : failing;
    }
}
