package io.github.camelk8s.leader.election;

import java.time.Duration;

/**
 * What happened, as the decision core is told it. Each input is given together with the local monotonic time and
 * the wall-clock time at which the driver observed it; the core reads no clock of its own.
 */
sealed interface ElectionInput {

    /** Begin competing. */
    record Start() implements ElectionInput {
    }

    /** A read answered: the Lease as it is now, or null if there is none. */
    record Read(LeaseSnapshot lease) implements ElectionInput {
    }

    /** A create or update succeeded: the Lease as the API server stored it. */
    record Written(LeaseSnapshot lease) implements ElectionInput {
    }

    /** A write was refused because the Lease changed or appeared since it was read (HTTP 409). */
    record Conflict(boolean watching) implements ElectionInput {
    }

    /**
     * A request failed or timed out: refused, unreachable, or its answer lost. A write may or may not have been
     * applied.
     */
    record Failed(RuntimeException error) implements ElectionInput {
    }

    /** The watch delivered a version of the Lease (added or modified). */
    record Watched(LeaseSnapshot lease) implements ElectionInput {
    }

    /**
     * The watch reported the Lease deleted; {@code finalStateUnknown} when a relist found it gone and the last
     * state known is older than the deletion.
     */
    record WatchedDeletion(boolean finalStateUnknown) implements ElectionInput {
    }

    /** A timer armed by the core fired; {@code watching}: whether the watch delivers events now. */
    record TimerFired(ElectionTimer timer, boolean watching) implements ElectionInput {
    }

    /** Stop competing; a leader steps down and, once its leader-only steps have ended, releases the Lease. */
    record Stop() implements ElectionInput {
    }

    /**
     * Step aside: stay out of the election for {@code duration}, or until {@link Resume} if null; a leader steps down
     * and releases first.
     */
    record Yield(Duration duration) implements ElectionInput {
    }

    /** End a yield now: compete again (a candidate that is not yielding ignores it). */
    record Resume() implements ElectionInput {
    }

    /**
     * Whether the rest of the process is ready (its other readiness checks), for a candidate with readinessGate:
     * while it is not, a follower does not compete and a leader steps down after readinessGracePeriod.
     */
    record Readiness(boolean ready) implements ElectionInput {
    }

    /** Every listener has been told the last LOST. */
    record LostDelivered() implements ElectionInput {
    }

    /** A leader-only step that {@link ElectionCore#tryBeginStep} let begin has ended. */
    record StepEnded() implements ElectionInput {
    }
}
