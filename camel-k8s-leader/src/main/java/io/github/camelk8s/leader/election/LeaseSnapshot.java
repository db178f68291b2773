package io.github.camelk8s.leader.election;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * The Lease as one answer of the API server showed it: the election record, the resourceVersion it carried and,
 * where it came from the real API, the Lease object itself, into which an update writes the next record (so that
 * labels, annotations and other fields are kept). The decision core reads the record and the resourceVersion only.
 *
 * @param record          the election record of the Lease's spec
 * @param resourceVersion the resourceVersion of that version of the Lease; opaque, compared only to order watch
 *                        events
 * @param lease           the Lease as read, or null where no Kubernetes object stands behind the snapshot (the
 *                        simulated API server)
 */
public record LeaseSnapshot(LeaseRecord record, String resourceVersion, Lease lease) {

    /** The snapshot of a Lease as fabric8 returned it, or null for null (absent). */
    static LeaseSnapshot of(Lease lease) {
        return lease == null ? null : new LeaseSnapshot(LeaseRecord.of(lease), lease.getMetadata().getResourceVersion(),
                lease);
    }
}
