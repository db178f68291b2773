package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;

/**
 * The election record kept in a Lease's spec, with the field names and meaning of client-go's
 * {@code LeaderElectionRecord}, so kubectl and other electors read it alike. The times are informational: no
 * decision compares them with this JVM's clock.
 *
 * @param holderIdentity       who leads; empty when released
 * @param leaseDurationSeconds how long followers wait, from observing this record, before taking over
 * @param acquireTime          when the current holder acquired the lease
 * @param renewTime            when the holder last renewed it
 * @param leaseTransitions     how many times the holder changed
 */
public record LeaseRecord(String holderIdentity, int leaseDurationSeconds, Instant acquireTime, Instant renewTime,
        int leaseTransitions) {

    public LeaseRecord {
        holderIdentity = holderIdentity == null ? "" : holderIdentity;
    }

    /** Whether somebody holds the lease (an empty holder means it was released). */
    public boolean isHeld() {
        return !holderIdentity.isEmpty();
    }

    public boolean isHeldBy(String identity) {
        return holderIdentity.equals(identity);
    }

    /**
     * Reads the record from a Lease. A Lease without spec, or with fields missing, reads as released: nobody can
     * be shown to hold it, and writing it back (with its resourceVersion) is how it is repaired.
     */
    public static LeaseRecord of(Lease lease) {
        LeaseSpec spec = lease.getSpec();
        if (spec == null) {
            return new LeaseRecord("", 0, null, null, 0);
        }
        return new LeaseRecord(spec.getHolderIdentity(),
                spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds(),
                toInstant(spec.getAcquireTime()), toInstant(spec.getRenewTime()),
                spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions());
    }

    /**
     * The Lease as it was read, carrying this record instead of the one it had: an update of it keeps whatever
     * else the Lease holds (labels and annotations of the tool that deployed it, owner references, spec fields of
     * newer API versions) and its resourceVersion, so the update succeeds only if nobody wrote since it was read.
     */
    Lease writtenInto(Lease read) {
        return new LeaseBuilder(read)
                .editOrNewSpec()
                .withHolderIdentity(holderIdentity)
                .withLeaseDurationSeconds(leaseDurationSeconds)
                .withAcquireTime(toZoned(acquireTime))
                .withRenewTime(toZoned(renewTime))
                .withLeaseTransitions(leaseTransitions)
                .endSpec()
                .build();
    }

    /** A Lease carrying this record, ready for a create (no resourceVersion) or an update (with one). */
    Lease toLease(String namespace, String name, String resourceVersion) {
        return new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
                        .withResourceVersion(resourceVersion).build())
                .withNewSpec()
                .withHolderIdentity(holderIdentity)
                .withLeaseDurationSeconds(leaseDurationSeconds)
                .withAcquireTime(toZoned(acquireTime))
                .withRenewTime(toZoned(renewTime))
                .withLeaseTransitions(leaseTransitions)
                .endSpec()
                .build();
    }

    private static Instant toInstant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static ZonedDateTime toZoned(Instant time) {
        // MicroTime: the API server keeps microseconds, so truncate to compare what we wrote with what we read
        return time == null ? null : time.truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    }
}
