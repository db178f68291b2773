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
 */
public class K8sLeaderConsumer extends DefaultConsumer implements LeadershipListener {

    private static final Logger LOG = LoggerFactory.getLogger(K8sLeaderConsumer.class);

    private LeaseElector elector;

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
        elector = endpoint.getComponent().joinElection(endpoint.getLeaseName(), endpoint.getConfiguration(),
                endpoint.getKubernetesClient());
        elector.addListener(this);
        AwaitLeadership.await(elector, endpoint.getConfiguration());
    }

    @Override
    protected void doStop() throws Exception {
        if (elector != null) {
            elector.removeListener(this);
            getEndpoint().getComponent().leaveElection(elector);
            elector = null;
        }
        super.doStop();
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

    private void emit(LeadershipEventType type, LeaseRecord record) {
        LeaseElector current = elector;
        if (current == null || !isRunAllowed()) {
            LOG.debug("Not emitting {} for {}: consumer is not running", type, getEndpoint());
            return;
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
