package io.github.camelk8s.leader.election;

import java.util.concurrent.CompletionStage;

/**
 * The three calls the election makes on its Lease, answered asynchronously so that no caller waits on the API
 * server: the fabric8 client in production ({@link LeaseApi}), the simulated API server in the simulator. A stage
 * fails with {@link LeaseConflictException} when the API server answered 409, with any other exception when the
 * call failed, was refused or timed out (a write may then have been applied or not).
 */
interface LeaseStore {

    /** The Lease as it is now, or null if there is none. */
    CompletionStage<LeaseSnapshot> get();

    /** Creates the Lease holding {@code record}; conflicts if it exists. */
    CompletionStage<LeaseSnapshot> create(LeaseRecord record);

    /** Writes {@code record} into the Lease as {@code base} showed it; conflicts if it changed since. */
    CompletionStage<LeaseSnapshot> update(LeaseRecord record, LeaseSnapshot base);
}
