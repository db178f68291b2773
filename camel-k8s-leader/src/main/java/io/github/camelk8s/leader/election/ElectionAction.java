package io.github.camelk8s.leader.election;

/** What the decision core asks its driver to do; the driver carries the actions out in the order given. */
sealed interface ElectionAction {

    /** Send this request; its answer comes back as {@link ElectionInput.Read}, Written, Conflict or Failed. */
    record Send(LeaseRequest request) implements ElectionAction {
    }

    /** Arm the timer to fire at this local monotonic time, replacing the one armed before, if any. */
    record Arm(ElectionTimer timer, long atNanos) implements ElectionAction {
    }

    /** Cancel the timer. */
    record Cancel(ElectionTimer timer) implements ElectionAction {
    }

    /** Tell the listeners: this candidate became leader on the strength of the write just answered. */
    record Elected(LeaseRecord record) implements ElectionAction {
    }

    /** Tell the listeners: this candidate stopped leading, and why. Exactly one follows each {@link Elected}. */
    record Lost(LeaseRecord lastKnown, String reason) implements ElectionAction {
    }

    /** Tell the listeners: another candidate was observed holding the Lease. */
    record NewLeader(LeaseRecord record) implements ElectionAction {
    }

    /** The first outcome is known: this candidate leads, another holds a valid lease, or the candidate stopped. */
    record Decided() implements ElectionAction {
    }

    /** Worth logging; the driver picks the level from the kind. */
    record Report(Kind kind, String message) implements ElectionAction {

        enum Kind {
            /** A change of leadership, logged at the configured loggingLevel. */
            LEADERSHIP,
            /** A problem an operator should see (WARN). */
            PROBLEM,
            /** A problem solved (INFO). */
            RECOVERY,
            /** Detail for debugging (DEBUG). */
            DETAIL
        }
    }

    /** The candidate has stopped for good: no further request, timer or event follows. */
    record Stopped() implements ElectionAction {
    }
}
