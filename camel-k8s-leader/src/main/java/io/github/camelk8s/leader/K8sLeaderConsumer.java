package io.github.camelk8s.leader;

import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.election.LeadershipListener;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits one exchange per leadership event of its Lease. Exchanges are processed synchronously on the elector's
 * event thread, so the route sees the events in the order they happened.
 * <p>
 * Each ELECTED a route receives is followed by exactly one LOST, within the life of the consumer: if the consumer
 * stops while this pod leads, it emits LOST as its last event. From then on it cannot report the loss, and a route
 * acting on ELECTED (opening a connection, taking a lock) must get the chance to undo it. That LOST is the end of
 * this route's view of the election, not necessarily of the pod's leadership: other users of the Lease in the
 * CamelContext (a policy, another consumer, a cluster view) may go on leading, and its holder header then still
 * names this pod.
 * <p>
 * The route runs in every pod and its exchanges are not leader-only: what it does on ELECTED is not checked step by
 * step against this pod's leadership, as a {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy}'s routes are.
 */
public class K8sLeaderConsumer extends DefaultConsumer implements LeadershipListener {

    private static final Logger LOG = LoggerFactory.getLogger(K8sLeaderConsumer.class);

    private volatile LeaseElector elector;
    /** Whether the last leadership event emitted was ELECTED. Guarded by this. */
    private boolean announcedLeader;

    public K8sLeaderConsumer(K8sLeaderEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public K8sLeaderEndpoint getEndpoint() {
        return (K8sLeaderEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        K8sLeaderEndpoint endpoint = getEndpoint();
        elector = endpoint.getComponent().joinElection(endpoint.getLeaseName(), endpoint.getConfiguration());
        elector.addListener(this);
        endpoint.getComponent().awaitLeadership(elector, endpoint.getConfiguration());
    }

    @Override
    protected void doStop() throws Exception {
        LeaseElector current = elector;
        if (current != null) {
            // Leave while still listening: when this consumer is the Lease's last user, leaving stops the elector,
            // which tells its listeners LOST and waits for them before it releases the Lease. The route so handles
            // LOST before another pod can be elected, as the engine intends; removing the listener first would
            // leave only the LOST below, emitted after the release.
            getEndpoint().getComponent().leaveElection(current);
            current.removeListener(this);
            synchronized (this) {
                if (announcedLeader) {
                    process(LeadershipEventType.LOST, current, current.observedRecord());
                }
                elector = null;
            }
        }
        super.doStop();
    }

    /** The elector this consumer shares on its Lease, or null while it is not running. */
    public LeaseElector elector() {
        return elector;
    }

    @Override
    public void elected(LeaseRecord record) {
        emit(LeadershipEventType.ELECTED, record);
    }

    @Override
    public void lost(LeaseRecord lastKnown) {
        emit(LeadershipEventType.LOST, lastKnown);
    }

    @Override
    public void newLeader(LeaseRecord record) {
        emit(LeadershipEventType.NEW_LEADER, record);
    }

    private synchronized void emit(LeadershipEventType type, LeaseRecord record) {
        LeaseElector current = elector;
        if (current == null) {
            LOG.debug("Not emitting {} for {}: consumer is stopped", type, getEndpoint());
            return;
        }
        process(type, current, record);
    }

    private void process(LeadershipEventType type, LeaseElector current, LeaseRecord record) {
        if (type != LeadershipEventType.NEW_LEADER) {
            announcedLeader = type == LeadershipEventType.ELECTED;
        }
        Exchange exchange = createExchange(false);
        try {
            LeadershipEvents.populate(exchange, LeadershipEvents.of(type, current.config(), record));
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("Error processing " + type + " event", exchange,
                    exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
