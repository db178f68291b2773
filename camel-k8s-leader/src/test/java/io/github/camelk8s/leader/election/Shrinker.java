package io.github.camelk8s.leader.election;

import java.util.function.Function;

/**
 * Makes a failing schedule smaller while it still fails the same rule: cuts the run just after the violation, drops
 * one fault at a time (each run is cheap, and faults dropped change the rest of the run, so every candidate schedule
 * is run again in full), and cuts again.
 */
final class Shrinker {

    private Shrinker() {
    }

    static Simulation.Result shrink(Simulation.Result failing, Function<LeaderElectionConfig, ElectionCore> cores) {
        String rule = failing.violation().rule();
        Simulation.Result smallest = cut(failing, cores);
        boolean dropped = true;
        while (dropped) {
            dropped = false;
            for (int fault : smallest.schedule().kept()) {
                Simulation.Result fewer = Simulation.run(smallest.schedule().without(fault).cutAt(Long.MAX_VALUE),
                        cores, 0);
                if (fewer.failed() && fewer.violation().rule().equals(rule)) {
                    smallest = cut(fewer, cores);
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
