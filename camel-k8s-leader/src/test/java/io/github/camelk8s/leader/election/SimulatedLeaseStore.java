package io.github.camelk8s.leader.election;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The driver's {@link LeaseStore} in the simulator: each call becomes a {@link SimulatedRequest} on the
 * {@link SimulatedNetwork}, with the client's request timeout, and its answer completes the stage inside the
 * calling process (so a paused process hears it at its resume). The invariants see every request as it is sent
 * and every answer before the driver does.
 */
final class SimulatedLeaseStore implements LeaseStore {

    private final SimulatedProcess process;
    private final SimulationInvariants.Standing standing;
    private final SimulatedNetwork network;
    private final SimulationInvariants invariants;
    private final Trace trace;
    private final long requestTimeout;

    SimulatedLeaseStore(SimulatedProcess process, SimulationInvariants.Standing standing, SimulatedElection election,
                        long requestTimeout) {
        this.process = process;
        this.standing = standing;
        this.network = election.network();
        this.invariants = election.invariants();
        this.trace = election.trace();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public CompletionStage<LeaseSnapshot> get() {
        return send(new SimulatedRequest(process, SimulatedRequest.Verb.GET, null, null));
    }

    @Override
    public CompletionStage<LeaseSnapshot> create(LeaseRecord record) {
        return send(new SimulatedRequest(process, SimulatedRequest.Verb.CREATE, record, null));
    }

    @Override
    public CompletionStage<LeaseSnapshot> update(LeaseRecord record, LeaseSnapshot base) {
        return send(new SimulatedRequest(process, SimulatedRequest.Verb.UPDATE, record, base.resourceVersion()));
    }

    private CompletionStage<LeaseSnapshot> send(SimulatedRequest request) {
        CompletableFuture<LeaseSnapshot> stage = new CompletableFuture<>();
        invariants.sending(standing, request);
        network.send(request, requestTimeout, answer -> {
            if (trace.on()) {
                trace.line(process.identity, "answer to " + request.verb + ": " + (answer.kind() == ApiAnswer.Kind.OK
                        ? Trace.describe(answer.lease()) : answer.failure()));
            }
            invariants.answered(standing, request, answer);
            if (answer.kind() == ApiAnswer.Kind.OK) {
                stage.complete(answer.lease());
            } else {
                stage.completeExceptionally(answer.exception());
            }
        });
        return stage;
    }
}
