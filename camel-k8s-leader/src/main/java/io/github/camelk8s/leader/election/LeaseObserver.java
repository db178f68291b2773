package io.github.camelk8s.leader.election;

/** Receives what a watch sees of one Lease. Called on the watch's thread: implementations must not block. */
interface LeaseObserver {

    /** The Lease was added or modified. */
    void leaseChanged(LeaseSnapshot lease);

    /**
     * The Lease was deleted; {@code finalStateUnknown} when a relist found it gone and the last state the watch
     * knew is older than the deletion.
     */
    void leaseDeleted(boolean finalStateUnknown);
}
