package io.github.camelk8s.leader;

import java.time.Duration;

import io.github.camelk8s.leader.election.LeaseElector;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Asks this pod's elector on the endpoint's Lease for its status, or makes it step down ({@code operation=yield}).
 * It does not take part in the election itself: some consumer, route policy or cluster view of this CamelContext
 * must compete on the Lease, and the producer works on that shared elector.
 */
public class K8sLeaderProducer extends DefaultProducer {

    /** How long operation=yield keeps this pod out of the election. */
    private final Duration yieldDuration;
    private String namespace;

    public K8sLeaderProducer(K8sLeaderEndpoint endpoint, Duration yieldDuration) {
        super(endpoint);
        this.yieldDuration = yieldDuration;
    }

    @Override
    public K8sLeaderEndpoint getEndpoint() {
        return (K8sLeaderEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        K8sLeaderEndpoint endpoint = getEndpoint();
        namespace = endpoint.getComponent().resolveNamespace(endpoint.getConfiguration());
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        K8sLeaderEndpoint endpoint = getEndpoint();
        LeaseElector elector = endpoint.getComponent().findElection(namespace, endpoint.getLeaseName());
        if (elector == null) {
            throw new IllegalStateException("This CamelContext does not take part in the election on Lease "
                                            + namespace + "/" + endpoint.getLeaseName() + ": operation="
                                            + endpoint.getOperation() + " needs a k8s-leader consumer, a "
                                            + "K8sLeaderRoutePolicy or a K8sLeaderClusterService view on it");
        }
        if (K8sLeaderEndpoint.OPERATION_YIELD.equals(endpoint.getOperation())) {
            elector.yieldLeadership(yieldDuration);
        }
        LeadershipEvents.populate(exchange, LeadershipStatus.of(elector));
    }
}
