package io.github.camelk8s.leader;

import java.time.Instant;

import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Turns an elector's callback (or status) into the body and headers of the Camel contract. */
final class LeadershipEvents {

    private LeadershipEvents() {
    }

    static LeadershipEvent of(LeadershipEventType type, LeaderElectionConfig config, LeaseRecord record) {
        String holder = record == null ? "" : record.holderIdentity();
        int transitions = record == null ? 0 : record.leaseTransitions();
        return new LeadershipEvent(type, config.leaseName(), config.namespace(), config.identity(), holder,
                transitions, Instant.now());
    }

    static void populate(Exchange exchange, LeadershipEvent event) {
        Message in = exchange.getIn();
        in.setBody(event);
        in.setHeader(K8sLeaderConstants.EVENT, event.getType().name());
        in.setHeader(K8sLeaderConstants.LEASE_NAME, event.getLeaseName());
        in.setHeader(K8sLeaderConstants.NAMESPACE, event.getNamespace());
        in.setHeader(K8sLeaderConstants.IDENTITY, event.getIdentity());
        in.setHeader(K8sLeaderConstants.HOLDER_IDENTITY, event.getHolderIdentity());
        in.setHeader(K8sLeaderConstants.IS_LEADER, event.isLeader());
        in.setHeader(K8sLeaderConstants.TRANSITIONS, event.getLeaseTransitions());
    }

    /** The producer's answer: the status as body, and the event headers that apply to a status (no EVENT). */
    static void populate(Exchange exchange, LeadershipStatus status) {
        Message in = exchange.getIn();
        in.setBody(status);
        in.setHeader(K8sLeaderConstants.LEASE_NAME, status.getLeaseName());
        in.setHeader(K8sLeaderConstants.NAMESPACE, status.getNamespace());
        in.setHeader(K8sLeaderConstants.IDENTITY, status.getIdentity());
        in.setHeader(K8sLeaderConstants.HOLDER_IDENTITY, status.getHolderIdentity());
        in.setHeader(K8sLeaderConstants.IS_LEADER, status.isLeader());
        in.setHeader(K8sLeaderConstants.TRANSITIONS, status.getLeaseTransitions());
    }
}
