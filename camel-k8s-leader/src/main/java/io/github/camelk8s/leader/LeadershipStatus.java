package io.github.camelk8s.leader;

import java.time.Instant;

import io.github.camelk8s.leader.election.ElectionStatistics;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;

/**
 * The body of a {@code k8s-leader:} producer exchange ({@code operation=status} or {@code yield}): this pod's
 * leadership of a Lease as it stands now. The fields shared with {@link LeadershipEvent} mean the same.
 */
public final class LeadershipStatus {

    private final String leaseName;
    private final String namespace;
    private final String identity;
    private final String holderIdentity;
    private final boolean leader;
    private final boolean yielding;
    private final int leaseTransitions;
    private final Instant lastRenewal;
    private final Instant lastObservation;
    private final Instant timestamp;

    public LeadershipStatus(String leaseName, String namespace, String identity, String holderIdentity,
                            boolean leader, boolean yielding, int leaseTransitions, Instant lastRenewal,
                            Instant lastObservation, Instant timestamp) {
        this.leaseName = leaseName;
        this.namespace = namespace;
        this.identity = identity;
        this.holderIdentity = holderIdentity == null ? "" : holderIdentity;
        this.leader = leader;
        this.yielding = yielding;
        this.leaseTransitions = leaseTransitions;
        this.lastRenewal = lastRenewal;
        this.lastObservation = lastObservation;
        this.timestamp = timestamp;
    }

    /** The status of the elector now. */
    static LeadershipStatus of(LeaseElector elector) {
        LeaseRecord record = elector.observedRecord();
        ElectionStatistics stats = elector.statistics();
        return new LeadershipStatus(elector.config().leaseName(), elector.config().namespace(),
                elector.config().identity(), record == null ? "" : record.holderIdentity(), elector.isLeader(),
                elector.isYielding(), record == null ? 0 : record.leaseTransitions(), stats.lastRenewal(),
                stats.lastObservation(), Instant.now());
    }

    public String getLeaseName() {
        return leaseName;
    }

    public String getNamespace() {
        return namespace;
    }

    /** This pod's identity. */
    public String getIdentity() {
        return identity;
    }

    /** Who holds the Lease as this pod last observed it; empty if nobody does (released, absent or not read). */
    public String getHolderIdentity() {
        return holderIdentity;
    }

    /** Whether this pod leads and its leadership is locally valid now. */
    public boolean isLeader() {
        return leader;
    }

    /** Whether this pod is staying out of the election after {@code operation=yield}. */
    public boolean isYielding() {
        return yielding;
    }

    /** The Lease's leaseTransitions as last observed. */
    public int getLeaseTransitions() {
        return leaseTransitions;
    }

    /** When this pod last acquired or renewed the Lease (local wall clock); null if it never led. */
    public Instant getLastRenewal() {
        return lastRenewal;
    }

    /** When this pod last learnt what the Lease holds (local wall clock); null if never. */
    public Instant getLastObservation() {
        return lastObservation;
    }

    /** When this status was taken (local wall clock). */
    public Instant getTimestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        return (leader ? "LEADER " : yielding ? "YIELDING " : "FOLLOWER ") + namespace + "/" + leaseName
               + " identity=" + identity + " holder=" + holderIdentity + " transitions=" + leaseTransitions
               + " at " + timestamp;
    }
}
