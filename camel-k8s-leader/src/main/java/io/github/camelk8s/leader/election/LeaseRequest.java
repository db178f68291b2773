package io.github.camelk8s.leader.election;

/** One call the decision core asks the driver to make on the Lease; the answer comes back as an input. */
sealed interface LeaseRequest {

    /** Read the Lease. */
    record Get() implements LeaseRequest {
    }

    /** Create the Lease with this record; fails with a conflict if it exists. */
    record Create(LeaseRecord record) implements LeaseRequest {
    }

    /** Write this record into the Lease as {@code base} showed it, only if it is still at base's resourceVersion. */
    record Update(LeaseRecord record, LeaseSnapshot base) implements LeaseRequest {
    }
}
