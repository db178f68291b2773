package io.github.camelk8s.leader.election;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/** Receives what a watch sees of one Lease. Called on the watch's thread: implementations must not block. */
interface LeaseObserver {

    /** The Lease was added or modified. */
    void leaseChanged(Lease lease);

    /** The Lease was deleted; {@code lastKnown} is the deleted object as the watch reported it. */
    void leaseDeleted(Lease lastKnown);
}
