package io.github.camelk8s.leader.election;

import java.util.function.IntFunction;

/**
 * One fault of a {@link Schedule}: what goes wrong, to whom, and when. Link faults hold from {@code start} to
 * {@code end}; the others happen at {@code start} and their effect lasts until {@code end} (a restart, the end of a
 * yield, the time followers need to notice an etcd restore).
 *
 * @param kind      what goes wrong
 * @param target    the process it strikes (an index into the schedule's processes), or {@link #EVERYONE}
 * @param start     virtual time it begins
 * @param end       virtual time it ends, or its effect does ({@code start} for a stop without restart)
 * @param magnitude kind-specific: a probability in per mille, a latency, a clock step or a yield, in nanoseconds
 */
record Fault(Kind kind, int target, long start, long end, long magnitude) {

    /** The target of faults of the API server itself, which strike every process alike. */
    static final int EVERYONE = -1;

    enum Kind {
        /** The target handles no input (timers, answers, watch events wait) while its clocks run on. */
        PAUSE,
        /** Connections refused: requests fail at once, the watch drops. To EVERYONE: the API server is down. */
        CUT,
        /** Packets dropped: requests hang until the client's timeout (some reach the server), the watch stalls. */
        BLACK_HOLE,
        /** Each request fails with probability magnitude/1000, in one of the ways real requests fail. */
        FLAKY,
        /** Up to magnitude nanoseconds added to each direction of each request. */
        SLOW,
        /** The watch is down, then relists. */
        WATCH_DROP,
        /** Up to magnitude nanoseconds added to the delivery of each watch event (still in order). */
        WATCH_LAG,
        /** GETs answered from a cache up to magnitude nanoseconds behind (EVERYONE). */
        STALE_READS,
        /** An etcd restore: the Lease keeps its content under a lower resourceVersion (EVERYONE). */
        RESOURCE_VERSION_RESET,
        /** kubectl delete lease (EVERYONE). */
        HAND_DELETE,
        /** The target's wall clock steps by magnitude nanoseconds (either way). */
        WALL_JUMP,
        /** Graceful stop (SIGTERM); a restart with the same identity at end, unless end is start. */
        STOP,
        /** Killed (SIGKILL), in-flight requests still land; restarts with the same identity at end, unless at start. */
        CRASH,
        /** The target yields leadership for magnitude nanoseconds. */
        YIELD;

        /** Whether the fault acts on the requests and the watch of its target rather than on the process. */
        boolean onLinks() {
            return this == CUT || this == BLACK_HOLE || this == FLAKY || this == SLOW || this == WATCH_DROP
                   || this == WATCH_LAG || this == STALE_READS;
        }

        boolean isLifecycle() {
            return this == STOP || this == CRASH || this == YIELD;
        }
    }

    boolean strikes(int process) {
        return target == EVERYONE || target == process;
    }

    /** One line, naming the target by {@code identity} (of a process index). */
    String describe(IntFunction<String> identity) {
        String who = target == EVERYONE ? "everyone" : identity.apply(target);
        String what = switch (kind) {
            case FLAKY -> " p=" + magnitude / 10.0 + "%";
            case SLOW, WATCH_LAG, STALE_READS -> " up to " + Schedule.format(magnitude);
            case WALL_JUMP -> " by " + (magnitude >= 0 ? "+" : "") + Schedule.format(magnitude);
            case YIELD -> " for " + Schedule.format(magnitude);
            case STOP, CRASH -> end > start ? ", restarts" : ", no restart";
            default -> "";
        };
        String span = kind.onLinks() || kind == Kind.PAUSE ? Schedule.format(start) + ".." + Schedule.format(end)
                : "at " + Schedule.format(start);
        return span + " " + kind + " " + who + what;
    }
}
