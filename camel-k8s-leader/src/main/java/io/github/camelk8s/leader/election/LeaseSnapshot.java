package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * The Lease as one answer of the API server showed it: the election record, the resourceVersion it carried, when
 * the Lease object was created and, where it came from the real API, the Lease object itself, into which an update
 * writes the next record (so that labels, annotations and other fields are kept). The decision core reads the
 * record, the resourceVersion, the creation time and the strategy only.
 *
 * @param record          the election record of the Lease's spec
 * @param resourceVersion the resourceVersion of that version of the Lease; opaque, compared only to order watch
 *                        events
 * @param created         the Lease's creationTimestamp (whole seconds), which tells a re-created Lease from the one
 *                        deleted before it; null if it carried none
 * @param strategy        the Lease's spec.strategy (coordinated leader election, Kubernetes 1.31+): a coordination
 *                        controller picks the holder, and nobody else competes; null if none
 * @param lease           the Lease as read, or null where no Kubernetes object stands behind the snapshot (the
 *                        simulated API server)
 */
public record LeaseSnapshot(LeaseRecord record, String resourceVersion, Instant created, String strategy,
        Lease lease) {

    public LeaseSnapshot {
        strategy = strategy == null || strategy.isEmpty() ? null : strategy;
    }

    /** A snapshot with no creation time known, of a Lease no coordination controller owns. */
    public LeaseSnapshot(LeaseRecord record, String resourceVersion, Lease lease) {
        this(record, resourceVersion, null, null, lease);
    }

    /** A snapshot of a Lease no coordination controller owns. */
    public LeaseSnapshot(LeaseRecord record, String resourceVersion, Instant created, Lease lease) {
        this(record, resourceVersion, created, null, lease);
    }

    /** The snapshot of a Lease as fabric8 returned it, or null for null (absent). */
    static LeaseSnapshot of(Lease lease) {
        return lease == null ? null : new LeaseSnapshot(LeaseRecord.of(lease), lease.getMetadata().getResourceVersion(),
                creationTime(lease.getMetadata().getCreationTimestamp()),
                lease.getSpec() == null ? null : lease.getSpec().getStrategy(), lease);
    }

    private static Instant creationTime(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            // the API server writes RFC 3339; anything else is a Lease nobody can order by creation
            return null;
        }
    }
}
