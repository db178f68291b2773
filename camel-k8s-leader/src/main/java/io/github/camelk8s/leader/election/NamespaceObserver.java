package io.github.camelk8s.leader.election;

/**
 * Receives what a namespace's watch sees of every Lease in it, named: for observers that do not know in advance
 * which Leases they care about (a group's member slots). Called on the watch's thread, one event at a time:
 * implementations must not block.
 */
interface NamespaceObserver {

    /** The Lease was added or modified (or was already there when the observer was added). */
    void leaseChanged(String leaseName, LeaseSnapshot lease);

    /** The Lease was deleted. */
    void leaseDeleted(String leaseName);
}
