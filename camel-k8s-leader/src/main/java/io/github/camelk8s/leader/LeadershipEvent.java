package io.github.camelk8s.leader;

import java.time.Instant;
import java.util.Objects;

/**
 * The body of a {@code k8s-leader:} exchange: one change of leadership as this pod saw it.
 */
public final class LeadershipEvent {

    private final LeadershipEventType type;
    private final String leaseName;
    private final String namespace;
    private final String identity;
    private final String holderIdentity;
    private final int leaseTransitions;
    private final Instant timestamp;

    public LeadershipEvent(LeadershipEventType type, String leaseName, String namespace, String identity,
                           String holderIdentity, int leaseTransitions, Instant timestamp) {
        this.type = Objects.requireNonNull(type, "type");
        this.leaseName = leaseName;
        this.namespace = namespace;
        this.identity = identity;
        this.holderIdentity = holderIdentity == null ? "" : holderIdentity;
        this.leaseTransitions = leaseTransitions;
        this.timestamp = timestamp;
    }

    public LeadershipEventType getType() {
        return type;
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

    /** Who holds the Lease as observed with this event; empty if nobody does. */
    public String getHolderIdentity() {
        return holderIdentity;
    }

    /** Whether this pod leads after this event. */
    public boolean isLeader() {
        return type == LeadershipEventType.ELECTED;
    }

    public int getLeaseTransitions() {
        return leaseTransitions;
    }

    /** When this pod saw the event (local wall clock). */
    public Instant getTimestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        return type + " " + namespace + "/" + leaseName + " identity=" + identity + " holder=" + holderIdentity
               + " transitions=" + leaseTransitions + " at " + timestamp;
    }
}
