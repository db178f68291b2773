package io.github.camelk8s.leader.cluster;

import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.election.FencingToken;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;

/**
 * The fencing token on the exchanges of Camel's {@code master:} routes over a {@link K8sLeaderClusterService}: the
 * master consumer hands its exchanges to the route with no hook for this component, so the step guard, which
 * wraps every step, stamps {@link K8sLeaderConstants#FENCING_TOKEN} at the first step of such an exchange with the
 * token of the term this pod leads the Lease in then. Unlike a {@code K8sLeaderRoutePolicy}'s exchange, such an
 * exchange is not pinned to that term: Camel's master semantics decide when its steps run.
 */
public final class MasterRouteTokens {

    private static final String SCHEME = "master:";

    private MasterRouteTokens() {
    }

    /** The Lease (the master namespace) of the route {@code step} belongs to, if it starts with master:, else null. */
    public static String leaseOf(NamedNode step) {
        RouteDefinition route = step == null ? null : ProcessorDefinitionHelper.getRoute(step);
        String uri = route == null || route.getInput() == null ? null : route.getInput().getEndpointUri();
        if (uri == null || !uri.startsWith(SCHEME)) {
            return null;
        }
        String rest = uri.substring(SCHEME.length());
        int end = rest.indexOf(':');
        return end > 0 ? rest.substring(0, end) : null;
    }

    /** Sets the header on an exchange of the master: route of {@code lease} that has none yet. */
    public static void stamp(Exchange exchange, String lease) {
        if (exchange.getMessage().getHeader(K8sLeaderConstants.FENCING_TOKEN) != null) {
            return;
        }
        K8sLeaderClusterService service = exchange.getContext().hasService(K8sLeaderClusterService.class);
        FencingToken term = service == null ? null : service.fencingToken(lease);
        if (term != null) {
            exchange.getMessage().setHeader(K8sLeaderConstants.FENCING_TOKEN, term.value());
        }
    }
}
