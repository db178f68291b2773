package io.github.camelk8s.leader.election;

/**
 * Told of one candidate's leadership. Calls for one elector arrive one at a time and in order, on an event thread
 * of their own: never on the elector's timing thread, so a slow listener (stopping a route that drains in-flight
 * exchanges) cannot delay a renewal or a step-down.
 */
public interface LeadershipListener {

    /** This candidate became leader: the write that made it holder has succeeded. */
    default void elected(LeaseRecord record) {
    }

    /**
     * This candidate is no longer leader: it stepped down (renewDeadline passed without a successful renewal),
     * observed another holder, or was stopped. Exactly once per {@link #elected}.
     */
    default void lost(LeaseRecord lastKnown) {
    }

    /**
     * Another candidate was observed holding the lease, including the first observation after start, so a
     * candidate that starts as a follower learns who leads. Not called for this candidate's own terms: those are
     * {@link #elected}.
     */
    default void newLeader(LeaseRecord record) {
    }
}
