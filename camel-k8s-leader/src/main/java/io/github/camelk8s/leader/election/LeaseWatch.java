package io.github.camelk8s.leader.election;

/**
 * The watch on a namespace's Leases that electors share ({@link NamespaceLeaseWatch} in production). Observers
 * are told about the Lease they registered for, in the order the watch delivers versions.
 */
interface LeaseWatch {

    /** Starts watching, unless it runs already or was stopped; electors poll until events flow. */
    void start();

    /** Whether events are flowing now; while not, electors poll to notice changes. */
    boolean isWatching();

    void addObserver(String leaseName, LeaseObserver observer);

    void removeObserver(String leaseName, LeaseObserver observer);
}
