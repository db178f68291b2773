package io.github.camelk8s.leader.benchmarks;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code -Dbenchmarks.enforce=true}: the benchmark as a gate. The run still writes every figure first (a failing
 * run is the one whose page one wants to read); then, if any target of the scenarios that ran is not met, the
 * benchmark JVM exits with {@link #NOT_MET}, which fails the Maven build, after logging each target not met with
 * what was measured. Without the flag a target not met is only reported, as it always was.
 */
final class Gate {

    /** The exit status of a run with targets not met; 1 stays the status of a run that failed to measure. */
    static final int NOT_MET = 2;

    private Gate() {
    }

    /** The exit status for a run whose figures were written: {@link #NOT_MET} only when enforced and not met. */
    static int status(List<Results.Target> targets, boolean enforce) {
        return enforce && !notMet(targets).isEmpty() ? NOT_MET : 0;
    }

    static List<Results.Target> notMet(List<Results.Target> targets) {
        return targets.stream().filter(t -> !t.met()).toList();
    }

    /** What the log says when the gate fails: one line per target not met, with what was measured. */
    static String report(List<Results.Target> targets) {
        List<Results.Target> failed = notMet(targets);
        return failed.size() + " of " + targets.size() + " targets NOT MET (-Dbenchmarks.enforce=true):\n"
               + failed.stream().map(t -> "  - [" + t.scenario() + "] " + t.target() + ": " + t.measured()
                                          + (t.why().isEmpty() ? "" : " (" + t.why() + ")"))
                       .collect(Collectors.joining("\n"));
    }
}
